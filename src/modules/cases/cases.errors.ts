import { badRequest, conflict, notFound } from '../../platform/http/problem';
import type { TransferRefusal } from './case-transfer.rule';
import type { CaseAction } from './case-workflow';
import type { ClosureBlocker, OutstandingForm } from './cases.ports';

// One message for "does not exist" and "not yours": a 404 must not confirm that a case exists.
export const caseNotFound = () => notFound('The case', 'CASE.NOT_FOUND');
export const targetCaseNotFound = () => notFound('The target case', 'CASE.NOT_FOUND');

export const actionNotAllowed = (detail: string, allowedActions: CaseAction[]) =>
  conflict('CASE.ACTION_NOT_ALLOWED', detail, { allowedActions });
export const blockedByFlag = (detail: string, flag: { id: string; type: string }, allowedActions: CaseAction[]) =>
  conflict('CASE.BLOCKED_BY_FLAG', detail, { flag, allowedActions });
export const flagNotApplicable = (detail: string, allowedActions: CaseAction[]) =>
  conflict('CASE.FLAG_NOT_APPLICABLE', detail, { allowedActions });
export const targetMerged = () =>
  conflict('CASE.TARGET_MERGED', 'The target case was itself merged into another case; merge into that one instead.');
export const alreadyAssigned = () =>
  conflict(
    'CASE.ALREADY_ASSIGNED',
    'The case is already assigned to a panel; to move it to another, transfer it with POST /v1/cases/{caseId}/transfer.',
  );
export const transferRefused = (r: TransferRefusal) => conflict(r.code, r.detail, 'flag' in r ? { flag: r.flag } : undefined);
export const blankTransferReason = () =>
  badRequest('The reason must say why the case moves.', [{ field: 'body.reason', message: 'must not be blank' }]);
export const mergedCaseNotAssignable = () =>
  conflict('CASE.ACTION_NOT_ALLOWED', 'The case was merged into another as a duplicate; it cannot be assigned.');

export const unknownPanel = () => badRequest('Unknown panel.', [{ field: 'body.panelId', message: 'no such panel' }], 'CASE.UNKNOWN_PANEL');
export const unknownFlag = () =>
  badRequest('No such flag on this case.', [{ field: 'body.flagId', message: 'no such flag on this case' }], 'CASE.UNKNOWN_FLAG');
export const wrongTarget = () =>
  badRequest(
    'The target is not the case the flag relates to.',
    [{ field: 'body.targetCaseId', message: 'is not the other case of the flag' }],
    'CASE.WRONG_TARGET',
  );
export const informationOutstanding = (outstanding: readonly OutstandingForm[], allowedActions: CaseAction[]) =>
  conflict(
    'CASE.INFORMATION_OUTSTANDING',
    `${outstanding.length} requested form${outstanding.length === 1 ? ' is' : 's are'} still outstanding: each must be submitted, waived or withdrawn before the case is ready for panel.`,
    { outstanding, allowedActions },
  );
export const closureBlocked = (blockers: readonly ClosureBlocker[], allowedActions: CaseAction[]) =>
  conflict('CASE.CLOSURE_BLOCKED', `The case cannot be closed yet: ${blockers.map((b) => b.detail).join(' ')}`, {
    blockers,
    allowedActions,
  });
export const panelStepElsewhere = (action: CaseAction, endpoint: string, allowedActions: CaseAction[]) =>
  conflict('CASE.ACTION_NOT_ALLOWED', `${action} is taken by the panel at ${endpoint}, not through this endpoint.`, {
    allowedActions,
  });
