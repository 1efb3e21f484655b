/** The statuses of a case's review, in order. */
export const CASE_STATUSES = [
  'notified',
  'gathering_information',
  'child_death_review_meeting',
  'ready_for_panel',
  'scheduled_for_panel',
  'reviewed',
  'closed',
] as const;

export type CaseStatus = (typeof CASE_STATUSES)[number];

export const HOLD_REASONS = ['awaiting_inquest', 'criminal_proceedings', 'safeguarding_review'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];
