/**
 * The safeguarding review's workflow as data (README.md in this folder; docs/domain.md, "Serious Case Reviews and
 * their successors"). Pure: a use case loads the review under a row lock, asks `evaluateReviewAction`, and writes
 * what the tables say. Which clocks each action meets or stops is in review-clocks.rule.ts.
 */

export const REGIMES = ['2015', '2018'] as const;
export type Regime = (typeof REGIMES)[number];

export const REVIEW_STATES = [
  'referred',
  'decision_pending',
  'proceeding',
  'not_proceeding',
  'imrs_requested',
  'report_drafted',
  'completed',
  'published',
] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

export const REVIEW_ACTIONS = [
  // 2015: the SCR panel has assessed the referral and recommended to the board's chair.
  'record_recommendation',
  // 2018: the safeguarding partners' rapid review is done (it recommends whether to hold a local review).
  'record_rapid_review',
  'decide_to_proceed',
  'decide_not_to_proceed',
  'request_imrs',
  'draft_report',
  'complete',
  'publish',
  'add_note',
] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

/** The action that opens a review (the history's first entry); never taken through the actions endpoint. */
export const OPEN_ACTION = 'refer';

type Transition = { from: readonly ReviewState[]; to: ReviewState | 'same' };

const NOT_ENDED: readonly ReviewState[] = ['referred', 'decision_pending', 'proceeding', 'imrs_requested', 'report_drafted', 'completed'];

/** Actions both regimes share. */
const COMMON = {
  decide_to_proceed: { from: ['decision_pending'], to: 'proceeding' },
  decide_not_to_proceed: { from: ['decision_pending'], to: 'not_proceeding' },
  request_imrs: { from: ['proceeding'], to: 'imrs_requested' },
  complete: { from: ['report_drafted'], to: 'completed' },
  publish: { from: ['completed'], to: 'published' },
  add_note: { from: NOT_ENDED, to: 'same' },
} as const satisfies Partial<Record<ReviewAction, Transition>>;

/**
 * Per regime, the states each action may be taken from and the state it leads to. An action a regime does not
 * know is absent. 2015: referral → the SCR panel's recommendation → the chair's decision → individual management
 * reviews → report → completion → publication. 2018: referral → rapid review → decision on a local review → (IMRs
 * when the review asks for them: a local review may go straight to its report) → report → completion → publication.
 */
export const TRANSITIONS = {
  '2015': {
    ...COMMON,
    record_recommendation: { from: ['referred'], to: 'decision_pending' },
    draft_report: { from: ['imrs_requested'], to: 'report_drafted' },
  },
  '2018': {
    ...COMMON,
    record_rapid_review: { from: ['referred'], to: 'decision_pending' },
    draft_report: { from: ['proceeding', 'imrs_requested'], to: 'report_drafted' },
  },
} as const satisfies Record<Regime, Partial<Record<ReviewAction, Transition>>>;

/** Actions that need a reason (the decisions: why the review goes ahead or does not). */
export const REASON_REQUIRED: ReadonlySet<ReviewAction> = new Set(['decide_to_proceed', 'decide_not_to_proceed']);

function transitionOf(regime: Regime, action: ReviewAction): Transition | undefined {
  return (TRANSITIONS[regime] as Partial<Record<ReviewAction, Transition>>)[action];
}

type ReviewVerdict =
  | { ok: true; to: ReviewState }
  | { ok: false; code: 'SAFEGUARDING_REVIEW.ACTION_NOT_ALLOWED'; detail: string; allowedActions: ReviewAction[] };

/** The actions allowed in a state, in the order of REVIEW_ACTIONS. */
export function allowedReviewActions(regime: Regime, state: ReviewState): ReviewAction[] {
  return REVIEW_ACTIONS.filter((a) => transitionOf(regime, a)?.from.includes(state));
}

/** May this action be taken now, and where does it lead? A refusal names the actions that are allowed. */
export function evaluateReviewAction(regime: Regime, state: ReviewState, action: ReviewAction): ReviewVerdict {
  const t = transitionOf(regime, action);
  if (t && t.from.includes(state)) return { ok: true, to: t.to === 'same' ? state : t.to };
  const allowed = allowedReviewActions(regime, state);
  const why = t ? `is not allowed while the review is ${state}` : `is not part of the ${regime} regime`;
  return {
    ok: false,
    code: 'SAFEGUARDING_REVIEW.ACTION_NOT_ALLOWED',
    detail: `${action} ${why}; allowed now: ${allowed.length ? allowed.join(', ') : 'none (the review has ended)'}.`,
    allowedActions: allowed,
  };
}

/** States in which individual management reviews may be asked of agencies (the first request takes `request_imrs`). */
export const IMR_REQUEST_STATES: ReadonlySet<ReviewState> = new Set(['proceeding', 'imrs_requested']);

/** States in which learning points and actions may be recorded: once the review goes ahead, until it is published. */
export const LEARNING_STATES: ReadonlySet<ReviewState> = new Set(['proceeding', 'imrs_requested', 'report_drafted', 'completed']);
