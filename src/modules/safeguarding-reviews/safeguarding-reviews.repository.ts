import type { Principal } from '../../access/principal';
import { columnsOf } from '../../platform/db/entity-sql';
import { sql } from '../../platform/db/sql';
import type { Tx } from '../../platform/db/transaction';
import { caseScopeSql } from '../cases';
import {
  SafeguardingReviewClockEntity,
  SafeguardingReviewEntity,
  SafeguardingReviewHistoryEntity,
  SafeguardingReviewLearningEntity,
  type LearningKind,
  type StoredClockStatus,
} from './entities';
import type { Regime, ReviewState } from './review-workflow';

/**
 * The safeguarding-reviews module's SQL: rows in, rows out, no rules. A review has no panel of its own: every read
 * a caller makes joins its case (read only) and embeds the cases module's scope (caseScopeSql), so a review of a case
 * outside the caller's panels matches no row, and a case moved to another panel takes its reviews with it. The IMR
 * requests' status is read by joining agency-forms' form_requests (read only; agency-forms writes them).
 */

type Actor = { type: 'user' | 'client'; id: string };

/** A review with what it is shown with (from its case). */
export type ReviewRow = SafeguardingReviewEntity & { panel_id: string | null; case_reference: string | null };

const reviewSelect = (tx: Tx) => `
  SELECT ${columnsOf(tx, SafeguardingReviewEntity, 'r')}, c.panel_id, c.reference AS case_reference
    FROM safeguarding_reviews r
    JOIN cases c ON c.id = r.case_id`;

export async function insertReview(
  tx: Tx,
  r: Pick<
    SafeguardingReviewEntity,
    'case_id' | 'regime' | 'state' | 'aware_on' | 'referred_at' | 'referral_reason' | 'rule_ids' | 'clock_rules_version'
  >,
  by: Actor,
): Promise<string> {
  const { rows } = await sql<{ id: string }>(
    tx,
    `INSERT INTO safeguarding_reviews (case_id, regime, state, aware_on, referred_at, referred_by_type, referred_by_id, referral_reason,
                                       rule_ids, clock_rules_version, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text[], $10, $5) RETURNING id`,
    [r.case_id, r.regime, r.state, r.aware_on, r.referred_at, by.type, by.id, r.referral_reason, r.rule_ids, r.clock_rules_version],
  );
  return rows[0]!.id;
}

/** Links the referred flags; false when one is already linked to a review (a flag is referred once). */
export async function linkFlags(tx: Tx, reviewId: string, flagIds: readonly string[]): Promise<string[]> {
  const { rows } = await sql<{ flag_id: string }>(
    tx,
    `INSERT INTO safeguarding_review_flags (review_id, flag_id) SELECT $1, f FROM unnest($2::uuid[]) AS f
     ON CONFLICT (flag_id) DO NOTHING RETURNING flag_id`,
    [reviewId, [...new Set(flagIds)]],
  );
  return rows.map((r) => r.flag_id);
}

/** Of these flags, those of the case (the referral must name the case's own flags). */
export async function flagIdsOf(tx: Tx, reviewId: string): Promise<string[]> {
  const { rows } = await sql<{ flag_id: string }>(
    tx,
    `SELECT flag_id FROM safeguarding_review_flags WHERE review_id = $1 ORDER BY flag_id`,
    [reviewId],
  );
  return rows.map((r) => r.flag_id);
}

/** One review, if the caller may see its case; locked with `lock`. */
export async function findReview(tx: Tx, p: Principal, id: string, opts: { lock?: boolean } = {}): Promise<ReviewRow | undefined> {
  const params: unknown[] = [id];
  const { rows } = await sql<ReviewRow>(
    tx,
    `${reviewSelect(tx)} WHERE r.id = $1 AND ${caseScopeSql(p, 'c', params)} ${opts.lock ? 'FOR UPDATE OF r' : ''}`,
    params,
  );
  return rows[0];
}

