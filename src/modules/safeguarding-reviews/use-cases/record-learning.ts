import { resolveActiveAgency } from '../../directory';
import { learningErrors } from '../review-rules';
import { LEARNING_STATES } from '../review-workflow';
import { learningNotOpen, reviewInvalid, unknownAgency } from '../safeguarding-reviews.errors';
import * as repo from '../safeguarding-reviews.repository';
import type { SafeguardingReviewLearningCreate, SafeguardingReviewLearningView } from '../safeguarding-reviews.types';
import { learningView } from '../safeguarding-reviews.view';
import { audit, reviewEvent, reviewInScope, runReviewCommand, todayOf, type Principal, type SafeguardingReviewsDeps } from './deps';

/**
 * POST /v1/reviews/{reviewId}/learning: a learning point or an action (owner agency, due date, status `open`),
 * linked to the case for the reports, once the review goes ahead and until it is published; audited (never the text).
 */
export function recordLearning(
  deps: SafeguardingReviewsDeps,
  p: Principal,
  reviewId: string,
  body: SafeguardingReviewLearningCreate,
): Promise<SafeguardingReviewLearningView> {
  const today = todayOf(deps);
  const errors = learningErrors(body, today);
  if (errors.length) throw reviewInvalid(errors);
  return runReviewCommand(deps, 'safeguarding_review.learning_recorded', reviewId, async (tx) => {
    const { review } = await reviewInScope(deps, tx, p, reviewId, true);
    if (!LEARNING_STATES.has(review.state)) throw learningNotOpen(review.state);
    if (body.ownerAgencyId !== undefined && !(await resolveActiveAgency(tx, { id: body.ownerAgencyId }))) {
      throw unknownAgency('body.ownerAgencyId');
    }
    const id = await repo.insertLearning(
      tx,
      {
        review_id: review.id,
        case_id: review.case_id,
        kind: body.kind,
        description: body.description,
        owner_agency_id: body.ownerAgencyId ?? null,
        due_on: body.dueDate ?? null,
      },
      deps.now(),
      `${p.kind}:${p.id}`,
    );
    await audit(
      tx,
      reviewEvent(review.id, {
        action: 'safeguarding_review.learning_recorded',
        details: { caseId: review.case_id, learningId: id, kind: body.kind, ownerAgencyId: body.ownerAgencyId ?? null },
      }),
    );
    const [row] = await repo.learningOf(tx, { id });
    return learningView(row!, today);
  });
}
