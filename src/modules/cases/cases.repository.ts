import type { Principal } from '../../access/principal';
import { sql } from '../../platform/db/sql';
import type { Tx } from '../../platform/db/transaction';
import { caseScopeSql, type ScopeOptions } from './case-scope';
import type { CaseStatus, HoldReason } from './case-status';
import type { ExpectedDeath, Sex } from './cases.types';

/**
 * Every query here takes the caller and embeds `caseScopeSql` on the case it
 * touches, so a case outside the caller's scope cannot be read or written even
 * if a service forgets to check: it simply matches no row.
 */

export interface CaseRow {
  id: string;
  reference: string | null;
  panel_id: string | null;
  status: CaseStatus;
  hold_reason: HoldReason | null;
  held_since: Date | null;
  merged_into_case_id: string | null;
  child_nhs_number: string | null;
  child_nhs_exception: 'child_non_resident_in_england' | 'nhs_number_not_currently_available' | null;
  child_given_name: string;
  child_family_name: string;
  child_date_of_birth: string;
  child_sex: Sex;
  date_of_death: string;
  age_at_death_days: number;
  local_authority_code: string;
  expected_death: ExpectedDeath;
  category: number | null;
  notified_at: Date;
  created_at: Date;
  updated_at: Date;
  version: number;
}

const CASE_COLUMNS = `c.id, c.reference, c.panel_id, c.status, c.hold_reason, c.held_since, c.merged_into_case_id,
  c.child_nhs_number, c.child_nhs_exception, c.child_given_name, c.child_family_name,
  c.child_date_of_birth::text AS child_date_of_birth, c.child_sex, c.date_of_death::text AS date_of_death,
  c.age_at_death_days, c.local_authority_code, c.expected_death, c.category, c.notified_at, c.created_at,
  c.updated_at, c.version`;

/** Open clocks past due, for a case not closed (a closed case is chased for nothing). */
const overdueSql = (nowParam: string) =>
  `(c.status <> 'closed' AND EXISTS (SELECT 1 FROM case_deadlines d
     WHERE d.case_id = c.id AND d.met_at IS NULL AND d.due_at < ${nowParam}))`;

/** A flag belongs to its case and, when it relates two cases (a possible duplicate), to the other one too. */
const FLAG_OF_CASE = '(f.case_id = c.id OR f.related_case_id = c.id)';

// ---------------------------------------------------------------- reads

export interface CaseListFilter {
  statuses?: CaseStatus[];
  panelId?: string;
  unassigned?: boolean;
  overdue?: boolean;
  flagged?: boolean;
  flagType?: string;
  dateOfDeathFrom?: string;
  dateOfDeathTo?: string;
  category?: number;
  after?: (string | number)[];
  limit: number;
  now: Date;
}

export interface CaseListRow extends CaseRow {
  overdue: boolean;
  open_flags: { id: string; type: string }[];
}

