import type { CaseStatus } from './case-status';

/**
 * Which cases may move to another panel (issue 14: the panel where the child
 * normally lived reviews the death), pure. The caller's right to move it (a
 * CDOP coordinator of the case's current panel) is checked before, by scope.
 *
 * - a case in the unassigned queue has no panel to move from: it is assigned
 *   with PATCH /v1/cases/{caseId} instead;
 * - the case's own panel is no move;
 * - a case merged into another is closed as a duplicate: the case it was
 *   merged into is the one to move;
 * - a case `scheduled_for_panel` is on the agenda of one of its panel's
 *   meetings (the agenda lives in panel-meetings): it is taken off the agenda
 *   first, by the people who run that meeting, rather than silently here;
 * - a case the panel has reviewed (`reviewed`, `closed`) stays: the signed-off
 *   analysis, its actions and the meeting's record belong to the panel that
 *   made them. A closed case that must be reviewed again elsewhere is reopened
 *   first (it is then `gathering_information` and may move);
 * - an open flag relating the case to another case (a possible duplicate)
 *   must be settled first: deciding it needs someone who can see both cases,
 *   and once they are with different panels no one could.
 * A hold, the clocks, forms and every other flag move with the case.
 */

export type TransferRefusal =
  | { code: 'CASE.NOT_ASSIGNED'; detail: string }
  | { code: 'CASE.SAME_PANEL'; detail: string }
  | { code: 'CASE.ON_AGENDA'; detail: string }
  | { code: 'CASE.TRANSFER_NOT_ALLOWED'; detail: string }
  | { code: 'CASE.RELATED_FLAG_OPEN'; detail: string; flag: { id: string; type: string } };

export interface TransferSnapshot {
  status: CaseStatus;
  panelId: string | null;
  mergedIntoCaseId: string | null;
  /** Open flags that relate the case to another case (either side of the pair). */
  openRelatedFlags: readonly { id: string; type: string }[];
}

const REVIEWED: readonly CaseStatus[] = ['reviewed', 'closed'];

export function evaluateTransfer(c: TransferSnapshot, toPanelId: string): { ok: true } | ({ ok: false } & TransferRefusal) {
  if (c.panelId === null) {
    return {
      ok: false,
      code: 'CASE.NOT_ASSIGNED',
      detail: 'The case is in the unassigned queue: assign it to a panel with PATCH /v1/cases/{caseId} instead.',
    };
  }
  if (c.panelId.toLowerCase() === toPanelId.toLowerCase()) {
    return { ok: false, code: 'CASE.SAME_PANEL', detail: 'The case is already with that panel.' };
  }
  if (c.mergedIntoCaseId !== null) {
    return {
      ok: false,
      code: 'CASE.TRANSFER_NOT_ALLOWED',
      detail: 'The case was merged into another as a duplicate; transfer the case it was merged into.',
    };
  }
  if (c.status === 'scheduled_for_panel') {
    return {
      ok: false,
      code: 'CASE.ON_AGENDA',
      detail:
        'The case is on the agenda of a meeting of its current panel; take it off the agenda ' +
        '(DELETE /v1/panel-meetings/{meetingId}/agenda/{caseId}) before transferring it.',
    };
  }
  if (REVIEWED.includes(c.status)) {
    return {
      ok: false,
      code: 'CASE.TRANSFER_NOT_ALLOWED',
      detail:
        'The panel has reviewed this case; the review stays with the panel that made it. ' +
        'A closed case that must be reviewed elsewhere is reopened first.',
    };
  }
  const flag = c.openRelatedFlags[0];
  if (flag) {
    return {
      ok: false,
      code: 'CASE.RELATED_FLAG_OPEN',
      detail: `An open ${flag.type} flag relates this case to another case: merge or dismiss it before transferring the case.`,
      flag: { id: flag.id, type: flag.type },
    };
  }
  return { ok: true };
}