export async function updateReview(
  tx: Tx,
  id: string,
  change: { state: ReviewState; decision?: { outcome: 'proceed' | 'not_proceed'; reason: string; at: Date }; at: Date },
): Promise<void> {
  await sql(
    tx,
    `UPDATE safeguarding_reviews
        SET state = $2, updated_at = $3, version = version + 1,
            decision = coalesce($4, decision), decision_reason = coalesce($5, decision_reason), decided_at = coalesce($6, decided_at)
      WHERE id = $1`,
    [id, change.state, change.at, change.decision?.outcome ?? null, change.decision?.reason ?? null, change.decision?.at ?? null],
  );
}

// --- history ------------------------------------------------------------------------------------------------------

export async function appendHistory(
  tx: Tx,
  h: Pick<
    SafeguardingReviewHistoryEntity,
    'review_id' | 'action' | 'from_state' | 'to_state' | 'reason' | 'note' | 'details' | 'occurred_at'
  >,
  by: Actor,
): Promise<void> {
  await sql(
    tx,
    `INSERT INTO safeguarding_review_history (review_id, action, from_state, to_state, actor_type, actor_id, reason, note, details, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)`,
    [h.review_id, h.action, h.from_state, h.to_state, by.type, by.id, h.reason, h.note, JSON.stringify(h.details), h.occurred_at],
  );
}

export async function historyOf(tx: Tx, reviewId: string): Promise<SafeguardingReviewHistoryEntity[]> {
  const { rows } = await sql<SafeguardingReviewHistoryEntity>(
    tx,
    `SELECT ${columnsOf(tx, SafeguardingReviewHistoryEntity, 'h')} FROM safeguarding_review_history h WHERE h.review_id = $1 ORDER BY h.id`,
    [reviewId],
  );
  return rows;
}

// --- clocks -------------------------------------------------------------------------------------------------------

export async function insertClocks(
  tx: Tx,
  reviewId: string,
  clocks: readonly { clockId: string; label: string; basis: string; startsOn: string; dueOn: string }[],
): Promise<void> {
  if (!clocks.length) return;
  await sql(
    tx,
    `INSERT INTO safeguarding_review_clocks (review_id, clock_id, label, basis, starts_on, due_on)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::date[], $6::date[])`,
    [
      reviewId,
      clocks.map((c) => c.clockId),
      clocks.map((c) => c.label),
      clocks.map((c) => c.basis),
      clocks.map((c) => c.startsOn),
      clocks.map((c) => c.dueOn),
    ],
  );
}

export async function clocksOf(tx: Tx, reviewIds: readonly string[]): Promise<SafeguardingReviewClockEntity[]> {
  if (!reviewIds.length) return [];
  const { rows } = await sql<SafeguardingReviewClockEntity>(
    tx,
    `SELECT ${columnsOf(tx, SafeguardingReviewClockEntity, 'k')} FROM safeguarding_review_clocks k
      WHERE k.review_id = ANY($1::uuid[]) ORDER BY k.review_id, k.due_on, k.clock_id`,
    [reviewIds],
  );
  return rows;
}

export async function settleClock(
  tx: Tx,
  reviewId: string,
  clockId: string,
  s: { status: Exclude<StoredClockStatus, 'pending'>; at: Date },
): Promise<void> {
  await sql(
    tx,
    `UPDATE safeguarding_review_clocks
        SET status = $3, met_at = CASE WHEN $3 IN ('met', 'met_late') THEN $4::timestamptz END,
            stopped_at = CASE WHEN $3 = 'stopped' THEN $4::timestamptz END
      WHERE review_id = $1 AND clock_id = $2 AND status = 'pending'`,
    [reviewId, clockId, s.status, s.at],
  );
}

// --- the list -----------------------------------------------------------------------------------------------------

interface ReviewFilter {
  state?: ReviewState;
  regime?: Regime;
  caseId?: string;
  /** With `today` (Europe/London): only reviews with (true) or without (false) a pending clock due before today. */
  overdue?: { is: boolean; today: string };
  /** The last row of the previous page: its referral time (ISO) and id. */
  after?: { referredAt: string; id: string };
  limit: number;
}

