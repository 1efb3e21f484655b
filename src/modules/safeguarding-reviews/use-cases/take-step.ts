import { londonDateOf } from '../../../platform/time';
import { clockEffectsOf, metStatus } from '../review-clocks.rule';
import { evaluateReviewAction, type ReviewAction, type ReviewState } from '../review-workflow';
import { actionNotAllowed } from '../safeguarding-reviews.errors';
import * as repo from '../safeguarding-reviews.repository';
import type { ReviewRow } from '../safeguarding-reviews.repository';
import { actorOf, audit, reviewEvent, type Principal, type SafeguardingReviewsDeps, type Tx } from './deps';

interface StepInput {
  action: ReviewAction;
  reason?: string;
  note?: string;
  /** Ids to keep with the history entry (e.g. the IMR request that took `request_imrs`). */
  details?: Record<string, unknown>;
}

/**
 * One step of a review, in the caller's transaction, the review (and its case) already locked: the regime's
 * workflow (409 naming what is allowed) → the clocks the action meets or stops → the review's state and decision →
 * the history entry → the case's history (a change of state) → the audit (ids, states and clock ids only).
 */
export async function takeStep(
  deps: SafeguardingReviewsDeps,
  tx: Tx,
  p: Principal,
  review: ReviewRow,
  step: StepInput,
  at: Date,
): Promise<{ fromState: ReviewState; toState: ReviewState }> {
  const verdict = evaluateReviewAction(review.regime, review.state, step.action);
  if (!verdict.ok) throw actionNotAllowed(verdict.detail, verdict.allowedActions);
  const clocks = await repo.clocksOf(tx, [review.id]);
  const pending = clocks.filter((k) => k.status === 'pending');
  const effects = clockEffectsOf(
    review.regime,
    step.action,
    pending.map((k) => k.clock_id),
  );
  const metOn = londonDateOf(at);
  for (const id of effects.met) {
    const k = pending.find((c) => c.clock_id === id)!;
    await repo.settleClock(tx, review.id, id, { status: metStatus(k.due_on, metOn), at });
  }
  for (const id of effects.stopped) await repo.settleClock(tx, review.id, id, { status: 'stopped', at });

  const decision =
    step.action === 'decide_to_proceed' || step.action === 'decide_not_to_proceed'
      ? { outcome: step.action === 'decide_to_proceed' ? ('proceed' as const) : ('not_proceed' as const), reason: step.reason!, at }
      : undefined;
  await repo.updateReview(tx, review.id, { state: verdict.to, at, ...(decision ? { decision } : {}) });
  const details = { ...(step.details ?? {}), clocksMet: effects.met, clocksStopped: effects.stopped };
  await repo.appendHistory(
    tx,
    {
      review_id: review.id,
      action: step.action,
      from_state: review.state,
      to_state: verdict.to,
      reason: step.reason ?? null,
      note: step.note ?? null,
      details,
      occurred_at: at,
    },
    actorOf(p),
  );
  if (verdict.to !== review.state) {
    await deps.cases.changed(tx, p, {
      kind: 'safeguarding_review_changed',
      caseId: review.case_id,
      reviewId: review.id,
      action: step.action,
      state: verdict.to,
    });
  }
  await audit(
    tx,
    reviewEvent(review.id, {
      action: 'safeguarding_review.action',
      details: { caseId: review.case_id, action: step.action, fromState: review.state, toState: verdict.to, ...details },
    }),
  );
  return { fromState: review.state, toState: verdict.to };
}
