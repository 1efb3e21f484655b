import fc from 'fast-check';
import { CASE_STATUSES, HOLD_REASONS, type CaseStatus } from '../../../src/modules/cases/case-status';
import {
  actionFieldErrors,
  ALLOWED_ACTIONS_BY_STATUS,
  allowedActions,
  CASE_ACTIONS,
  DEADLINES_MET_ON_ENTERING,
  evaluateAction,
  FLAG_BLOCKS,
  NEXT_STATUS,
  type CaseAction,
  type CaseSnapshot,
} from '../../../src/modules/cases/case-workflow';
import { DEFAULT_DEADLINE_RULES } from '../../../src/modules/cases/clocks';

const PANEL = '0b7f3c2e-8a51-4d0e-9c1b-3f7a2d9e4b10';
const plain = (status: CaseStatus, over: Partial<CaseSnapshot> = {}): CaseSnapshot => ({
  status,
  holdReason: null,
  panelId: PANEL,
  mergedIntoCaseId: null,
  flags: [],
  ...over,
});
const dup = (status: 'open' | 'dismissed' | 'resolved' = 'open') => ({ id: 'f-dup', type: 'POSSIBLE_DUPLICATE', status });

describe('the status table', () => {
  it('when the table is read, then every status has an entry and every action appears somewhere', () => {
    expect(Object.keys(ALLOWED_ACTIONS_BY_STATUS).sort()).toEqual([...CASE_STATUSES].sort());
    const used = new Set(Object.values(ALLOWED_ACTIONS_BY_STATUS).flat());
    expect(CASE_ACTIONS.filter((a) => !used.has(a))).toEqual([]);
  });

  // What a plain case (assigned, no hold, no flags) allows, status by status.
  it.each<[CaseStatus, CaseAction[]]>([
    ['notified', ['request_information', 'place_hold']],
    ['gathering_information', ['convene_review_meeting', 'mark_ready_for_panel', 'place_hold']],
    ['child_death_review_meeting', ['mark_ready_for_panel', 'place_hold']],
    ['ready_for_panel', ['schedule_for_panel', 'place_hold']],
    ['scheduled_for_panel', ['unschedule', 'record_panel_review', 'place_hold']],
    ['reviewed', ['close', 'place_hold']],
    ['closed', ['reopen']],
  ])('when a plain case is %s, then it allows exactly %j', (status, expected) => {
    expect(allowedActions(plain(status))).toEqual(expected);
  });

  it.each<[CaseAction, CaseStatus, CaseStatus]>([
    ['request_information', 'notified', 'gathering_information'],
    ['convene_review_meeting', 'gathering_information', 'child_death_review_meeting'],
    ['mark_ready_for_panel', 'gathering_information', 'ready_for_panel'],
    ['mark_ready_for_panel', 'child_death_review_meeting', 'ready_for_panel'],
    ['schedule_for_panel', 'ready_for_panel', 'scheduled_for_panel'],
    ['unschedule', 'scheduled_for_panel', 'ready_for_panel'],
    ['record_panel_review', 'scheduled_for_panel', 'reviewed'],
    ['close', 'reviewed', 'closed'],
    ['reopen', 'closed', 'gathering_information'],
  ])('when %s is taken from %s, then the case becomes %s', (action, from, to) => {
    expect(evaluateAction(plain(from), action)).toEqual({ ok: true });
    expect(NEXT_STATUS[action]).toBe(to);
  });

  it('when a status is skipped (notified straight to ready_for_panel, or closing before review), then 409 ACTION_NOT_ALLOWED', () => {
    expect(evaluateAction(plain('notified'), 'mark_ready_for_panel')).toMatchObject({ ok: false, code: 'CASE.ACTION_NOT_ALLOWED' });
    expect(evaluateAction(plain('scheduled_for_panel'), 'close')).toMatchObject({ ok: false, code: 'CASE.ACTION_NOT_ALLOWED' });
    expect(evaluateAction(plain('closed'), 'place_hold')).toMatchObject({ ok: false, code: 'CASE.ACTION_NOT_ALLOWED' });
  });
});

