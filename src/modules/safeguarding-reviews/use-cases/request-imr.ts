import { imrRequestErrors } from '../review-rules';
import { IMR_REQUEST_STATES, allowedReviewActions } from '../review-workflow';
import { actionNotAllowed, reviewInvalid } from '../safeguarding-reviews.errors';
import * as repo from '../safeguarding-reviews.repository';
import type { SafeguardingReviewImrRequestCreate } from '../safeguarding-reviews.types';
import { reviewView } from '../safeguarding-reviews.view';
import {
  audit,
  partsOf,
  reviewEvent,
  reviewInScope,
  runReviewCommand,
  todayOf,
  type Principal,
  type SafeguardingReviewsDeps,
} from './deps';
import type { ReviewResult } from './read-reviews';
import { takeStep } from './take-step';

/** The national individual management review form (src/modules/agency-forms/catalogue/national/imr.ts). */
const IMR_TEMPLATE_ID = 'imr';

/**
 * POST /v1/reviews/{reviewId}/imr-requests: ask an agency of the case for its individual management review, in one
 * transaction: the body's rules → the case and the review locked → the review goes ahead (`proceeding` or
 * `imrs_requested`, else 409) → the IMR form requested through agency-forms (its rules and refusals: the case's
 * coordinator, a known agency, one live request per agency and form; its reminders and chasing follow) with the
 * scope as the request's note → the link → the first request takes `request_imrs` → audit (never the scope).
 */
export function requestImr(
  deps: SafeguardingReviewsDeps,
  p: Principal,
  reviewId: string,
  body: SafeguardingReviewImrRequestCreate,
): Promise<ReviewResult> {
  const errors = imrRequestErrors(body, todayOf(deps));
  if (errors.length) throw reviewInvalid(errors);
  return runReviewCommand(deps, 'safeguarding_review.imr_requested', reviewId, async (tx) => {
    const { review, kase } = await reviewInScope(deps, tx, p, reviewId, true);
    if (!IMR_REQUEST_STATES.has(review.state)) {
      const allowed = allowedReviewActions(review.regime, review.state);
      throw actionNotAllowed(
        `Individual management reviews are asked for once the review goes ahead (proceeding or imrs_requested); it is ${review.state}.`,
        allowed,
      );
    }
    const at = deps.now();
    const request = await deps.forms.requestInTransaction(tx, p, review.case_id, {
      templateId: IMR_TEMPLATE_ID,
      ...(body.agencyId !== undefined ? { agencyId: body.agencyId } : {}),
      ...(body.agencyOdsCode !== undefined ? { agencyOdsCode: body.agencyOdsCode } : {}),
      ...(body.dueDate !== undefined ? { dueDate: body.dueDate } : {}),
      note: body.scope,
    });
    await repo.linkImrRequest(tx, {
      review_id: review.id,
      form_request_id: request.id,
      agency_id: request.agency.id,
      requested_at: at,
      requested_by: `${p.kind}:${p.id}`,
    });
    if (review.state === 'proceeding') {
      await takeStep(deps, tx, p, review, { action: 'request_imrs', details: { formRequestId: request.id, byImrRequest: true } }, at);
    }
    await audit(
      tx,
      reviewEvent(review.id, {
        action: 'safeguarding_review.imr_requested',
        details: { caseId: review.case_id, formRequestId: request.id, agencyId: request.agency.id, templateId: IMR_TEMPLATE_ID },
      }),
    );
    const after = (await repo.findReview(tx, p, reviewId))!;
    return { view: reviewView(await partsOf(tx, p, after, kase), todayOf(deps)), version: after.version };
  });
}
