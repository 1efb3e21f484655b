import { londonDateOf } from '../../../platform/time';
import { RULE_VERSION, clocksFor } from '../review-clocks.rule';
import { referralErrors } from '../review-rules';
import { OPEN_ACTION } from '../review-workflow';
import { flagAlreadyReferred, reviewInvalid } from '../safeguarding-reviews.errors';
import * as repo from '../safeguarding-reviews.repository';
import { actorOf, audit, caseInScope, reviewEvent, type Principal, type SafeguardingReviewsDeps, type Tx } from './deps';

/** What the module that refers a flag (scr-triggers) passes to open a referral. */
export interface ReferralInput {
  caseId: string;
  panelId: string;
  regime: '2015' | '2018';
  /** The flag(s) referred (usually one). */
  flagIds: string[];
  /** Which rules fired, for the record. */
  ruleIds: string[];
  /** LocalDate 'YYYY-MM-DD' (Europe/London): when the responsible body became aware. */
  awareOn: string;
  /** Free text from the referrer: personal data, never in logs or audit details. */
  reason?: string;
}

/**
 * Opens a referral in the caller's transaction (the port `SafeguardingReviewsForFlags.open`): check the input
 * (400 naming the field) → the case in the caller's scope, locked (404) → the flags are the case's own (400) and
 * not referred before (409) → the review (state `referred`), its flags, its clocks (review-clocks.rule.ts, from the
 * referral's London date and the awareness date), its first history entry → the case's history (the case-change
 * hook) → the audit. The review keeps no panel: `panelId` is the caller's view of the case's panel, and the case's
 * own is what counts (a case moved to another panel takes its review with it). Throws, writing nothing, on refusal.
 */
export async function openReferral(
  deps: SafeguardingReviewsDeps,
  tx: Tx,
  p: Principal,
  input: ReferralInput,
  at: Date,
): Promise<{ reviewId: string }> {
  const referredOn = londonDateOf(at);
  const errors = referralErrors(input, referredOn);
  if (errors.length) throw reviewInvalid(errors);
  const kase = await caseInScope(deps, tx, p, input.caseId, true);
  // The flags are the caller's (scr-triggers found them on this case, locked); a flag is referred once (unique index).
  const flagIds = [...new Set(input.flagIds.map((f) => f.toLowerCase()))];

  const reviewId = await repo.insertReview(
    tx,
    {
      case_id: kase.id,
      regime: input.regime,
      state: 'referred',
      aware_on: input.awareOn,
      referred_at: at,
      referral_reason: input.reason ?? null,
      rule_ids: [...new Set(input.ruleIds)],
      clock_rules_version: RULE_VERSION,
    },
    actorOf(p),
  );
  const linked = await repo.linkFlags(tx, reviewId, flagIds);
  if (linked.length !== flagIds.length) throw flagAlreadyReferred(flagIds.filter((f) => !linked.includes(f)));
  const clocks = clocksFor(input.regime, { referredOn, awareOn: input.awareOn });
  await repo.insertClocks(tx, reviewId, clocks);
  await repo.appendHistory(
    tx,
    {
      review_id: reviewId,
      action: OPEN_ACTION,
      from_state: null,
      to_state: 'referred',
      reason: null,
      note: null,
      details: { flagIds, ruleIds: [...new Set(input.ruleIds)], clocksStarted: clocks.map((c) => c.clockId) },
      occurred_at: at,
    },
    actorOf(p),
  );
  await deps.cases.changed(tx, p, { kind: 'safeguarding_review_opened', caseId: kase.id, reviewId, regime: input.regime });
  await audit(
    tx,
    reviewEvent(reviewId, {
      action: 'safeguarding_review.opened',
      details: {
        caseId: kase.id,
        regime: input.regime,
        flagIds,
        ruleIds: [...new Set(input.ruleIds)],
        clocksStarted: clocks.map((c) => c.clockId),
        reasonGiven: input.reason !== undefined,
      },
    }),
  );
  return { reviewId };
}
