import type { Principal } from '../../access/principal';
import { columnsOf } from '../../platform/db/entity-sql';
import { sql } from '../../platform/db/sql';
import type { Tx } from '../../platform/db/transaction';
import { caseScopeSql } from '../cases';
import {
  CaseReviewEntity,
  PanelReviewSettingEntity,
  ReviewActionEntity,
  ReviewActionUpdateEntity,
  type ModifiableFactors,
  type ReviewActionStatus,
  type ReviewFactor,
  type SafeguardingCriteriaMet,
} from './entities';

/**
 * The panel-reviews module's SQL: rows in, rows out, no rules. Reads that a caller makes across cases join the
 * `cases` row (read only) and embed the cases module's scope (caseScopeSql), so an action of a case outside the
 * caller's panels matches no row.
 */

// --- settings ---------------------------------------------------------------------------------------------------

export async function findSetting(tx: Tx, panelId: string): Promise<PanelReviewSettingEntity | undefined> {
  const { rows } = await sql<PanelReviewSettingEntity>(
    tx,
    `SELECT ${columnsOf(tx, PanelReviewSettingEntity, 's')} FROM panel_review_settings s WHERE s.panel_id = $1`,
    [panelId],
  );
  return rows[0];
}

export async function saveSetting(tx: Tx, s: Omit<PanelReviewSettingEntity, 'updated_at'>): Promise<void> {
  await sql(
    tx,
    `INSERT INTO panel_review_settings (panel_id, template_id, template_version, updated_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (panel_id) DO UPDATE SET template_id = EXCLUDED.template_id, template_version = EXCLUDED.template_version,
       updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [s.panel_id, s.template_id, s.template_version, s.updated_by],
  );
}

// --- reviews ----------------------------------------------------------------------------------------------------

/** The latest revision of a case's review (a draft if there is one: it is always the latest). */
export async function latestReview(tx: Tx, caseId: string, opts: { lock?: boolean } = {}): Promise<CaseReviewEntity | undefined> {
  const { rows } = await sql<CaseReviewEntity>(
    tx,
    `SELECT ${columnsOf(tx, CaseReviewEntity, 'r')} FROM case_reviews r WHERE r.case_id = $1 ORDER BY r.revision DESC LIMIT 1
     ${opts.lock ? 'FOR UPDATE' : ''}`,
    [caseId],
  );
  return rows[0];
}

/**
 * The panel's analysis as the case-change rules read it (the SCR triggers): the latest revision, draft or signed, as
 * a JSON object `{ reviewId, revision, status, category, categoriesConsidered, safeguardingCriteriaMet }` or null; a
 * scalar subquery, so the rules read a case in one round trip. `caseParam` is the placeholder holding the case id.
 */
export const analysisForRulesSql = (caseParam: string) =>
  `(SELECT json_build_object('reviewId', r.id, 'revision', r.revision, 'status', r.status, 'category', r.category,
                             'categoriesConsidered', r.categories_considered, 'safeguardingCriteriaMet', r.safeguarding_criteria_met)
      FROM case_reviews r WHERE r.case_id = ${caseParam} ORDER BY r.revision DESC LIMIT 1)`;

export async function reviewRevision(tx: Tx, caseId: string, revision: number): Promise<CaseReviewEntity | undefined> {
  const { rows } = await sql<CaseReviewEntity>(
    tx,
    `SELECT ${columnsOf(tx, CaseReviewEntity, 'r')} FROM case_reviews r WHERE r.case_id = $1 AND r.revision = $2`,
    [caseId, revision],
  );
  return rows[0];
}

/** What a PUT writes. */
export interface ReviewContent {
  categories_considered: number[];
  category: number | null;
  modifiable_factors: ModifiableFactors | null;
  factors: ReviewFactor[];
  learning_points: string[];
  safeguarding_criteria_met: SafeguardingCriteriaMet | null;
  safeguarding_reason: string | null;
}

export async function insertReview(
  tx: Tx,
  r: ReviewContent & { case_id: string; revision: number; template_id: string; template_version: number; by: string; version: number },
): Promise<void> {
  await sql(
    tx,
    `INSERT INTO case_reviews (case_id, revision, template_id, template_version, categories_considered, category, modifiable_factors,
                               factors, learning_points, safeguarding_criteria_met, safeguarding_reason, created_by, updated_by, version)
     VALUES ($1, $2, $3, $4, $5::smallint[], $6, $7, $8::jsonb, $9::jsonb, $10, $11, $12, $12, $13)`,
    [
      r.case_id,
      r.revision,
      r.template_id,
      r.template_version,
      r.categories_considered,
      r.category,
      r.modifiable_factors,
      JSON.stringify(r.factors),
      JSON.stringify(r.learning_points),
      r.safeguarding_criteria_met,
      r.safeguarding_reason,
      r.by,
      r.version,
    ],
  );
}

export async function updateReview(tx: Tx, id: string, r: ReviewContent & { by: string }): Promise<void> {
  await sql(
    tx,
    `UPDATE case_reviews SET categories_considered = $2::smallint[], category = $3, modifiable_factors = $4, factors = $5::jsonb,
            learning_points = $6::jsonb, safeguarding_criteria_met = $7, safeguarding_reason = $8, updated_by = $9, updated_at = now(),
            version = version + 1
      WHERE id = $1`,
    [
      id,
      r.categories_considered,
      r.category,
      r.modifiable_factors,
      JSON.stringify(r.factors),
      JSON.stringify(r.learning_points),
      r.safeguarding_criteria_met,
      r.safeguarding_reason,
      r.by,
    ],
  );
}

export async function signReview(tx: Tx, id: string, s: { by: string; meetingId: string; at: Date }): Promise<void> {
  await sql(
    tx,
    `UPDATE case_reviews SET status = 'signed', signed_by = $2, signed_meeting_id = $3, signed_at = $4, version = version + 1 WHERE id = $1`,
    [id, s.by, s.meetingId, s.at],
  );
}

// --- actions ----------------------------------------------------------------------------------------------------

/** An action with what it is shown with. */
export type ActionRow = ReviewActionEntity & {
  panel_id: string | null;
  case_reference: string | null;
  owner_agency_name: string | null;
};

const actionSelect = (tx: Tx, extra = '') => `
  SELECT ${columnsOf(tx, ReviewActionEntity, 'ra')},${extra}
         c.panel_id, c.reference AS case_reference, ag.name AS owner_agency_name
    FROM review_actions ra
    JOIN cases c ON c.id = ra.case_id
    LEFT JOIN agencies ag ON ag.id = ra.owner_agency_id`;

export async function insertAction(
  tx: Tx,
  a: Pick<ReviewActionEntity, 'case_id' | 'description' | 'owner_agency_id' | 'due_date'> & { by: string },
): Promise<string> {
  const { rows } = await sql<{ id: string }>(
    tx,
    `INSERT INTO review_actions (case_id, description, owner_agency_id, due_date, created_by, updated_by)
     VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
    [a.case_id, a.description, a.owner_agency_id, a.due_date, a.by],
  );
  return rows[0]!.id;
}

