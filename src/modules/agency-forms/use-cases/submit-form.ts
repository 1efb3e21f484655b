import type { Principal } from '../../../access/principal';
import { audit } from '../../../audit';
import { badRequest } from '../../../platform/http/problem';
import {
  beginIdempotent,
  completeIdempotent,
  fingerprint,
  requireKeyFromSystems,
  type IdempotentOutcome,
  type IdempotentRequest,
} from '../../../platform/idempotency/idempotency';
import * as requests from '../agency-forms.repository';
import { answersInvalid, requestClosed, requestNotFound } from '../agency-forms.errors';
import type { FormSubmissionView, FormSubmit } from '../agency-forms.types';
import { submissionView } from '../agency-forms.view';
import { answerErrors, completenessOf } from '../form-rules';
import { acceptedVersion } from './accepted-version';
import { requestEvent, runFormsCommand, type AgencyFormsDeps } from './deps';

/**
 * POST /v1/form-requests/{requestId}/submit, in one transaction, read top to
 * bottom: Idempotency-Key → lock the request (the agency asked, or the case's
 * coordinator) → status and amendment rules → the template version → validate
 * every answer (all failures at once; nothing stored) → completeness → the
 * revision → the request moves on, its draft goes → the cases module records
 * the change and runs its listeners (case-changes.ts) → audit → stored response.
 */
export async function submitForm(
  deps: AgencyFormsDeps,
  p: Principal,
  id: string,
  body: FormSubmit,
  idempotencyKey: string | undefined,
): Promise<IdempotentOutcome<FormSubmissionView>> {
  requireKeyFromSystems(p, idempotencyKey, 'submission');
  const request: IdempotentRequest | undefined = idempotencyKey
    ? { scope: `${p.kind}:${p.id}`, key: idempotencyKey, fingerprint: fingerprint('POST', `/v1/form-requests/${id}/submit`, body) }
    : undefined;
  // Refusals about the request itself (404, 409) are audited on their own, as every forms command's are.
  return runFormsCommand(deps, 'form.submit', { type: 'form_request', id }, async (tx) => {
    if (request) {
      const replay = await beginIdempotent<FormSubmissionView>(tx, request);
      if (replay) return replay;
    }
    const row = await requests.findRequest(tx, p, id, { lock: true });
    if (!row) throw requestNotFound();
    if (row.status === 'withdrawn' || row.status === 'waived') throw requestClosed(row.status);
    const revision = row.revisions + 1;
    amendmentRules(revision, body.amendmentReason);
    const version = await acceptedVersion(tx, row, body.templateVersion);
    const errors = answerErrors(version, body.answers);
    if (errors.length) throw answersInvalid(errors);

    const at = deps.now();
    const stored = await requests.insertSubmission(tx, {
      request_id: id,
      revision,
      template_id: row.template_id,
      template_version: version.version,
      answers: body.answers,
      ...completenessOf(version, body.answers),
      amendment_reason: body.amendmentReason ?? null,
      submitted_at: at,
      submitted_by_type: p.kind,
      submitted_by_id: p.id,
    });
    await requests.updateRequest(tx, id, { status: 'submitted', submitted_at: at, revisions: revision });
    await requests.deleteDraft(tx, id);
    await deps.cases.changed(tx, p, {
      kind: 'form_submitted',
      caseId: row.case_id,
      requestId: id,
      agencyId: row.agency_id,
      templateId: row.template_id,
      templateVersion: version.version,
      revision,
    });
    await audit(
      tx,
      requestEvent(id, {
        action: revision === 1 ? 'form.submit' : 'form.amend',
        details: { caseId: row.case_id, revision, templateId: row.template_id, templateVersion: version.version },
      }),
    );
    const response = { status: 201, body: submissionView(stored) };
    return request ? completeIdempotent(tx, request, response) : { ...response, replayed: false };
  });
}

/** The first submission has no amendment reason; every later one (an amendment) must say why. */
function amendmentRules(revision: number, reason: string | undefined): void {
  if (revision > 1 && reason === undefined) {
    throw badRequest('The form was submitted already: an amendment must say why.', [
      { field: 'body.amendmentReason', message: 'is required when amending a submitted form', code: 'required' },
    ]);
  }
  if (revision === 1 && reason !== undefined) {
    throw badRequest('This is the first submission: there is nothing to amend.', [
      { field: 'body.amendmentReason', message: 'is only for amendments', code: 'not_allowed' },
    ]);
  }
}
