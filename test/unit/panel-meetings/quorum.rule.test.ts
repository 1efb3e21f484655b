import {
  CAPACITIES,
  DEFAULT_QUORUM_RULE,
  evaluateQuorum,
  RULE_ID,
  RULE_VERSION,
  type Capacity,
  type PresentMember,
  type QuorumRule,
} from '../../../src/modules/panel-meetings/quorum.rule';

// The quorum rule (quorum.rule.ts): the default rule and a panel's own, each capacity missing in turn, members
// recused from the case left out, the minimum present.

const m = (userId: string, capacity: Capacity): PresentMember => ({ userId, capacity });
const FULL: PresentMember[] = [m('u1', 'chair'), m('u2', 'health'), m('u3', 'police'), m('u4', 'social_care'), m('u5', 'public_health')];
const without = (capacity: Capacity) => FULL.filter((p) => p.capacity !== capacity);

it('when the rule is named, then it has an id and a version', () => {
  expect(RULE_ID).toBe('panel_meeting.quorum');
  expect(RULE_VERSION).toBe(1);
});

describe('the default rule (chair, health, police, social care, public health; 5 present)', () => {
  it('when all five are present, then it is quorate', () => {
    expect(evaluateQuorum(DEFAULT_QUORUM_RULE, FULL)).toEqual({ met: true, missing: [] });
  });

  it.each([
    ['chair', 'the chair'],
    ['health', 'a member for health'],
    ['police', 'a member for police'],
    ['social_care', 'a member for social care'],
    ['public_health', 'a member for public health'],
  ] as const)('when %s is missing (another member in its place), then not quorate: "%s"', (capacity, words) => {
    const present = [...without(capacity), m('u9', 'education')];
    expect(evaluateQuorum(DEFAULT_QUORUM_RULE, present)).toEqual({ met: false, missing: [words] });
  });

  it('when only four are present, then it says what is missing and how many are present', () => {
    expect(evaluateQuorum(DEFAULT_QUORUM_RULE, without('police'))).toEqual({
      met: false,
      missing: ['a member for police', 'at least 5 members present (4 are)'],
    });
  });

  it('when nobody is present, then every requirement is missing', () => {
    expect(evaluateQuorum(DEFAULT_QUORUM_RULE, []).missing).toEqual([
      'the chair',
      'a member for health',
      'a member for police',
      'a member for social care',
      'a member for public health',
      'at least 5 members present (0 are)',
    ]);
  });

  it('when the police member is recused from the case, then they do not count: police and the minimum are missing', () => {
    expect(evaluateQuorum(DEFAULT_QUORUM_RULE, FULL, ['u3'])).toEqual({
      met: false,
      missing: ['a member for police', 'at least 5 members present (4 are)'],
    });
  });

  it('when a recused member is one of two for a capacity, then the other still counts', () => {
    const present = [...FULL, m('u6', 'police')];
    expect(evaluateQuorum(DEFAULT_QUORUM_RULE, present, ['u3'])).toEqual({ met: true, missing: [] });
  });

  it('when the chair is recused, then the chair is missing', () => {
    expect(evaluateQuorum(DEFAULT_QUORUM_RULE, [...FULL, m('u6', 'other')], ['u1']).missing).toEqual(['the chair']);
  });
});

describe("a panel's own rule", () => {
  const rule: QuorumRule = { chairRequired: false, capacities: { health: 2, designated_doctor: 1 }, minimumPresent: 3 };

  it('when two more health members are needed, then it says how many', () => {
    expect(evaluateQuorum(rule, [m('a', 'designated_doctor'), m('b', 'lay_member'), m('c', 'other')]).missing).toEqual([
      '2 more members for health',
    ]);
  });

  it('when no chair is required and the rest is met, then it is quorate without one', () => {
    expect(evaluateQuorum(rule, [m('a', 'designated_doctor'), m('b', 'health'), m('c', 'health')])).toEqual({ met: true, missing: [] });
  });

  it('when the capacities are met but fewer than the minimum are present, then only the minimum is missing', () => {
    const r: QuorumRule = { chairRequired: true, capacities: {}, minimumPresent: 2 };
    expect(evaluateQuorum(r, [m('a', 'chair')])).toEqual({ met: false, missing: ['at least 2 members present (1 is)'] });
  });

  it.each(CAPACITIES.filter((c) => c !== 'chair'))('when %s is required and absent, then it is named as missing', (capacity) => {
    const r: QuorumRule = { chairRequired: false, capacities: { [capacity]: 1 }, minimumPresent: 0 };
    const outcome = evaluateQuorum(r, []);
    expect(outcome.met).toBe(false);
    expect(outcome.missing).toHaveLength(1);
    expect(outcome.missing[0]).toMatch(/^a member for /);
    expect(evaluateQuorum(r, [m('x', capacity)]).met).toBe(true);
  });
});