/** One action, if the caller may see its case; locked with `lock`. */
export async function findAction(tx: Tx, p: Principal, id: string, opts: { lock?: boolean } = {}): Promise<ActionRow | undefined> {
  const params: unknown[] = [id];
  const { rows } = await sql<ActionRow>(
    tx,
    `${actionSelect(tx)} WHERE ra.id = $1 AND ${caseScopeSql(p, 'c', params)} ${opts.lock ? 'FOR UPDATE OF ra' : ''}`,
    params,
  );
  return rows[0];
}

export async function actionsOfCase(tx: Tx, caseId: string): Promise<ActionRow[]> {
  const { rows } = await sql<ActionRow>(tx, `${actionSelect(tx)} WHERE ra.case_id = $1 ORDER BY ra.created_at, ra.id`, [caseId]);
  return rows;
}

export async function updateAction(
  tx: Tx,
  id: string,
  change: Partial<Pick<ReviewActionEntity, 'description' | 'owner_agency_id' | 'due_date' | 'status'>> & { by: string },
): Promise<void> {
  const sets: string[] = [];
  const params: unknown[] = [id, change.by];
  for (const col of ['description', 'owner_agency_id', 'due_date', 'status'] as const) {
    if (change[col] !== undefined) sets.push(`${col} = $${params.push(change[col])}`);
  }
  await sql(
    tx,
    `UPDATE review_actions SET ${[...sets, 'updated_by = $2', 'updated_at = now()', 'version = version + 1'].join(', ')} WHERE id = $1`,
    params,
  );
}

