import {
  clockEffectsOf,
  clocksFor,
  clockStatusOn,
  metStatus,
  REVIEW_CLOCK_RULES,
} from '../../../src/modules/safeguarding-reviews/review-clocks.rule';
import {
  actionRequestErrors,
  imrRequestErrors,
  learningErrors,
  referralErrors,
} from '../../../src/modules/safeguarding-reviews/review-rules';
import {
  allowedReviewActions,
  evaluateReviewAction,
  REVIEW_ACTIONS,
  REVIEW_STATES,
  TRANSITIONS,
  type Regime,
  type ReviewAction,
  type ReviewState,
} from '../../../src/modules/safeguarding-reviews/review-workflow';

// The safeguarding review's workflow and clocks, per regime, as tables (src/modules/safeguarding-reviews/README.md).

describe('the workflow', () => {
  const PATHS: Record<Regime, [ReviewAction, ReviewState][]> = {
    '2015': [
      ['record_recommendation', 'decision_pending'],
      ['decide_to_proceed', 'proceeding'],
      ['request_imrs', 'imrs_requested'],
      ['add_note', 'imrs_requested'],
      ['draft_report', 'report_drafted'],
      ['complete', 'completed'],
      ['publish', 'published'],
    ],
    '2018': [
      ['record_rapid_review', 'decision_pending'],
      ['decide_to_proceed', 'proceeding'],
      ['draft_report', 'report_drafted'],
      ['complete', 'completed'],
      ['publish', 'published'],
    ],
  };

  it.each(Object.entries(PATHS))(
    'when a %s review takes its full path, then each step is allowed and leads to the next state',
    (regime, path) => {
      let state: ReviewState = 'referred';
      for (const [action, to] of path) {
        const v = evaluateReviewAction(regime as Regime, state, action);
        expect(v).toEqual({ ok: true, to });
        state = to;
      }
      expect(allowedReviewActions(regime as Regime, state)).toEqual([]);
    },
  );

  it.each<[Regime, ReviewState, ReviewAction, ReviewAction[]]>([
    ['2015', 'referred', 'record_rapid_review', ['record_recommendation', 'add_note']],
    ['2018', 'referred', 'record_recommendation', ['record_rapid_review', 'add_note']],
    ['2015', 'referred', 'decide_to_proceed', ['record_recommendation', 'add_note']],
    ['2015', 'proceeding', 'draft_report', ['request_imrs', 'add_note']],
    ['2015', 'not_proceeding', 'add_note', []],
    ['2018', 'published', 'publish', []],
    ['2018', 'decision_pending', 'complete', ['decide_to_proceed', 'decide_not_to_proceed', 'add_note']],
  ])('when a %s review in %s is asked to %s, then it is refused naming what is allowed', (regime, state, action, allowed) => {
    const v = evaluateReviewAction(regime, state, action);
    expect(v).toMatchObject({ ok: false, code: 'SAFEGUARDING_REVIEW.ACTION_NOT_ALLOWED', allowedActions: allowed });
  });

  it('when the tables are read, then every transition names known states and every regime knows the decisions', () => {
    for (const regime of ['2015', '2018'] as const) {
      for (const [action, t] of Object.entries(TRANSITIONS[regime])) {
        expect(REVIEW_ACTIONS).toContain(action);
        for (const s of t.from) expect(REVIEW_STATES).toContain(s);
        if (t.to !== 'same') expect(REVIEW_STATES).toContain(t.to);
      }
      expect(evaluateReviewAction(regime, 'decision_pending', 'decide_not_to_proceed')).toEqual({ ok: true, to: 'not_proceeding' });
    }
  });
});

