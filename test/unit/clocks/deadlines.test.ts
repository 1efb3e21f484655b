import { DEFAULT_DEADLINE_RULES, type DeadlineRule } from '../../../src/modules/cases/clocks/deadline-rules';
import { computeCaseDeadlines, computeDeadline, deadlineStatus, isOverdue } from '../../../src/modules/cases/clocks/deadlines';
import { endOfLondonDay, londonDateOf } from '../../../src/platform/time';

const rule = (unit: DeadlineRule['offset']['unit'], amount: number): DeadlineRule => ({
  id: `test_${unit}_${amount}`,
  label: 'test',
  startsFrom: 'date_of_death',
  offset: { unit, amount },
});
const defaultRule = (id: string): DeadlineRule => {
  const found = DEFAULT_DEADLINE_RULES.find((r) => r.id === id);
  if (!found) throw new Error(`no default rule ${id}`);
  return found;
};
const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;

describe('London dates of instants', () => {
  it.each([
    ['2026-06-30T23:30:00Z', '2026-07-01', 'BST: half past midnight in London is already 1 July'],
    ['2026-12-31T23:30:00Z', '2026-12-31', 'GMT: London and UTC agree'],
    ['2026-03-28T23:30:00Z', '2026-03-28', 'the night before the clocks go forward is still GMT'],
    ['2026-03-29T00:59:59.999Z', '2026-03-29', 'the last moment of GMT'],
    ['2026-10-24T23:30:00Z', '2026-10-25', 'the night the clocks go back is still BST'],
  ])('when the instant is %s, then the London date is %s (%s)', (iso, expected) => {
    expect(londonDateOf(at(iso))).toBe(expected);
  });

  it.each([
    ['2026-03-28', '2026-03-28T23:59:59.999Z', 'GMT'],
    ['2026-03-29', '2026-03-29T22:59:59.999Z', 'the day the clocks go forward ends in BST'],
    ['2026-03-30', '2026-03-30T22:59:59.999Z', 'BST'],
    ['2026-10-25', '2026-10-25T23:59:59.999Z', 'the day the clocks go back ends in GMT'],
    ['2026-10-26', '2026-10-26T23:59:59.999Z', 'GMT'],
  ])('when the London day is %s, then it ends at %s (%s)', (date, iso) => {
    expect(endOfLondonDay(date).toISOString()).toBe(iso);
  });
});

describe('computeDeadline', () => {
  const dayCases: [DeadlineRule, string, string, string, string][] = [
    [
      defaultRule('notification_form_due'),
      '2026-04-02T10:00:00Z',
      '2026-04-08',
      '2026-04-08T22:59:59.999Z',
      'a child dies on the Thursday before Easter',
    ],
    [rule('working_days', 1), '2026-12-24T12:00:00Z', '2026-12-29', '2026-12-29T23:59:59.999Z', 'a clock starts on Christmas Eve'],
    [
      rule('working_days', 2),
      '2026-03-28T23:30:00Z',
      '2026-03-31',
      '2026-03-31T22:59:59.999Z',
      'a clock starts late on Saturday and the clocks go forward that night',
    ],
    [rule('working_days', 1), '2026-03-27T12:00:00Z', '2026-03-30', '2026-03-30T22:59:59.999Z', 'the due day is in BST'],
    [
      rule('working_days', 1),
      '2026-10-23T12:00:00Z',
      '2026-10-26',
      '2026-10-26T23:59:59.999Z',
      'the due day is in GMT, after the clocks go back',
    ],
    [
      rule('working_days', 2),
      '2026-06-30T23:30:00Z',
      '2026-07-03',
      '2026-07-03T22:59:59.999Z',
      'the start is 30 June in UTC but 1 July in London',
    ],
    [
      defaultRule('agency_reporting_forms_due'),
      '2026-04-01T09:00:00Z',
      '2026-04-24',
      '2026-04-24T22:59:59.999Z',
      'agency forms are requested the day before Easter',
    ],
    [
      defaultRule('serious_incident_notification_due'),
      '2026-12-23T15:00:00Z',
      '2027-01-04',
      '2027-01-04T23:59:59.999Z',
      'a serious incident becomes known just before Christmas',
    ],
    [
      defaultRule('rapid_review_due'),
      '2026-12-23T15:00:00Z',
      '2027-01-18',
      '2027-01-18T23:59:59.999Z',
      'a rapid review starts just before Christmas',
    ],
    [defaultRule('panel_review_target'), '2026-08-31T12:00:00Z', '2027-02-28', '2027-02-28T23:59:59.999Z', 'a child dies on 31 August'],
    [
      defaultRule('panel_review_target'),
      '2026-08-31T23:30:00Z',
      '2027-03-01',
      '2027-03-01T23:59:59.999Z',
      'a child dies at 00:30 BST on 1 September',
    ],
    [defaultRule('scr_decision_due'), '2027-01-31T09:00:00Z', '2027-02-28', '2027-02-28T23:59:59.999Z', 'a referral is made on 31 January'],
    [
      defaultRule('scr_decision_due'),
      '2028-01-31T09:00:00Z',
      '2028-02-29',
      '2028-02-29T23:59:59.999Z',
      'a referral is made on 31 January of a leap year',
    ],
    [rule('calendar_days', 10), '2026-12-18T12:00:00Z', '2026-12-28', '2026-12-28T23:59:59.999Z', 'calendar days end on a bank holiday'],
    [
      rule('calendar_days', 0),
      '2026-06-30T23:30:00Z',
      '2026-07-01',
      '2026-07-01T22:59:59.999Z',
      'zero calendar days run from half past midnight BST',
    ],
  ];
  it.each(dayCases.map(([r, start, dueDate, dueAt, why]) => [why, r.id, start, dueDate, dueAt, r] as const))(
    'when %s (%s from %s), then it is due %s, ending %s',
    (_why, _id, start, dueDate, dueAt, r) => {
      expect(computeDeadline(r, at(start))).toEqual({ ruleId: r.id, dueDate, dueAt: at(dueAt) });
    },
  );

  it.each([
    ['2026-03-28T12:00:00Z', '2026-03-30T12:00:00.000Z', '2026-03-30', 'spring forward: 12:00 GMT to 13:00 BST is still 48 hours'],
    ['2026-10-24T12:00:00Z', '2026-10-26T12:00:00.000Z', '2026-10-26', 'fall back: 13:00 BST to 12:00 GMT is still 48 hours'],
    ['2026-06-29T23:30:00Z', '2026-07-01T23:30:00.000Z', '2026-07-02', 'due just after midnight London time'],
  ])('when 48 hours run from %s, then they end at %s, on %s in London (%s)', (start, dueAt, dueDate) => {
    const d = computeDeadline(rule('hours', 48), at(start));
    expect(d.dueAt.toISOString()).toBe(dueAt);
    expect(d.dueAt.getTime() - at(start).getTime()).toBe(48 * HOUR);
    expect(d.dueDate).toBe(dueDate);
  });

  it('when the start instant is not a valid date, then it is refused', () => {
    expect(() => computeDeadline(rule('hours', 1), new Date('not a date'))).toThrow(RangeError);
  });
});

