import type { Principal } from '../../../access/principal';
import { audit } from '../../../audit';
import { preconditionFailed } from '../../../platform/http/problem';
import * as requests from '../agency-forms.repository';
import { requestClosed, requestNotFound } from '../agency-forms.errors';
import type { FormDraftSave, FormRequestView } from '../agency-forms.types';
import { requestView } from '../agency-forms.view';
import { acceptedVersion } from './accepted-version';
import { requestEvent, runFormsCommand, todayOf, type AgencyFormsDeps } from './deps';

/**
 * PUT /v1/form-requests/{requestId}/draft: replaces the saved draft, in one
 * transaction: lock the request (the agency asked, or the case's coordinator)
 * → If-Match → status → the version the answers follow → save → audit. The
 * answers are not validated until submitted: a draft may be half done.
 */
export function saveDraft(
  deps: AgencyFormsDeps,
  p: Principal,
  id: string,
  ifMatch: number,
  body: FormDraftSave,
): Promise<{ view: FormRequestView; version: number }> {
  return runFormsCommand(deps, 'form_draft.save', { type: 'form_request', id }, async (tx) => {
    const row = await requests.findRequest(tx, p, id, { lock: true });
    if (!row) throw requestNotFound();
    if (row.version !== ifMatch) throw preconditionFailed();
    if (row.status === 'withdrawn' || row.status === 'waived') throw requestClosed(row.status);
    await acceptedVersion(tx, row, body.templateVersion);
    const savedAt = deps.now();
    await requests.saveDraft(tx, {
      request_id: id,
      template_version: body.templateVersion,
      answers: body.answers,
      saved_at: savedAt,
      saved_by_type: p.kind,
      saved_by_id: p.id,
    });
    const version = await requests.updateRequest(tx, id, {});
    await audit(
      tx,
      requestEvent(id, { action: 'form_draft.save', details: { caseId: row.case_id, templateVersion: body.templateVersion } }),
    );
    const draft = await requests.findDraft(tx, id);
    return { view: requestView({ ...row, version }, todayOf(deps), draft), version };
  });
}