export async function listCases(tx: Tx, p: Principal, q: CaseListFilter): Promise<CaseListRow[]> {
  const params: unknown[] = [q.limit + 1, q.now];
  const where = [caseScopeSql(p, 'c', params)];
  if (q.statuses?.length) where.push(`c.status = ANY($${params.push(q.statuses)}::text[])`);
  if (q.panelId) where.push(`c.panel_id = $${params.push(q.panelId)}::uuid`);
  if (q.unassigned !== undefined) where.push(q.unassigned ? 'c.panel_id IS NULL' : 'c.panel_id IS NOT NULL');
  if (q.overdue !== undefined) where.push(q.overdue ? overdueSql('$2') : `NOT ${overdueSql('$2')}`);
  if (q.flagged !== undefined || q.flagType) {
    const type = q.flagType ? ` AND f.type = $${params.push(q.flagType)}` : '';
    const exists = `EXISTS (SELECT 1 FROM case_flags f WHERE ${FLAG_OF_CASE} AND f.status = 'open'${type})`;
    where.push(q.flagged === false ? `NOT ${exists}` : exists);
  }
  if (q.dateOfDeathFrom) where.push(`c.date_of_death >= $${params.push(q.dateOfDeathFrom)}::date`);
  if (q.dateOfDeathTo) where.push(`c.date_of_death <= $${params.push(q.dateOfDeathTo)}::date`);
  if (q.category !== undefined) where.push(`c.category = $${params.push(q.category)}`);
  if (q.after) where.push(`(c.date_of_death, c.id) < ($${params.push(q.after[0])}::date, $${params.push(q.after[1])}::uuid)`);
  const { rows } = await sql<CaseListRow>(
    tx,
    `SELECT ${CASE_COLUMNS}, ${overdueSql('$2')} AS overdue,
            COALESCE((SELECT json_agg(json_build_object('id', f.id, 'type', f.type) ORDER BY f.raised_at, f.id)
                        FROM case_flags f WHERE ${FLAG_OF_CASE} AND f.status = 'open'), '[]'::json) AS open_flags
       FROM cases c
      WHERE ${where.join(' AND ')}
      ORDER BY c.date_of_death DESC, c.id DESC
      LIMIT $1`,
    params,
  );
  return rows;
}

/** The case if the caller may see it; with `lock`, row-locked until the transaction ends. */
export async function findCase(
  tx: Tx,
  p: Principal,
  id: string,
  opts: ScopeOptions & { lock?: boolean } = {},
): Promise<CaseRow | undefined> {
  const params: unknown[] = [id];
  const { rows } = await sql<CaseRow>(
    tx,
    `SELECT ${CASE_COLUMNS} FROM cases c WHERE c.id = $1 AND ${caseScopeSql(p, 'c', params, opts)}${opts.lock ? ' FOR UPDATE' : ''}`,
    params,
  );
  return rows[0];
}

/** Locks several cases in id order (so two commands over the same pair cannot deadlock); returns those in scope. */
export async function lockCases(tx: Tx, p: Principal, ids: readonly string[]): Promise<Map<string, CaseRow>> {
  const params: unknown[] = [[...new Set(ids)]];
  const { rows } = await sql<CaseRow>(
    tx,
    `SELECT ${CASE_COLUMNS} FROM cases c WHERE c.id = ANY($1::uuid[]) AND ${caseScopeSql(p, 'c', params)} ORDER BY c.id FOR UPDATE`,
    params,
  );
  return new Map(rows.map((r) => [r.id, r]));
}

export interface FlagRow {
  id: string;
  case_id: string;
  type: string;
  status: 'open' | 'dismissed' | 'resolved';
  rule_id: string;
  rule_version: number;
  evidence: Record<string, unknown>;
  /** The other case of a flag relating two cases, as seen from the case asked about; null if none or not in scope. */
  other_case_id: string | null;
  /** The other case, whether or not the caller may see it (for workflow decisions, never shown). */
  other_case_raw: string | null;
  raised_at: Date;
  closed_at: Date | null;
}

/**
 * The flags of a case: its own, and those raised on another case that name this
 * one as related (a possible duplicate concerns both cases of the pair).
 */
export async function flagsOf(tx: Tx, p: Principal, caseId: string): Promise<FlagRow[]> {
  const params: unknown[] = [caseId];
  const scopeC = caseScopeSql(p, 'c', params);
  const scopeO = caseScopeSql(p, 'o', params);
  const { rows } = await sql<FlagRow>(
    tx,
    `SELECT f.id, f.case_id, f.type, f.status, f.rule_id, f.rule_version, f.evidence, f.raised_at, f.closed_at,
            CASE WHEN f.case_id = c.id THEN f.related_case_id ELSE f.case_id END AS other_case_raw,
            o.id AS other_case_id
       FROM cases c
       JOIN case_flags f ON ${FLAG_OF_CASE}
       LEFT JOIN cases o ON o.id = (CASE WHEN f.case_id = c.id THEN f.related_case_id ELSE f.case_id END) AND ${scopeO}
      WHERE c.id = $1 AND ${scopeC}
      ORDER BY f.raised_at, f.id`,
    params,
  );
  return rows;
}

