import type { DataSource } from 'typeorm';
import type { Principal } from '../../../access/principal';
import { audit, refusalOf, runAuditedCommand, type AuditEntry } from '../../../audit';
import type { Tx } from '../../../platform/db/transaction';
import { londonDateOf } from '../../../platform/time';
import type { FormRequestCreate, FormRequestView } from '../../agency-forms';
import { canIdentifyChild, type CaseForPanel, type CasesForPanels } from '../../cases';
import { caseNotFound, reviewNotFound } from '../safeguarding-reviews.errors';
import * as repo from '../safeguarding-reviews.repository';
import type { ReviewRow } from '../safeguarding-reviews.repository';
import type { ReviewParts } from '../safeguarding-reviews.view';

/** What the module asks of the cases module, in its own transaction: the case in the caller's scope, and the case-change hook. */
export type ReviewCases = Pick<CasesForPanels, 'find' | 'changed'>;

/** What it asks of agency-forms: a form request in the caller's transaction (the IMR). */
export interface ReviewForms {
  requestInTransaction(tx: Tx, p: Principal, caseId: string, body: FormRequestCreate): Promise<FormRequestView>;
}

/** What every safeguarding-reviews use case works with. */
export interface SafeguardingReviewsDeps {
  ds: DataSource;
  cases: ReviewCases;
  forms: ReviewForms;
  now: () => Date;
}

/** Today in England: clocks and "overdue" are Europe/London dates. */
export const todayOf = (deps: SafeguardingReviewsDeps) => londonDateOf(deps.now());

export const actorOf = (p: Principal) => ({ type: p.kind, id: p.id });

/** Every event is about the review; details carry ids, states and clock ids, never free text. */
export const reviewEvent = (reviewId: string, e: Omit<AuditEntry, 'resourceType' | 'resourceId'>): AuditEntry => ({
  resourceType: 'safeguarding_review',
  resourceId: reviewId,
  ...e,
});

/** One command or read in one transaction; refusals (403, 404, 409, 412) audited on their own. */
export function runReviewCommand<T>(
  deps: SafeguardingReviewsDeps,
  action: string,
  reviewId: string | undefined,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  return runAuditedCommand(deps.ds, refusalOf(action, { type: 'safeguarding_review', ...(reviewId ? { id: reviewId } : {}) }), work);
}

/** The case, in the caller's scope (404 otherwise), locked with `lock`. */
export async function caseInScope(
  deps: SafeguardingReviewsDeps,
  tx: Tx,
  p: Principal,
  caseId: string,
  lock = false,
): Promise<CaseForPanel> {
  const c = await deps.cases.find(tx, p, caseId, { lock });
  if (!c) throw caseNotFound();
  return c;
}

/**
 * The review, if the caller may see its case (404 otherwise). For a change, its case is locked first and then the
 * review (always in that order, as `open` does), so a command and the case's own commands take turns.
 */
export async function reviewInScope(
  deps: SafeguardingReviewsDeps,
  tx: Tx,
  p: Principal,
  reviewId: string,
  lock = false,
): Promise<{ review: ReviewRow; kase: CaseForPanel }> {
  const seen = await repo.findReview(tx, p, reviewId);
  if (!seen) throw reviewNotFound();
  const kase = await deps.cases.find(tx, p, seen.case_id, { lock });
  if (!kase) throw reviewNotFound();
  const review = lock ? await repo.findReview(tx, p, reviewId, { lock: true }) : seen;
  if (!review) throw reviewNotFound();
  return { review, kase };
}

/** Everything the review's view shows, read in the caller's transaction. */
export async function partsOf(tx: Tx, p: Principal, review: ReviewRow, kase: CaseForPanel): Promise<ReviewParts> {
  return {
    review,
    flagIds: await repo.flagIdsOf(tx, review.id),
    clocks: await repo.clocksOf(tx, [review.id]),
    history: await repo.historyOf(tx, review.id),
    imrs: await repo.imrRequestsOf(tx, review.id),
    learning: await repo.learningOf(tx, { reviewId: review.id }),
    showReferralReason: canIdentifyChild(p, kase),
  };
}

export { audit };
export type { Principal, Tx };
