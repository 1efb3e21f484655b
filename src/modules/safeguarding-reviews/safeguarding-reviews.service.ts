import type { DataSource } from 'typeorm';
import type { Principal } from '../../access/principal';
import type { Tx } from '../../platform/db/transaction';
import type { Page } from '../../platform/http/pagination';
import { londonDateOf } from '../../platform/time';
import * as repo from './safeguarding-reviews.repository';
import type {
  SafeguardingReviewActionRequest,
  SafeguardingReviewImrRequestCreate,
  SafeguardingReviewLearningCreate,
  SafeguardingReviewLearningView,
  SafeguardingReviewSummaryView,
} from './safeguarding-reviews.types';
import { learningView } from './safeguarding-reviews.view';
import { actOnReview } from './use-cases/act-on-review';
import type { ReviewCases, ReviewForms, SafeguardingReviewsDeps } from './use-cases/deps';
import { openReferral, type ReferralInput } from './use-cases/open-referral';
import { getReview, listReviews, type ReviewListQuery, type ReviewResult } from './use-cases/read-reviews';
import { recordLearning } from './use-cases/record-learning';
import { requestImr } from './use-cases/request-imr';

/** The port the scr-triggers module refers a flag through (app.ts hands it this module's implementation). */
export interface SafeguardingReviewsForFlags {
  /** Opens a referral in the caller's transaction, writes its first action-log entry and clocks, audits it. */
  open(tx: Tx, p: Principal, input: ReferralInput, at: Date): Promise<{ reviewId: string }>;
}

/** The safeguarding-reviews module's use cases, for its routes (one file each under use-cases/), and the port for flags. */
export interface SafeguardingReviewsService {
  list(p: Principal, q: ReviewListQuery): Promise<Page<SafeguardingReviewSummaryView>>;
  get(p: Principal, reviewId: string): Promise<ReviewResult>;
  act(p: Principal, reviewId: string, ifMatch: number | undefined, body: SafeguardingReviewActionRequest): Promise<ReviewResult>;
  requestImr(p: Principal, reviewId: string, body: SafeguardingReviewImrRequestCreate): Promise<ReviewResult>;
  recordLearning(p: Principal, reviewId: string, body: SafeguardingReviewLearningCreate): Promise<SafeguardingReviewLearningView>;
  /** For scr-triggers (`POST /v1/flags/{flagId}/refer`). */
  forFlags: SafeguardingReviewsForFlags;
}

interface SafeguardingReviewsServiceOptions {
  /** The cases module's side of a case for the panel's modules (`cases.panels`; app.ts wires it). */
  cases: ReviewCases;
  /** agency-forms: a form request in the caller's transaction (the service's `requestInTransaction`). */
  forms: ReviewForms;
  now?: () => Date;
}

export function createSafeguardingReviewsService(ds: DataSource, opts: SafeguardingReviewsServiceOptions): SafeguardingReviewsService {
  const deps: SafeguardingReviewsDeps = { ds, cases: opts.cases, forms: opts.forms, now: opts.now ?? (() => new Date()) };
  return {
    list: (p, q) => listReviews(deps, p, q),
    get: (p, reviewId) => getReview(deps, p, reviewId),
    act: (p, reviewId, ifMatch, body) => actOnReview(deps, p, reviewId, ifMatch, body),
    requestImr: (p, reviewId, body) => requestImr(deps, p, reviewId, body),
    recordLearning: (p, reviewId, body) => recordLearning(deps, p, reviewId, body),
    forFlags: { open: (tx, p, input, at) => openReferral(deps, tx, p, input, at) },
  };
}

/**
 * The learning points and actions of a case's safeguarding reviews, for the reports (read only). No scope check and
 * no audit: call it after finding the case, inside a use case that audits its own read. `today` (Europe/London)
 * decides `overdue`.
 */
export async function safeguardingLearningOfCase(
  tx: Tx,
  caseId: string,
  now: Date = new Date(),
): Promise<SafeguardingReviewLearningView[]> {
  const today = londonDateOf(now);
  return (await repo.learningOf(tx, { caseId })).map((l) => learningView(l, today));
}