/** A page of reviews of the cases the caller may see, most recently referred first (limit + 1 rows). */
export async function listReviews(tx: Tx, p: Principal, f: ReviewFilter): Promise<ReviewRow[]> {
  const params: unknown[] = [];
  const where = [caseScopeSql(p, 'c', params)];
  if (f.state) where.push(`r.state = $${params.push(f.state)}`);
  if (f.regime) where.push(`r.regime = $${params.push(f.regime)}`);
  if (f.caseId) where.push(`r.case_id = $${params.push(f.caseId)}::uuid`);
  if (f.overdue) {
    const overdue = `EXISTS (SELECT 1 FROM safeguarding_review_clocks k
                              WHERE k.review_id = r.id AND k.status = 'pending' AND k.due_on < $${params.push(f.overdue.today)}::date)`;
    where.push(f.overdue.is ? overdue : `NOT ${overdue}`);
  }
  if (f.after) {
    where.push(`(r.referred_at, r.id) < ($${params.push(f.after.referredAt)}::timestamptz, $${params.push(f.after.id)}::uuid)`);
  }
  const { rows } = await sql<ReviewRow>(
    tx,
    `${reviewSelect(tx)} WHERE ${where.join(' AND ')} ORDER BY r.referred_at DESC, r.id DESC LIMIT $${params.push(f.limit + 1)}`,
    params,
  );
  return rows;
}

// --- IMR requests -------------------------------------------------------------------------------------------------

export async function linkImrRequest(
  tx: Tx,
  l: { review_id: string; form_request_id: string; agency_id: string; requested_at: Date; requested_by: string },
): Promise<void> {
  await sql(
    tx,
    `INSERT INTO safeguarding_review_imr_requests (review_id, form_request_id, agency_id, requested_at, requested_by)
     VALUES ($1, $2, $3, $4, $5)`,
    [l.review_id, l.form_request_id, l.agency_id, l.requested_at, l.requested_by],
  );
}

export interface ImrRow {
  form_request_id: string;
  agency_id: string;
  agency_name: string;
  template_id: string;
  status: 'requested' | 'submitted' | 'withdrawn' | 'waived';
  due_date: string;
  requested_at: Date;
}

export async function imrRequestsOf(tx: Tx, reviewId: string): Promise<ImrRow[]> {
  const { rows } = await sql<ImrRow>(
    tx,
    `SELECT i.form_request_id, i.agency_id, a.name AS agency_name, fr.template_id, fr.status, fr.due_date::text AS due_date, i.requested_at
       FROM safeguarding_review_imr_requests i
       JOIN form_requests fr ON fr.id = i.form_request_id
       JOIN agencies a ON a.id = i.agency_id
      WHERE i.review_id = $1 ORDER BY i.requested_at, i.form_request_id`,
    [reviewId],
  );
  return rows;
}

// --- learning and actions -----------------------------------------------------------------------------------------

export type LearningRow = SafeguardingReviewLearningEntity & { owner_agency_name: string | null };

const learningSelect = (tx: Tx) => `
  SELECT ${columnsOf(tx, SafeguardingReviewLearningEntity, 'l')}, ag.name AS owner_agency_name
    FROM safeguarding_review_learning l
    LEFT JOIN agencies ag ON ag.id = l.owner_agency_id`;

export async function insertLearning(
  tx: Tx,
  l: { review_id: string; case_id: string; kind: LearningKind; description: string; owner_agency_id: string | null; due_on: string | null },
  at: Date,
  by: string,
): Promise<string> {
  const { rows } = await sql<{ id: string }>(
    tx,
    `INSERT INTO safeguarding_review_learning (review_id, case_id, kind, description, owner_agency_id, due_on, status,
                                               created_at, created_by, updated_at, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $3 = 'action' THEN 'open' END, $7, $8, $7, $8) RETURNING id`,
    [l.review_id, l.case_id, l.kind, l.description, l.owner_agency_id, l.due_on, at, by],
  );
  return rows[0]!.id;
}

export async function learningOf(tx: Tx, where: { reviewId: string } | { caseId: string } | { id: string }): Promise<LearningRow[]> {
  const [column, value] =
    'reviewId' in where ? ['l.review_id', where.reviewId] : 'caseId' in where ? ['l.case_id', where.caseId] : ['l.id', where.id];
  const { rows } = await sql<LearningRow>(tx, `${learningSelect(tx)} WHERE ${column} = $1 ORDER BY l.created_at, l.id`, [value]);
  return rows;
}