export interface DeadlineRow {
  rule_id: string;
  starts_from: string;
  started_at: Date;
  due_at: Date;
  due_date: string;
  met_at: Date | null;
}

export async function deadlinesOf(tx: Tx, p: Principal, caseId: string): Promise<DeadlineRow[]> {
  const params: unknown[] = [caseId];
  const { rows } = await sql<DeadlineRow>(
    tx,
    `SELECT d.rule_id, d.starts_from, d.started_at, d.due_at, d.due_date::text AS due_date, d.met_at
       FROM case_deadlines d JOIN cases c ON c.id = d.case_id
      WHERE c.id = $1 AND ${caseScopeSql(p, 'c', params)}
      ORDER BY d.due_at, d.rule_id`,
    params,
  );
  return rows;
}

export interface NotificationSummaryRow {
  count: number;
  /** From the earliest notification on the case: the child's address and other names, as notified. */
  first_child: { address?: unknown; alternativeNames?: unknown } | null;
}

export async function notificationSummary(tx: Tx, p: Principal, caseId: string): Promise<NotificationSummaryRow> {
  const params: unknown[] = [caseId];
  const { rows } = await sql<NotificationSummaryRow>(
    tx,
    `SELECT (SELECT count(*)::int FROM notifications n WHERE n.case_id = c.id) AS count,
            (SELECT jsonb_build_object('address', n.payload->'child'->'address', 'alternativeNames', n.payload->'child'->'alternativeNames')
               FROM notifications n WHERE n.case_id = c.id ORDER BY n.received_at, n.id LIMIT 1) AS first_child
       FROM cases c WHERE c.id = $1 AND ${caseScopeSql(p, 'c', params)}`,
    params,
  );
  return rows[0] ?? { count: 0, first_child: null };
}

export interface HistoryRow {
  id: string;
  action: string;
  from_status: CaseStatus | null;
  to_status: CaseStatus;
  actor_type: string;
  actor_id: string | null;
  payload: Record<string, unknown> | null;
  occurred_at: Date;
}

export async function historyOf(tx: Tx, p: Principal, caseId: string, q: { after?: number; limit: number }): Promise<HistoryRow[]> {
  const params: unknown[] = [caseId, q.limit + 1];
  const after = q.after !== undefined ? ` AND a.id > $${params.push(q.after)}` : '';
  const { rows } = await sql<HistoryRow>(
    tx,
    `SELECT a.id::text AS id, a.action, a.from_status, a.to_status, a.actor_type, a.actor_id, a.payload, a.occurred_at
       FROM case_actions a JOIN cases c ON c.id = a.case_id
      WHERE c.id = $1 AND ${caseScopeSql(p, 'c', params)}${after}
      ORDER BY a.id LIMIT $2`,
    params,
  );
  return rows;
}

/** The latest action of a kind on a case (e.g. the merge to undo). */
export async function latestAction(tx: Tx, p: Principal, caseId: string, action: string): Promise<HistoryRow | undefined> {
  const params: unknown[] = [caseId, action];
  const { rows } = await sql<HistoryRow>(
    tx,
    `SELECT a.id::text AS id, a.action, a.from_status, a.to_status, a.actor_type, a.actor_id, a.payload, a.occurred_at
       FROM case_actions a JOIN cases c ON c.id = a.case_id
      WHERE c.id = $1 AND a.action = $2 AND ${caseScopeSql(p, 'c', params)}
      ORDER BY a.id DESC LIMIT 1`,
    params,
  );
  return rows[0];
}

export interface NotificationRow {
  id: string;
  notifier_agency_id: string;
  agency_name: string;
  agency_type: string;
  notified_on: string;
  received_at: Date;
  match: 'new_case' | 'nhs_number' | 'demographics' | 'merged';
  payload: Record<string, unknown>;
}

