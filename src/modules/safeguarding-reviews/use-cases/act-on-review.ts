import { preconditionFailed } from '../../../platform/http/problem';
import { actionRequestErrors } from '../review-rules';
import { reviewInvalid } from '../safeguarding-reviews.errors';
import * as repo from '../safeguarding-reviews.repository';
import type { SafeguardingReviewActionRequest } from '../safeguarding-reviews.types';
import { reviewView } from '../safeguarding-reviews.view';
import { partsOf, reviewInScope, runReviewCommand, todayOf, type Principal, type SafeguardingReviewsDeps } from './deps';
import type { ReviewResult } from './read-reviews';
import { takeStep } from './take-step';

/**
 * POST /v1/reviews/{reviewId}/actions: a step of the review, in one transaction: the body's rules (before anything
 * is read) → the case and the review locked → If-Match when sent (412 stale) → the workflow, clocks, history, case
 * history and audit (take-step.ts). A refusal writes nothing.
 */
export function actOnReview(
  deps: SafeguardingReviewsDeps,
  p: Principal,
  reviewId: string,
  ifMatch: number | undefined,
  body: SafeguardingReviewActionRequest,
): Promise<ReviewResult> {
  const errors = actionRequestErrors(body);
  if (errors.length) throw reviewInvalid(errors);
  return runReviewCommand(deps, 'safeguarding_review.action', reviewId, async (tx) => {
    const { review, kase } = await reviewInScope(deps, tx, p, reviewId, true);
    if (ifMatch !== undefined && ifMatch !== review.version) throw preconditionFailed();
    await takeStep(
      deps,
      tx,
      p,
      review,
      {
        action: body.action,
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
        ...(body.note !== undefined ? { note: body.note } : {}),
      },
      deps.now(),
    );
    const after = (await repo.findReview(tx, p, reviewId))!;
    return { view: reviewView(await partsOf(tx, p, after, kase), todayOf(deps)), version: after.version };
  });
}
