import { toPage, type Page } from '../../../platform/http/pagination';
import type { Regime, ReviewState } from '../review-workflow';
import * as repo from '../safeguarding-reviews.repository';
import type { SafeguardingReviewSummaryView, SafeguardingReviewView } from '../safeguarding-reviews.types';
import { reviewView, summaryView } from '../safeguarding-reviews.view';
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

/** A review with its row version, for the ETag. */
export interface ReviewResult {
  view: SafeguardingReviewView;
  version: number;
}

/** GET /v1/reviews/{reviewId}: the review, its clocks against today, history, IMR requests, learning; audited. */
export function getReview(deps: SafeguardingReviewsDeps, p: Principal, reviewId: string): Promise<ReviewResult> {
  return runReviewCommand(deps, 'safeguarding_review.read', reviewId, async (tx) => {
    const { review, kase } = await reviewInScope(deps, tx, p, reviewId);
    const parts = await partsOf(tx, p, review, kase);
    await audit(tx, reviewEvent(reviewId, { action: 'safeguarding_review.read', details: { caseId: review.case_id } }));
    return { view: reviewView(parts, todayOf(deps)), version: review.version };
  });
}

export interface ReviewListQuery {
  state?: ReviewState;
  regime?: Regime;
  caseId?: string;
  overdue?: boolean;
  after?: { referredAt: string; id: string };
  limit: number;
}

/** GET /v1/reviews: the reviews of the caller's panels' cases, most recently referred first; audited. */
export function listReviews(deps: SafeguardingReviewsDeps, p: Principal, q: ReviewListQuery): Promise<Page<SafeguardingReviewSummaryView>> {
  return runReviewCommand(deps, 'safeguarding_review.list', undefined, async (tx) => {
    const today = todayOf(deps);
    const rows = await repo.listReviews(tx, p, {
      state: q.state,
      regime: q.regime,
      caseId: q.caseId,
      overdue: q.overdue === undefined ? undefined : { is: q.overdue, today },
      after: q.after,
      limit: q.limit,
    });
    const page = rows.slice(0, q.limit);
    const clocks = await repo.clocksOf(
      tx,
      page.map((r) => r.id),
    );
    await audit(tx, {
      action: 'safeguarding_review.list',
      resourceType: 'safeguarding_review',
      details: {
        count: page.length,
        caseIds: [...new Set(page.map((r) => r.case_id))],
        filters: (['state', 'regime', 'caseId', 'overdue'] as const).filter((k) => q[k] !== undefined),
      },
    });
    return toPage(
      rows,
      q.limit,
      (r) => [r.referred_at.toISOString(), r.id],
      (r) => summaryView(r, clocks, today),
    );
  });
}