export async function notificationsOf(
  tx: Tx,
  p: Principal,
  caseId: string,
  q: { after?: (string | number)[]; limit: number; withForm: boolean },
): Promise<NotificationRow[]> {
  const params: unknown[] = [caseId, q.limit + 1];
  const after = q.after ? ` AND (n.received_at, n.id) > ($${params.push(q.after[0])}::timestamptz, $${params.push(q.after[1])}::uuid)` : '';
  const { rows } = await sql<NotificationRow>(
    tx,
    `SELECT n.id, n.notifier_agency_id, ag.name AS agency_name, ag.type AS agency_type, n.notified_on::text AS notified_on,
            n.received_at, n.match, ${q.withForm ? 'n.payload' : 'NULL::jsonb AS payload'}
       FROM notifications n JOIN cases c ON c.id = n.case_id JOIN agencies ag ON ag.id = n.notifier_agency_id
      WHERE c.id = $1 AND ${caseScopeSql(p, 'c', params)}${after}
      ORDER BY n.received_at, n.id LIMIT $2`,
    params,
  );
  return rows;
}

export async function panelExists(tx: Tx, panelId: string): Promise<boolean> {
  const { rowCount } = await sql(tx, 'SELECT 1 FROM panels WHERE id = $1', [panelId]);
  return rowCount > 0;
}

// ---------------------------------------------------------------- writes

export interface ActionInsert {
  caseId: string;
  action: string;
  fromStatus: CaseStatus | null;
  toStatus: CaseStatus;
  payload: Record<string, unknown>;
}

/** Appends to the case's log. Written before the case row changes, while the case is still in the caller's scope. */
export async function insertAction(tx: Tx, p: Principal, a: ActionInsert, scope: ScopeOptions = {}): Promise<number> {
  const params: unknown[] = [a.caseId, a.action, a.fromStatus, a.toStatus, p.kind, p.id, JSON.stringify(a.payload)];
  const { rows } = await sql<{ id: string }>(
    tx,
    `INSERT INTO case_actions (case_id, action, from_status, to_status, actor_type, actor_id, payload)
     SELECT c.id, $2, $3, $4, $5, $6, $7::jsonb FROM cases c WHERE c.id = $1 AND ${caseScopeSql(p, 'c', params, scope)}
     RETURNING id::text AS id`,
    params,
  );
  if (!rows[0]) throw new Error('case left the caller scope inside its own command');
  return Number(rows[0].id);
}

export interface CaseChanges {
  status?: CaseStatus;
  hold?: { reason: HoldReason; since: Date } | null;
  mergedIntoCaseId?: string | null;
  panel?: { id: string; reference: string };
  expectedDeath?: ExpectedDeath;
  category?: number | null;
}

/** Applies the changes and moves the version on. The row must have been locked by this transaction. */
export async function updateCase(tx: Tx, p: Principal, id: string, ch: CaseChanges, scope: ScopeOptions = {}): Promise<void> {
  const params: unknown[] = [id];
  const set = ['updated_at = now()', 'version = version + 1'];
  if (ch.status !== undefined) set.push(`status = $${params.push(ch.status)}`);
  if (ch.hold !== undefined) {
    set.push(`hold_reason = $${params.push(ch.hold?.reason ?? null)}`, `held_since = $${params.push(ch.hold?.since ?? null)}::timestamptz`);
  }
  if (ch.mergedIntoCaseId !== undefined) set.push(`merged_into_case_id = $${params.push(ch.mergedIntoCaseId)}::uuid`);
  if (ch.panel) set.push(`panel_id = $${params.push(ch.panel.id)}::uuid`, `reference = $${params.push(ch.panel.reference)}`);
  if (ch.expectedDeath !== undefined) set.push(`expected_death = $${params.push(ch.expectedDeath)}`);
  if (ch.category !== undefined) set.push(`category = $${params.push(ch.category)}::smallint`);
  const { rowCount } = await sql(
    tx,
    `UPDATE cases c SET ${set.join(', ')} WHERE c.id = $1 AND ${caseScopeSql(p, 'c', params, scope)}`,
    params,
  );
  if (rowCount !== 1) throw new Error('case left the caller scope inside its own command');
}