describe('the clocks', () => {
  it('when a 2018 review is opened on the Monday before Christmas 2026, then the rapid review is due 15 working days later, skipping the bank holidays', () => {
    const clocks = clocksFor('2018', { referredOn: '2026-12-22', awareOn: '2026-12-21' });
    expect(clocks.map((c) => [c.clockId, c.startsOn, c.dueOn])).toEqual([
      // 25 Dec (Fri), 28 Dec (Boxing Day substitute, Mon) and 1 Jan (Fri) are bank holidays.
      ['rapid_review_due', '2026-12-21', '2027-01-14'],
      ['lcspr_publication_due', '2026-12-21', '2027-06-21'],
    ]);
  });

  it('when a 2015 review is referred on 31 January, then its month clocks end in the shorter months, not beyond', () => {
    const clocks = clocksFor('2015', { referredOn: '2027-01-31', awareOn: '2027-01-20' });
    expect(clocks.map((c) => [c.clockId, c.startsOn, c.dueOn])).toEqual([
      ['scr_decision_due', '2027-01-31', '2027-02-28'],
      ['scr_completion_due', '2027-01-31', '2027-05-31'],
      ['scr_publication_due', '2027-01-31', '2027-07-31'],
    ]);
  });

  it.each<[Regime, ReviewAction, string[], { met: string[]; stopped: string[] }]>([
    [
      '2015',
      'decide_to_proceed',
      ['scr_decision_due', 'scr_completion_due', 'scr_publication_due'],
      { met: ['scr_decision_due'], stopped: [] },
    ],
    [
      '2015',
      'decide_not_to_proceed',
      ['scr_decision_due', 'scr_completion_due', 'scr_publication_due'],
      { met: ['scr_decision_due'], stopped: ['scr_completion_due', 'scr_publication_due'] },
    ],
    ['2015', 'complete', ['scr_completion_due', 'scr_publication_due'], { met: ['scr_completion_due'], stopped: [] }],
    ['2015', 'publish', ['scr_publication_due'], { met: ['scr_publication_due'], stopped: [] }],
    ['2018', 'record_rapid_review', ['rapid_review_due', 'lcspr_publication_due'], { met: ['rapid_review_due'], stopped: [] }],
    ['2018', 'decide_not_to_proceed', ['lcspr_publication_due'], { met: [], stopped: ['lcspr_publication_due'] }],
    ['2018', 'publish', ['lcspr_publication_due'], { met: ['lcspr_publication_due'], stopped: [] }],
    ['2018', 'add_note', ['rapid_review_due', 'lcspr_publication_due'], { met: [], stopped: [] }],
    // A clock already settled is not touched again.
    ['2015', 'decide_to_proceed', ['scr_completion_due'], { met: [], stopped: [] }],
  ])('when a %s review takes %s, then it meets and stops the right pending clocks', (regime, action, pending, effect) => {
    expect(clockEffectsOf(regime, action, pending)).toEqual(effect);
  });

  it('when a clock is met on its due day it is met; the day after, met late; a pending clock is overdue only after its due day', () => {
    expect(metStatus('2027-01-14', '2027-01-14')).toBe('met');
    expect(metStatus('2027-01-14', '2027-01-15')).toBe('met_late');
    expect(clockStatusOn({ status: 'pending', due_on: '2027-01-14' }, '2027-01-14')).toBe('pending');
    expect(clockStatusOn({ status: 'pending', due_on: '2027-01-14' }, '2027-01-15')).toBe('overdue');
    expect(clockStatusOn({ status: 'stopped', due_on: '2027-01-14' }, '2027-02-01')).toBe('stopped');
  });

  it('when the rule table is read, then the 5-working-day serious incident notification is not a review clock (it is the flag’s)', () => {
    const ids = Object.values(REVIEW_CLOCK_RULES).flatMap((rules) => rules.map((r) => r.id));
    expect(ids).not.toContain('serious_incident_notification_due');
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('the rules the contract cannot say', () => {
  const referral = {
    caseId: '3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9',
    regime: '2018',
    flagIds: ['1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'],
    ruleIds: ['r'],
  };

  it.each<[string, object, string[]]>([
    ['a good referral', { awareOn: '2026-12-21' }, []],
    ['awareness in the future', { awareOn: '2026-12-23' }, ['body.awareOn']],
    ['a date that is not on the calendar', { awareOn: '2026-02-30' }, ['body.awareOn']],
    ['no flag', { awareOn: '2026-12-21', flagIds: [] }, ['body.flagIds']],
    ['an unknown regime', { awareOn: '2026-12-21', regime: '2010' }, ['body.regime']],
    ['a blank reason', { awareOn: '2026-12-21', reason: '  ' }, ['body.reason']],
  ])('when a referral has %s, then the errors name the fields', (_what, over, fields) => {
    expect(referralErrors({ ...referral, ...over } as never, '2026-12-22').map((e) => e.field)).toEqual(fields);
  });

  it.each<[object, string[]]>([
    [{ action: 'decide_to_proceed', reason: 'Criteria met.' }, []],
    [{ action: 'decide_to_proceed' }, ['body.reason']],
    [{ action: 'decide_not_to_proceed', reason: ' ' }, ['body.reason']],
    [{ action: 'complete', reason: 'Why not' }, ['body.reason']],
    [{ action: 'add_note', note: '   ' }, ['body.note']],
  ])('when an action request is %j, then the errors name %j', (body, fields) => {
    expect(actionRequestErrors(body as never).map((e) => e.field)).toEqual(fields);
  });

  it('when learning and IMR requests are checked, then kinds take their own fields and dates are not in the past', () => {
    const today = '2027-03-01';
    expect(learningErrors({ kind: 'learning_point', description: 'x', ownerAgencyId: referral.caseId }, today).map((e) => e.field)).toEqual(
      ['body.ownerAgencyId'],
    );
    expect(learningErrors({ kind: 'action', description: 'x' }, today).map((e) => e.field)).toEqual(['body.ownerAgencyId']);
    expect(learningErrors({ kind: 'action', description: 'x', ownerAgencyId: referral.caseId, dueDate: '2027-02-28' }, today)).toHaveLength(
      1,
    );
    expect(imrRequestErrors({ scope: 's' }, today).map((e) => e.field)).toEqual(['body.agencyId']);
    expect(imrRequestErrors({ agencyId: referral.caseId, agencyOdsCode: 'RWP', scope: 's' }, today).map((e) => e.field)).toEqual([
      'body.agencyId',
    ]);
    expect(imrRequestErrors({ agencyOdsCode: 'RWP', scope: 's', dueDate: '2027-03-01' }, today)).toEqual([]);
  });
});
