import { DEFAULT_DEADLINE_RULES, DeadlineRulesError, loadDeadlineRules } from '../../../src/modules/cases/clocks/deadline-rules';

const valid = {
  id: 'rapid_review_due',
  label: 'Rapid review',
  startsFrom: 'serious_incident_aware_at',
  offset: { unit: 'working_days', amount: 10 },
};

describe('default deadline rules', () => {
  it('when the defaults are listed, then each statutory clock has its unit and amount', () => {
    expect(DEFAULT_DEADLINE_RULES.map((r) => [r.id, r.startsFrom, r.offset.unit, r.offset.amount])).toEqual([
      ['notification_form_due', 'date_of_death', 'working_days', 2],
      ['agency_reporting_forms_due', 'forms_requested_at', 'working_days', 15],
      ['panel_review_target', 'date_of_death', 'calendar_months', 6],
      ['scr_decision_due', 'scr_referred_at', 'calendar_months', 1],
      ['serious_incident_notification_due', 'serious_incident_aware_at', 'working_days', 5],
      ['rapid_review_due', 'serious_incident_aware_at', 'working_days', 15],
    ]);
  });

  it('when the defaults are fed back through the loader, then they pass its validation unchanged', () => {
    expect(loadDeadlineRules({ rules: DEFAULT_DEADLINE_RULES })).toEqual(DEFAULT_DEADLINE_RULES);
  });

  it('when someone tries to change a default in place, then it is frozen', () => {
    expect(Object.isFrozen(DEFAULT_DEADLINE_RULES)).toBe(true);
    expect(DEFAULT_DEADLINE_RULES.every((r) => Object.isFrozen(r) && Object.isFrozen(r.offset))).toBe(true);
  });
});

describe('loadDeadlineRules', () => {
  it('when there are no overrides, then the defaults are returned', () => {
    expect(loadDeadlineRules(undefined)).toBe(DEFAULT_DEADLINE_RULES);
    expect(loadDeadlineRules(null)).toBe(DEFAULT_DEADLINE_RULES);
  });

  it('when an override has the id of a default, then it replaces that rule in place', () => {
    const rules = loadDeadlineRules({
      rules: [{ ...valid, id: 'notification_form_due', startsFrom: 'date_of_death', offset: { unit: 'hours', amount: 48 } }],
    });
    expect(rules.map((r) => r.id)).toEqual(DEFAULT_DEADLINE_RULES.map((r) => r.id));
    expect(rules[0]?.offset).toEqual({ unit: 'hours', amount: 48 });
  });

  it('when an override has a new id, then it is added after the defaults', () => {
    const rules = loadDeadlineRules({
      rules: [
        {
          id: 'lcspr_publication_target',
          label: 'LCSPR published',
          startsFrom: 'scr_referred_at',
          offset: { unit: 'calendar_months', amount: 6 },
        },
      ],
    });
    expect(rules).toHaveLength(DEFAULT_DEADLINE_RULES.length + 1);
    expect(rules.at(-1)?.id).toBe('lcspr_publication_target');
  });

  it('when a label has surrounding spaces, then they are trimmed', () => {
    expect(loadDeadlineRules({ rules: [{ ...valid, label: '  Rapid review  ' }] }).find((r) => r.id === valid.id)?.label).toBe(
      'Rapid review',
    );
  });

  it.each([
    [
      'an unknown unit',
      { rules: [{ ...valid, offset: { unit: 'weeks', amount: 2 } }] },
      /rules\.0 \(rapid_review_due\)\.offset\.unit: must be one of working_days/,
    ],
    [
      'an amount given as a string',
      { rules: [{ ...valid, offset: { unit: 'working_days', amount: '15' } }] },
      /rules\.0 \(rapid_review_due\)\.offset\.amount: must be a number/,
    ],
    [
      'a fractional amount',
      { rules: [{ ...valid, offset: { unit: 'working_days', amount: 1.5 } }] },
      /offset\.amount: must be a whole number/,
    ],
    ['a negative amount', { rules: [{ ...valid, offset: { unit: 'working_days', amount: -1 } }] }, /offset\.amount: must not be negative/],
    [
      'an implausibly large amount',
      { rules: [{ ...valid, offset: { unit: 'working_days', amount: 1500 } }] },
      /offset\.amount: must be at most 520 working_days/,
    ],
    ['a missing offset', { rules: [{ ...valid, offset: undefined }] }, /rules\.0 \(rapid_review_due\)\.offset: is required/],
    ['an unknown start event', { rules: [{ ...valid, startsFrom: 'birthday' }] }, /\.startsFrom: must be one of date_of_death/],
    ['a blank label', { rules: [{ ...valid, label: '   ' }] }, /\.label: must not be empty/],
    ['an id that is not snake_case', { rules: [{ ...valid, id: 'Rapid Review' }] }, /rules\.0 \(Rapid Review\)\.id: must be snake_case/],
    ['an unknown key', { rules: [{ ...valid, hours: 3 }] }, /rules\.0 \(rapid_review_due\): Unrecognized key: "hours"/],
    ['a duplicated id', { rules: [valid, valid] }, /rules\.1 \(rapid_review_due\)\.id: duplicates an earlier rule/],
    ['rules given as a map', { rules: { rapid_review_due: valid } }, /rules: must be an array of rules/],
    ['no rules key', {}, /rules: is required/],
    ['a bare array', [valid], /\(overrides\): must be an object/],
  ])('when the overrides have %s, then it refuses with a message naming the field', (_what, input, message) => {
    expect(() => loadDeadlineRules(input)).toThrow(DeadlineRulesError);
    expect(() => loadDeadlineRules(input)).toThrow(message);
  });

  it('when several fields are wrong, then every one is reported', () => {
    try {
      loadDeadlineRules({ rules: [{ id: 'x', label: '', startsFrom: 'birthday', offset: { unit: 'hours', amount: 0.5 } }] });
      throw new Error('expected a DeadlineRulesError');
    } catch (e) {
      expect(e).toBeInstanceOf(DeadlineRulesError);
      expect((e as DeadlineRulesError).issues.map((i) => i.path)).toEqual([
        'rules.0 (x).label',
        'rules.0 (x).startsFrom',
        'rules.0 (x).offset.amount',
      ]);
    }
  });
});