/** Sets met_at on the case's open clocks among ruleIds; returns the rules it met. */
export async function meetDeadlines(tx: Tx, p: Principal, caseId: string, ruleIds: readonly string[], at: Date): Promise<string[]> {
  if (!ruleIds.length) return [];
  const params: unknown[] = [caseId, [...ruleIds], at];
  const { rows } = await sql<{ rule_id: string }>(
    tx,
    `UPDATE case_deadlines d SET met_at = $3
       FROM cases c
      WHERE d.case_id = c.id AND c.id = $1 AND d.rule_id = ANY($2::text[]) AND d.met_at IS NULL AND ${caseScopeSql(p, 'c', params)}
      RETURNING d.rule_id`,
    params,
  );
  return rows.map((r) => r.rule_id).sort();
}

/** Adds clocks the case does not have yet (a clock, once started, is never restarted). Returns the rules added. */
export async function startDeadlines(
  tx: Tx,
  p: Principal,
  caseId: string,
  deadlines: readonly { ruleId: string; startsFrom: string; startedAt: Date; dueAt: Date; dueDate: string }[],
): Promise<string[]> {
  if (!deadlines.length) return [];
  const params: unknown[] = [
    caseId,
    deadlines.map((d) => d.ruleId),
    deadlines.map((d) => d.startsFrom),
    deadlines.map((d) => d.startedAt.toISOString()),
    deadlines.map((d) => d.dueAt.toISOString()),
    deadlines.map((d) => d.dueDate),
  ];
  const { rows } = await sql<{ rule_id: string }>(
    tx,
    `INSERT INTO case_deadlines (case_id, rule_id, starts_from, started_at, due_at, due_date)
     SELECT c.id, t.rule_id, t.starts_from, t.started_at, t.due_at, t.due_date
       FROM cases c,
            unnest($2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::date[]) AS t(rule_id, starts_from, started_at, due_at, due_date)
      WHERE c.id = $1 AND ${caseScopeSql(p, 'c', params)}
     ON CONFLICT (case_id, rule_id) DO NOTHING
     RETURNING rule_id`,
    params,
  );
  return rows.map((r) => r.rule_id).sort();
}

/** Changes a flag only when the caller may see every case it concerns (its own, and the related one). */
export async function setFlagStatus(tx: Tx, p: Principal, flagId: string, status: 'open' | 'dismissed' | 'resolved'): Promise<boolean> {
  const params: unknown[] = [flagId, status, status === 'open' ? null : `${p.kind}:${p.id}`];
  const { rowCount } = await sql(
    tx,
    `UPDATE case_flags f
        SET status = $2, closed_at = CASE WHEN $2 = 'open' THEN NULL ELSE now() END, closed_by = $3
      WHERE f.id = $1
        AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.id IN (f.case_id, f.related_case_id) AND NOT ${caseScopeSql(p, 'c', params)})`,
    params,
  );
  if (rowCount !== 1) throw new Error('flag outside the caller scope inside its own command');
  return true;
}

/** Finds a flag through a case in scope: the flag's own case or its related case. */
export async function findFlag(
  tx: Tx,
  p: Principal,
  flagId: string,
): Promise<{ id: string; case_id: string; related_case_id: string | null; type: string; status: string } | undefined> {
  const params: unknown[] = [flagId];
  const { rows } = await sql<{ id: string; case_id: string; related_case_id: string | null; type: string; status: string }>(
    tx,
    `SELECT f.id, f.case_id, f.related_case_id, f.type, f.status
       FROM case_flags f
      WHERE f.id = $1 AND EXISTS (SELECT 1 FROM cases c WHERE c.id IN (f.case_id, f.related_case_id) AND ${caseScopeSql(p, 'c', params)})`,
    params,
  );
  return rows[0];
}

