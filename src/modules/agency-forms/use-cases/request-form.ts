import { randomUUID } from 'node:crypto';
import type { Principal } from '../../../access/principal';
import { audit } from '../../../audit';
import { PG_UNIQUE_VIOLATION, pgErrorOf } from '../../../platform/db/sql';
import { badRequest } from '../../../platform/http/problem';
import { addWorkingDays } from '../../../platform/time';
import { resolveActiveAgency, type AgencyRef } from '../../directory';
import * as requests from '../agency-forms.repository';
import { alreadyRequested, caseClosed, caseNotFound, noPublishedVersion, unknownAgency, unknownTemplate } from '../agency-forms.errors';
import type { FormRequestCreate, FormRequestView } from '../agency-forms.types';
import { requestView } from '../agency-forms.view';
import * as templates from '../templates.repository';
import { requestEvent, runFormsCommand, todayOf, type AgencyFormsDeps, type Tx } from './deps';

/**
 * POST /v1/cases/{caseId}/form-requests: a coordinator asks an agency for a
 * form, in one transaction: lock the case (its coordinators only) → resolve
 * the agency and the template's current version → refuse a second live
 * request for the same agency and form → write → tell the cases module (the
 * first request moves a notified case to "gathering information") → audit.
 */
export async function requestForm(deps: AgencyFormsDeps, p: Principal, caseId: string, body: FormRequestCreate): Promise<FormRequestView> {
  checkRequestBody(deps, body);
  return runFormsCommand(deps, 'form_request.create', { type: 'case', id: caseId }, (tx) => requestFormIn(deps, tx, p, caseId, body));
}

/**
 * The request itself, in the caller's transaction: what the endpoint does after it has begun one, and what other
 * modules call through the service (`requestInTransaction`: a safeguarding review asking an agency for its
 * individual management review) so their command stays one transaction. Refusals throw before anything is written.
 */
export async function requestFormIn(
  deps: AgencyFormsDeps,
  tx: Tx,
  p: Principal,
  caseId: string,
  body: FormRequestCreate,
): Promise<FormRequestView> {
  const agency = checkRequestBody(deps, body);
  const today = todayOf(deps);
  const id = randomUUID();
  const kase = await deps.cases.forCoordinator(tx, p, caseId, { lock: true });
  if (!kase) throw caseNotFound();
  if (kase.status === 'closed' || kase.mergedIntoCaseId) throw caseClosed();
  const agencyId = await resolveActiveAgency(tx, agency.ref);
  if (!agencyId) throw unknownAgency(agency.field);
  const template = await templates.findTemplate(tx, body.templateId);
  if (!template) throw unknownTemplate();
  const version = await templates.currentVersion(tx, body.templateId);
  if (!version) throw noPublishedVersion();
  const existing = await requests.findLiveRequest(tx, caseId, agencyId, body.templateId);
  if (existing) throw alreadyRequested(existing);

  try {
    await requests.insertRequest(tx, {
      id,
      case_id: caseId,
      agency_id: agencyId,
      template_id: body.templateId,
      template_version: version.version,
      due_date: body.dueDate ?? addWorkingDays(today, deps.dueWorkingDays),
      requested_at: deps.now(),
      requested_by: `${p.kind}:${p.id}`,
      note: body.note ?? null,
    });
  } catch (err) {
    // Two coordinators asking at once: the unique index settles it, with the same answer as the check above.
    if (pgErrorOf(err)?.code === PG_UNIQUE_VIOLATION) {
      throw alreadyRequested((await requests.findLiveRequest(tx, caseId, agencyId, body.templateId)) ?? id);
    }
    throw err;
  }
  await deps.cases.changed(tx, p, { kind: 'form_requested', caseId, requestId: id, agencyId, templateId: body.templateId });
  await audit(
    tx,
    requestEvent(id, {
      action: 'form_request.create',
      details: { caseId, agencyId, templateId: body.templateId, templateVersion: version.version },
    }),
  );
  const row = await requests.findRequest(tx, p, id);
  return requestView(row!, today);
}

/** What the contract cannot say about a request: the agency named once, a due date not in the past. */
function checkRequestBody(deps: AgencyFormsDeps, body: FormRequestCreate): { ref: AgencyRef; field: string } {
  const agency = agencyRefOf(body);
  if (body.dueDate !== undefined && body.dueDate < todayOf(deps)) {
    throw badRequest('The due date is in the past.', [{ field: 'body.dueDate', message: 'must be today or later', code: 'past' }]);
  }
  return agency;
}

/** Exactly one of agencyId or agencyOdsCode names the agency. */
function agencyRefOf(body: FormRequestCreate): { ref: AgencyRef; field: string } {
  if (body.agencyId !== undefined && body.agencyOdsCode === undefined) return { ref: { id: body.agencyId }, field: 'body.agencyId' };
  if (body.agencyOdsCode !== undefined && body.agencyId === undefined) {
    return { ref: { odsCode: body.agencyOdsCode }, field: 'body.agencyOdsCode' };
  }
  throw badRequest('Name the agency by exactly one of agencyId or agencyOdsCode.', [
    { field: 'body.agencyId', message: 'give exactly one of agencyId or agencyOdsCode', code: 'one_of' },
  ]);
}