describe('holds', () => {
  it.each(HOLD_REASONS)(
    'when a case is on hold (%s), then progress is blocked and lift_hold, unschedule and flag work are allowed',
    (reason) => {
      const held = plain('scheduled_for_panel', { holdReason: reason, flags: [dup()] });
      expect(allowedActions(held)).toEqual(['unschedule', 'lift_hold', 'dismiss_flag']);
      const verdict = evaluateAction(held, 'record_panel_review');
      expect(verdict).toMatchObject({ ok: false, code: 'CASE.ACTION_NOT_ALLOWED' });
      expect(!verdict.ok && verdict.detail).toContain(reason);
    },
  );

  it('when a case is not on hold, then lift_hold is refused; when it is, place_hold is refused', () => {
    expect(evaluateAction(plain('notified'), 'lift_hold').ok).toBe(false);
    expect(evaluateAction(plain('notified', { holdReason: 'awaiting_inquest' }), 'place_hold').ok).toBe(false);
  });
});

describe('the unassigned queue, merges and flags', () => {
  it('when a case has no panel, then it cannot progress or be held, but its duplicate flag can be merged or dismissed', () => {
    const queued = plain('notified', { panelId: null, flags: [dup()] });
    expect(allowedActions(queued)).toEqual(['dismiss_flag', 'merge_duplicate']);
  });

  it('when a closed case was merged, then only unmerge is allowed; when it was not, only reopen', () => {
    expect(allowedActions(plain('closed', { mergedIntoCaseId: 'x' }))).toEqual(['unmerge']);
    expect(allowedActions(plain('closed'))).toEqual(['reopen']);
  });

  it('when there is no open duplicate flag, then merge_duplicate and dismiss_flag are refused; a dismissed one can be restored', () => {
    const dismissed = plain('notified', { flags: [dup('dismissed')] });
    expect(evaluateAction(dismissed, 'merge_duplicate').ok).toBe(false);
    expect(evaluateAction(dismissed, 'dismiss_flag').ok).toBe(false);
    expect(evaluateAction(dismissed, 'restore_flag').ok).toBe(true);
  });

  it.each<[string, CaseStatus, CaseAction]>([
    ['POSSIBLE_DUPLICATE', 'ready_for_panel', 'schedule_for_panel'],
    ['POSSIBLE_DUPLICATE', 'scheduled_for_panel', 'record_panel_review'],
    ['POSSIBLE_DUPLICATE', 'reviewed', 'close'],
    ['NHS_NUMBER_CONFLICT', 'ready_for_panel', 'schedule_for_panel'],
    ['NHS_NUMBER_CONFLICT', 'scheduled_for_panel', 'record_panel_review'],
    ['NHS_NUMBER_CONFLICT', 'reviewed', 'close'],
  ])(
    'when an open %s flag is on a %s case, then %s is 409 BLOCKED_BY_FLAG naming the flag and left out of allowedActions',
    (type, status, action) => {
      const c = plain(status, { flags: [{ id: 'f1', type, status: 'open' }] });
      expect(evaluateAction(c, action)).toMatchObject({ ok: false, code: 'CASE.BLOCKED_BY_FLAG', flag: { id: 'f1', type } });
      expect(allowedActions(c)).not.toContain(action);
      expect(FLAG_BLOCKS[type]).toContain(action);
    },
  );

  it('when the blocking flag is dismissed or resolved, or of a type that blocks nothing, then the action is allowed', () => {
    expect(evaluateAction(plain('reviewed', { flags: [dup('dismissed')] }), 'close').ok).toBe(true);
    expect(evaluateAction(plain('reviewed', { flags: [dup('resolved')] }), 'close').ok).toBe(true);
    const unlisted = [{ id: 'f', type: 'SOMETHING_NEW', status: 'open' as const }];
    expect(FLAG_BLOCKS.SOMETHING_NEW).toBeUndefined();
    for (const [status, action] of [
      ['ready_for_panel', 'schedule_for_panel'],
      ['scheduled_for_panel', 'record_panel_review'],
      ['reviewed', 'close'],
    ] as const) {
      expect(evaluateAction(plain(status, { flags: unlisted }), action).ok).toBe(true);
    }
  });

  it("when a flag is not the caller's to decide (it names a case they cannot see), then it still blocks but cannot be dismissed, restored or merged", () => {
    const foreign = plain('reviewed', { flags: [{ ...dup(), decidable: false }] });
    expect(allowedActions(foreign)).toEqual(['place_hold']);
    expect(evaluateAction(foreign, 'close')).toMatchObject({ code: 'CASE.BLOCKED_BY_FLAG' });
    expect(allowedActions(plain('reviewed', { flags: [{ ...dup('dismissed'), decidable: false }] }))).toEqual(['close', 'place_hold']);
  });

  it('when a duplicate flag is open, then the early stages (requesting information) are not blocked', () => {
    expect(evaluateAction(plain('notified', { flags: [dup()] }), 'request_information').ok).toBe(true);
  });
});