describe('deadlineStatus and isOverdue', () => {
  const deadline = computeDeadline(rule('working_days', 1), at('2026-03-27T12:00:00Z')); // ends 2026-03-30T22:59:59.999Z
  const due = deadline.dueAt.getTime();

  it.each([
    ['before the end of the due day', due - HOUR, undefined, 'pending', false],
    ['at the last millisecond of the due day', due, undefined, 'pending', false],
    ['one millisecond after the due day', due + 1, undefined, 'overdue', true],
    ['satisfied in time', due + 24 * HOUR, due - HOUR, 'met', false],
    ['satisfied at the last millisecond', due + 24 * HOUR, due, 'met', false],
    ['satisfied late, so no longer outstanding', due + 24 * HOUR, due + HOUR, 'met_late', false],
  ] as const)('when %s (now %i, satisfied %p), then the status is %s and overdue is %s', (_why, now, satisfied, status, overdue) => {
    const satisfiedAt = satisfied === undefined ? undefined : new Date(satisfied);
    expect(deadlineStatus(deadline, new Date(now), satisfiedAt)).toBe(status);
    expect(isOverdue(deadline, new Date(now), satisfiedAt)).toBe(overdue);
  });
});

describe('computeCaseDeadlines', () => {
  it('when only the death is known, then only the clocks starting from it are returned, in rule order', () => {
    const deadlines = computeCaseDeadlines({ date_of_death: at('2026-04-02T10:00:00Z') });
    expect(deadlines.map((d) => [d.ruleId, d.dueDate])).toEqual([
      ['notification_form_due', '2026-04-08'],
      ['panel_review_target', '2026-10-02'],
    ]);
  });

  it('when a serious incident is known too, then its two clocks are added', () => {
    const deadlines = computeCaseDeadlines({
      date_of_death: at('2026-04-02T10:00:00Z'),
      serious_incident_aware_at: at('2026-04-07T09:00:00Z'),
      forms_requested_at: null,
    });
    expect(deadlines.map((d) => d.ruleId)).toEqual([
      'notification_form_due',
      'panel_review_target',
      'serious_incident_notification_due',
      'rapid_review_due',
    ]);
  });

  it('when no start event is known, then there are no deadlines', () => {
    expect(computeCaseDeadlines({})).toEqual([]);
  });

  it('when custom rules are given, then they are used instead of the defaults', () => {
    const custom = [{ ...rule('hours', 48), startsFrom: 'notified_at' as const }];
    const deadlines = computeCaseDeadlines({ notified_at: at('2026-03-28T12:00:00Z'), date_of_death: at('2026-03-27T12:00:00Z') }, custom);
    expect(deadlines).toEqual([{ ruleId: 'test_hours_48', dueAt: at('2026-03-30T12:00:00Z'), dueDate: '2026-03-30' }]);
  });
});
