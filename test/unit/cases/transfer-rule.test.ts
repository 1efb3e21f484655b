import { CASE_STATUSES, type CaseStatus } from '../../../src/modules/cases/case-status';
import { evaluateTransfer, type TransferSnapshot } from '../../../src/modules/cases/case-transfer.rule';

const WOR = '0b7f3c2e-8a51-4d0e-9c1b-3f7a2d9e4b10';
const HER = '8c2d4e6f-1a3b-4c5d-9e7f-2b4d6f8a0c13';
const snap = (status: CaseStatus, over: Partial<TransferSnapshot> = {}): TransferSnapshot => ({
  status,
  panelId: WOR,
  mergedIntoCaseId: null,
  openRelatedFlags: [],
  ...over,
});
const codeOf = (s: TransferSnapshot, to = HER) => {
  const v = evaluateTransfer(s, to);
  return v.ok ? 'ok' : v.code;
};

describe('which cases may move to another panel', () => {
  it.each([
    ['notified', 'ok'],
    ['gathering_information', 'ok'],
    ['child_death_review_meeting', 'ok'],
    ['ready_for_panel', 'ok'],
    ['scheduled_for_panel', 'CASE.ON_AGENDA'],
    ['reviewed', 'CASE.TRANSFER_NOT_ALLOWED'],
    ['closed', 'CASE.TRANSFER_NOT_ALLOWED'],
  ] as const)('when the case is %s, then %s', (status, code) => {
    expect(codeOf(snap(status))).toBe(code);
  });

  it('when the table is read, then every status has an answer (a new status cannot slip through untested)', () => {
    expect(CASE_STATUSES.map((s) => codeOf(snap(s))).every((c) => typeof c === 'string')).toBe(true);
    expect(CASE_STATUSES).toHaveLength(7);
  });

  it('when the case is in the unassigned queue, then CASE.NOT_ASSIGNED, whatever its status', () => {
    for (const s of CASE_STATUSES) expect(codeOf(snap(s, { panelId: null }))).toBe('CASE.NOT_ASSIGNED');
  });

  it('when the target is the case’s own panel (in any letter case), then CASE.SAME_PANEL before anything else', () => {
    expect(codeOf(snap('scheduled_for_panel'), WOR.toUpperCase())).toBe('CASE.SAME_PANEL');
  });

  it('when the case was merged into another, then CASE.TRANSFER_NOT_ALLOWED', () => {
    expect(codeOf(snap('closed', { mergedIntoCaseId: HER }))).toBe('CASE.TRANSFER_NOT_ALLOWED');
  });

  it('when an open flag relates the case to another case, then CASE.RELATED_FLAG_OPEN naming it', () => {
    const flag = { id: 'f1', type: 'POSSIBLE_DUPLICATE' };
    expect(evaluateTransfer(snap('gathering_information', { openRelatedFlags: [flag] }), HER)).toMatchObject({
      ok: false,
      code: 'CASE.RELATED_FLAG_OPEN',
      flag,
    });
  });
});