export async function insertActionUpdate(
  tx: Tx,
  u: { action_id: string; from_status: ReviewActionStatus; to_status: ReviewActionStatus; note: string | null; by: string },
): Promise<void> {
  await sql(tx, `INSERT INTO review_action_updates (action_id, from_status, to_status, note, created_by) VALUES ($1, $2, $3, $4, $5)`, [
    u.action_id,
    u.from_status,
    u.to_status,
    u.note,
    u.by,
  ]);
}

export async function updatesOf(tx: Tx, actionIds: readonly string[]): Promise<ReviewActionUpdateEntity[]> {
  if (!actionIds.length) return [];
  const { rows } = await sql<ReviewActionUpdateEntity>(
    tx,
    `SELECT ${columnsOf(tx, ReviewActionUpdateEntity, 'u')} FROM review_action_updates u WHERE u.action_id = ANY($1::uuid[])
      ORDER BY u.created_at, u.id`,
    [actionIds],
  );
  return rows;
}

interface ActionFilter {
  status?: ReviewActionStatus;
  ownerAgencyId?: string;
  panelId?: string;
  /** With `today` (Europe/London) and the statuses that can be overdue: only overdue actions (true) or the others (false). */
  overdue?: { is: boolean; today: string; activeStatuses: readonly ReviewActionStatus[] };
  /** The last row of the previous page: its due-date key ('infinity' when none) and id. */
  after?: { dueKey: string; id: string };
  limit: number;
}

/** A page of actions across the cases the caller may see, earliest due first (no due date last). */
export async function listActions(tx: Tx, p: Principal, f: ActionFilter): Promise<(ActionRow & { due_key: string })[]> {
  const params: unknown[] = [];
  const where = [caseScopeSql(p, 'c', params)];
  if (f.status) where.push(`ra.status = $${params.push(f.status)}`);
  if (f.ownerAgencyId) where.push(`ra.owner_agency_id = $${params.push(f.ownerAgencyId)}`);
  if (f.panelId) where.push(`c.panel_id = $${params.push(f.panelId)}`);
  if (f.overdue) {
    const overdue = `(ra.due_date IS NOT NULL AND ra.due_date < $${params.push(f.overdue.today)}::date
                      AND ra.status = ANY($${params.push(f.overdue.activeStatuses)}::text[]))`;
    where.push(f.overdue.is ? overdue : `NOT ${overdue}`);
  }
  const dueKey = `coalesce(ra.due_date, 'infinity'::date)`;
  if (f.after) where.push(`(${dueKey}, ra.id) > ($${params.push(f.after.dueKey)}::date, $${params.push(f.after.id)}::uuid)`);
  const { rows } = await sql<ActionRow & { due_key: string }>(
    tx,
    `${actionSelect(tx, ` ${dueKey}::text AS due_key,`)} WHERE ${where.join(' AND ')} ORDER BY ${dueKey}, ra.id LIMIT $${params.push(f.limit + 1)}`,
    params,
  );
  return rows;
}
