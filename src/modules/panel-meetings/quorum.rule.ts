/**
 * When is a panel meeting quorate? A pure, versioned rule over the rule a panel
 * has set (data, `panel_quorum_rules`) and the members recorded present.
 *
 * docs/domain.md marks the make-up of a quorate panel as local practice to be
 * checked, so it is configuration, not code: each panel sets its own rule
 * (`PUT /v1/panels/{panelId}/quorum`). Until it does, DEFAULT_QUORUM_RULE
 * applies: the chair, and at least one member present for each of health,
 * police, social care and public health, with at least 5 present in all.
 *
 * A member recused from a case (a conflict of interest) does not count towards
 * the quorum for that case.
 */

export const RULE_ID = 'panel_meeting.quorum';
export const RULE_VERSION = 1;

export const CAPACITIES = [
  'chair',
  'health',
  'designated_doctor',
  'police',
  'social_care',
  'public_health',
  'education',
  'lay_member',
  'other',
] as const;
export type Capacity = (typeof CAPACITIES)[number];

export interface QuorumRule {
  /** The chair (a member present in the capacity `chair`) must be there. */
  chairRequired: boolean;
  /** At least this many present in each named capacity (capacities not named: none needed). */
  capacities: Partial<Record<Exclude<Capacity, 'chair'>, number>>;
  /** At least this many present in all, whatever their capacity (the chair included). */
  minimumPresent: number;
}

export const DEFAULT_QUORUM_RULE: QuorumRule = Object.freeze({
  chairRequired: true,
  capacities: Object.freeze({ health: 1, police: 1, social_care: 1, public_health: 1 }),
  minimumPresent: 5,
});

export interface PresentMember {
  userId: string;
  capacity: Capacity;
}

interface QuorumOutcome {
  met: boolean;
  /** What is missing, in words a coordinator understands; empty when met. */
  missing: string[];
}

/** How a capacity reads in "a member for …". */
const CAPACITY_WORDS: Record<Capacity, string> = {
  chair: 'the chair',
  health: 'health',
  designated_doctor: 'the designated doctor',
  police: 'police',
  social_care: 'social care',
  public_health: 'public health',
  education: 'education',
  lay_member: 'lay members',
  other: 'other agencies',
};

/**
 * Is the meeting quorate with these members present? `recused`: members who
 * declared (or were recorded with) a conflict of interest for the case in
 * question; they are left out before counting.
 */
export function evaluateQuorum(rule: QuorumRule, present: readonly PresentMember[], recused: readonly string[] = []): QuorumOutcome {
  const counted = present.filter((m) => !recused.includes(m.userId));
  const inCapacity = (c: Capacity) => counted.filter((m) => m.capacity === c).length;
  const missing: string[] = [];
  if (rule.chairRequired && inCapacity('chair') === 0) missing.push('the chair');
  for (const capacity of CAPACITIES) {
    if (capacity === 'chair') continue;
    const needed = rule.capacities[capacity] ?? 0;
    const short = needed - inCapacity(capacity);
    if (short <= 0) continue;
    missing.push(short === 1 ? `a member for ${CAPACITY_WORDS[capacity]}` : `${short} more members for ${CAPACITY_WORDS[capacity]}`);
  }
  if (counted.length < rule.minimumPresent) {
    missing.push(`at least ${rule.minimumPresent} members present (${counted.length} ${counted.length === 1 ? 'is' : 'are'})`);
  }
  return { met: missing.length === 0, missing };
}