describe('clocks', () => {
  it('when the clock mapping is read, then every clock it meets is a known rule', () => {
    const ids = new Set(DEFAULT_DEADLINE_RULES.map((r) => r.id));
    expect(
      Object.values(DEADLINES_MET_ON_ENTERING)
        .flat()
        .filter((id) => !ids.has(id)),
    ).toEqual([]);
    expect(DEADLINES_MET_ON_ENTERING.reviewed).toContain('panel_review_target');
  });
});

describe('action fields', () => {
  it.each<[Parameters<typeof actionFieldErrors>[0], string[]]>([
    [{ action: 'reopen' }, ['body.reason']],
    [{ action: 'place_hold' }, ['body.holdReason']],
    [{ action: 'dismiss_flag' }, ['body.flagId', 'body.reason']],
    [{ action: 'merge_duplicate' }, ['body.flagId']],
    [{ action: 'unmerge' }, ['body.reason']],
    [{ action: 'close', holdReason: 'awaiting_inquest', flagId: 'x' }, ['body.holdReason', 'body.flagId']],
    [{ action: 'request_information', note: 'Forms sent by email' }, []],
    [{ action: 'merge_duplicate', flagId: 'x', targetCaseId: 'y', reason: 'same child' }, []],
  ])('when %j is sent, then the fields in error are %j', (req, fields) => {
    expect(actionFieldErrors(req).map((e) => e.field)).toEqual(fields);
  });
});

describe('properties', () => {
  const snapshot = fc.record<CaseSnapshot>({
    status: fc.constantFrom(...CASE_STATUSES),
    holdReason: fc.option(fc.constantFrom(...HOLD_REASONS), { nil: null }),
    panelId: fc.option(fc.constant(PANEL), { nil: null }),
    mergedIntoCaseId: fc.option(fc.constant('m'), { nil: null }),
    flags: fc.array(
      fc.record({
        id: fc.constantFrom('a', 'b', 'c'),
        type: fc.constantFrom('POSSIBLE_DUPLICATE', 'NHS_NUMBER_CONFLICT', 'OTHER'),
        status: fc.constantFrom('open' as const, 'dismissed' as const, 'resolved' as const),
        decidable: fc.boolean(),
      }),
      { maxLength: 3 },
    ),
  });

  it('when any case state is evaluated, then allowedActions is exactly the actions evaluateAction accepts, and each is in the status table', () => {
    fc.assert(
      fc.property(snapshot, (c) => {
        const allowed = allowedActions(c);
        expect(allowed).toEqual(CASE_ACTIONS.filter((a) => evaluateAction(c, a).ok));
        for (const a of allowed) expect(ALLOWED_ACTIONS_BY_STATUS[c.status]).toContain(a);
      }),
      { numRuns: 500 },
    );
  });

  it('when a case is on hold or unassigned, then no action moves the review forward', () => {
    const forward: CaseAction[] = [
      'request_information',
      'convene_review_meeting',
      'mark_ready_for_panel',
      'schedule_for_panel',
      'record_panel_review',
      'close',
    ];
    fc.assert(
      fc.property(snapshot, (c) => {
        if (c.holdReason || c.panelId === null) expect(allowedActions(c).filter((a) => forward.includes(a))).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('when an open flag blocks an action, then that action is never allowed', () => {
    fc.assert(
      fc.property(snapshot, (c) => {
        const blocked = c.flags.filter((f) => f.status === 'open').flatMap((f) => FLAG_BLOCKS[f.type] ?? []);
        expect(allowedActions(c).filter((a) => blocked.includes(a))).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});
