import type { Principal } from '../../../access/principal';
import { audit } from '../../../audit';
import * as requests from '../agency-forms.repository';
import { requestNotFound, requestNotOutstanding } from '../agency-forms.errors';
import type { FormRequestView } from '../agency-forms.types';
import { requestView } from '../agency-forms.view';
import { canSeeRequest } from '../request-scope';
import { requestEvent, runFormsCommand, todayOf, type AgencyFormsDeps } from './deps';

/**
 * POST /v1/form-requests/{requestId}/withdraw and /waive: the case's
 * coordinator settles a request the agency has not submitted, with a reason.
 * Withdrawn: no longer needed (it may be asked again). Waived: the agency is
 * excused. Either way the draft goes and the cases module records the change.
 */
export function closeRequest(
  deps: AgencyFormsDeps,
  p: Principal,
  id: string,
  decision: 'withdrawn' | 'waived',
  reason: string,
): Promise<FormRequestView> {
  const action = decision === 'withdrawn' ? 'form_request.withdraw' : 'form_request.waive';
  return runFormsCommand(deps, action, { type: 'form_request', id }, async (tx) => {
    const row = await requests.findRequest(tx, p, id, { lock: true });
    // Only the case's coordinators decide (cases:write is checked on the operation); the agency asked sees the request but may not settle it.
    if (!row || !canSeeRequest({ ...p, agencyId: null }, { agencyId: row.agency_id, panelId: row.panel_id })) throw requestNotFound();
    if (row.status !== 'requested') throw requestNotOutstanding(row.status);
    const at = deps.now();
    const version = await requests.updateRequest(tx, id, {
      status: decision,
      closed_at: at,
      closed_by: `${p.kind}:${p.id}`,
      closed_reason: reason,
    });
    await requests.deleteDraft(tx, id);
    await deps.cases.changed(tx, p, {
      kind: 'form_request_closed',
      caseId: row.case_id,
      requestId: id,
      agencyId: row.agency_id,
      templateId: row.template_id,
      decision,
    });
    await audit(tx, requestEvent(id, { action, details: { caseId: row.case_id } }));
    return requestView(
      { ...row, version, status: decision, closed_at: at, closed_by: `${p.kind}:${p.id}`, closed_reason: reason },
      todayOf(deps),
    );
  });
}
