import type { Principal } from '../../../access/principal';
import { audit } from '../../../audit';
import { toPage, type Page } from '../../../platform/http/pagination';
import { badRequest } from '../../../platform/http/problem';
import * as requests from '../agency-forms.repository';
import { requestNotFound, submissionNotFound } from '../agency-forms.errors';
import type { FormRequestView, FormSubmissionList, FormSubmissionView } from '../agency-forms.types';
import { completenessView, requestView, submissionView } from '../agency-forms.view';
import type { FormRequestStatus } from '../entities';
import { requestEvent, runFormsCommand, todayOf, type AgencyFormsDeps } from './deps';

/** Reads of requests and submissions: the agency asked and the case's coordinators (request-scope.ts); every read audited. */

export interface RequestListQuery {
  status?: FormRequestStatus;
  overdue?: boolean;
  after?: (string | number)[];
  limit: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;
const badCursor = () =>
  badRequest('The cursor is not valid; start again from the first page.', [{ field: 'query.cursor', message: 'invalid cursor' }]);

export function listRequests(deps: AgencyFormsDeps, p: Principal, q: RequestListQuery): Promise<Page<FormRequestView>> {
  let after: { requestedAt: string; id: string } | undefined;
  if (q.after) {
    const [at, id] = q.after;
    if (typeof at !== 'string' || typeof id !== 'string' || !INSTANT.test(at) || !UUID.test(id)) return Promise.reject(badCursor());
    after = { requestedAt: at, id };
  }
  const today = todayOf(deps);
  return runFormsCommand(deps, 'form_request.list', { type: 'form_request' }, async (tx) => {
    const rows = await requests.listRequests(tx, p, { status: q.status, overdue: q.overdue, today, after, limit: q.limit });
    const page = toPage(
      rows,
      q.limit,
      (r) => [r.requested_at_key, r.id],
      (r) => requestView(r, today),
    );
    await audit(tx, {
      action: 'form_request.list',
      resourceType: 'form_request',
      details: { returned: page.items.length, ids: page.items.map((i) => i.id) },
    });
    return page;
  });
}

export function getRequest(deps: AgencyFormsDeps, p: Principal, id: string): Promise<{ view: FormRequestView; version: number }> {
  return runFormsCommand(deps, 'form_request.read', { type: 'form_request', id }, async (tx) => {
    const row = await requests.findRequest(tx, p, id);
    if (!row) throw requestNotFound();
    const draft = await requests.findDraft(tx, id);
    await audit(tx, requestEvent(id, { action: 'form_request.read', details: { caseId: row.case_id, withDraft: draft !== null } }));
    return { view: requestView(row, todayOf(deps), draft), version: row.version };
  });
}

export function listSubmissions(deps: AgencyFormsDeps, p: Principal, id: string): Promise<FormSubmissionList> {
  return runFormsCommand(deps, 'form_submission.list', { type: 'form_request', id }, async (tx) => {
    const row = await requests.findRequest(tx, p, id);
    if (!row) throw requestNotFound();
    const rows = await requests.listSubmissions(tx, id);
    await audit(tx, requestEvent(id, { action: 'form_submission.list', details: { caseId: row.case_id, returned: rows.length } }));
    return {
      items: rows.map((s) => ({
        revision: s.revision,
        templateVersion: s.template_version,
        completeness: completenessView(s),
        amendmentReason: s.amendment_reason,
        submittedAt: s.submitted_at.toISOString(),
      })),
    };
  });
}

export function getSubmission(deps: AgencyFormsDeps, p: Principal, id: string, revision: number): Promise<FormSubmissionView> {
  return runFormsCommand(deps, 'form_submission.read', { type: 'form_request', id }, async (tx) => {
    const row = await requests.findRequest(tx, p, id);
    if (!row) throw requestNotFound();
    const s = await requests.findSubmission(tx, id, revision);
    if (!s) throw submissionNotFound();
    await audit(tx, requestEvent(id, { action: 'form_submission.read', details: { caseId: row.case_id, revision } }));
    return submissionView(s);
  });
}