/**
 * Moves notifications between two cases in scope, marking them `merged`; returns
 * what moved with the match each had, so the move can be undone exactly.
 */
export async function moveNotificationsForMerge(
  tx: Tx,
  p: Principal,
  fromCaseId: string,
  toCaseId: string,
): Promise<{ id: string; match: string }[]> {
  const params: unknown[] = [fromCaseId, toCaseId];
  const scopeF = caseScopeSql(p, 'f', params);
  const scopeT = caseScopeSql(p, 't', params);
  const { rows } = await sql<{ id: string; match: string }>(
    tx,
    `WITH moved AS (
       SELECT n.id, n.match FROM notifications n JOIN cases f ON f.id = n.case_id
        WHERE f.id = $1 AND ${scopeF} AND EXISTS (SELECT 1 FROM cases t WHERE t.id = $2 AND ${scopeT})
        FOR UPDATE OF n)
     UPDATE notifications n SET case_id = $2, match = 'merged' FROM moved WHERE n.id = moved.id
     RETURNING n.id, moved.match`,
    params,
  );
  return rows.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Moves exactly these notifications back onto a case, restoring how each had matched. */
export async function moveNotificationsBack(
  tx: Tx,
  p: Principal,
  fromCaseId: string,
  toCaseId: string,
  moved: readonly { id: string; match: string }[],
): Promise<string[]> {
  if (!moved.length) return [];
  const params: unknown[] = [fromCaseId, toCaseId, moved.map((m) => m.id), moved.map((m) => m.match)];
  const scopeF = caseScopeSql(p, 'f', params);
  const scopeT = caseScopeSql(p, 't', params);
  const { rows } = await sql<{ id: string }>(
    tx,
    `UPDATE notifications n SET case_id = $2, match = m.match
       FROM unnest($3::uuid[], $4::text[]) AS m(id, match)
      WHERE n.id = m.id AND n.case_id = $1
        AND EXISTS (SELECT 1 FROM cases f WHERE f.id = $1 AND ${scopeF})
        AND EXISTS (SELECT 1 FROM cases t WHERE t.id = $2 AND ${scopeT})
      RETURNING n.id`,
    params,
  );
  return rows.map((r) => r.id).sort();
}

/** Gives the target case the agencies of the merged case that it lacks; returns the agencies added. */
export async function copyAgencies(tx: Tx, p: Principal, fromCaseId: string, toCaseId: string): Promise<string[]> {
  const params: unknown[] = [fromCaseId, toCaseId];
  const scopeF = caseScopeSql(p, 'f', params);
  const scopeT = caseScopeSql(p, 't', params);
  const { rows } = await sql<{ agency_id: string }>(
    tx,
    `INSERT INTO case_agencies (case_id, agency_id, first_notification_id, contacts)
     SELECT t.id, a.agency_id, a.first_notification_id, a.contacts
       FROM case_agencies a JOIN cases f ON f.id = a.case_id, cases t
      WHERE f.id = $1 AND ${scopeF} AND t.id = $2 AND ${scopeT}
     ON CONFLICT (case_id, agency_id) DO NOTHING
     RETURNING agency_id`,
    params,
  );
  return rows.map((r) => r.agency_id).sort();
}

/** Removes agencies a merge added to a case (only rows still pointing at the moved notifications). */
export async function removeMergedAgencies(
  tx: Tx,
  p: Principal,
  caseId: string,
  agencyIds: readonly string[],
  notificationIds: readonly string[],
): Promise<void> {
  if (!agencyIds.length) return;
  const params: unknown[] = [caseId, [...agencyIds], [...notificationIds]];
  await sql(
    tx,
    `DELETE FROM case_agencies a USING cases c
      WHERE a.case_id = c.id AND c.id = $1 AND a.agency_id = ANY($2::uuid[])
        AND a.first_notification_id = ANY($3::uuid[]) AND ${caseScopeSql(p, 'c', params)}`,
    params,
  );
}
