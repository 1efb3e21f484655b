import type { Principal } from '../../access/principal';
import { columnsOf } from '../../platform/db/entity-sql';
import { sql } from '../../platform/db/sql';
import type { Tx } from '../../platform/db/transaction';
import { caseScopeSql, transferScopeSql, type ScopeOptions } from './case-scope';
import type { CaseStatus, HoldReason } from './case-status';
import type { ExpectedDeath } from './cases.types';
import { CaseActionEntity, CaseDeadlineEntity, CaseEntity, CaseFlagEntity, CaseTransferEntity, type FlagStatus } from './entities';

/**
 * The cases module's SQL: rows in, rows out, no rules. Every query a caller
 * makes embeds `caseScopeSql` on the case it touches, so a case outside the
 * caller's scope cannot be read or written even if a use case forgets to
 * check: it simply matches no row. The intake's statements (at the end) are
 * the exception: they run for the service itself, before any case exists
 * for the caller to see.
 */

export type CaseRow = CaseEntity;

/** Open clocks past due, for a case not closed (a closed case is chased for nothing). */
const overdueSql = (nowParam: string) =>
  `(c.status <> 'closed' AND EXISTS (SELECT 1 FROM case_deadlines d
     WHERE d.case_id = c.id AND d.met_at IS NULL AND d.due_at < ${nowParam}))`;

/** A flag belongs to its case and, when it relates two cases (a possible duplicate), to the other one too. */
const FLAG_OF_CASE = '(f.case_id = c.id OR f.related_case_id = c.id)';

// ---------------------------------------------------------------- reads

interface CaseListFilter {
  statuses?: CaseStatus[];
  panelId?: string;
  unassigned?: boolean;
  overdue?: boolean;
  flagged?: boolean;
  flagType?: string;
  dateOfDeathFrom?: string;
  dateOfDeathTo?: string;
  category?: number;
  /** The case's current reference, or one it had at a panel it was transferred from. */
  reference?: string;
  after?: (string | number)[];
  limit: number;
  now: Date;
}

export type CaseListRow = CaseEntity & {
  overdue: boolean;
  open_flags: { id: string; type: string }[];
};

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
  if (q.reference !== undefined) {
    const ref = `$${params.push(q.reference)}`;
    // Two unique-index lookups; `reference = … OR EXISTS (…)` scanned the whole panel instead (25 ms vs 0.06 ms at 50,000 cases).
    where.push(
      `c.id IN (SELECT x.id FROM cases x WHERE x.reference = ${ref} UNION ALL SELECT t.case_id FROM case_transfers t WHERE t.from_reference = ${ref})`,
    );
  }
  if (q.after) where.push(`(c.date_of_death, c.id) < ($${params.push(q.after[0])}::date, $${params.push(q.after[1])}::uuid)`);
  const { rows } = await sql<CaseListRow>(
    tx,
    `SELECT ${columnsOf(tx, CaseEntity, 'c')}, ${overdueSql('$2')} AS overdue,
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
    `SELECT ${columnsOf(tx, CaseEntity, 'c')} FROM cases c
      WHERE c.id = $1 AND ${caseScopeSql(p, 'c', params, opts)}${opts.lock ? ' FOR UPDATE' : ''}`,
    params,
  );
  return rows[0];
}

/** Locks several cases in id order (so two commands over the same pair cannot deadlock); returns those in scope. */
export async function lockCases(tx: Tx, p: Principal, ids: readonly string[]): Promise<Map<string, CaseRow>> {
  const params: unknown[] = [[...new Set(ids)]];
  const { rows } = await sql<CaseRow>(
    tx,
    `SELECT ${columnsOf(tx, CaseEntity, 'c')} FROM cases c
      WHERE c.id = ANY($1::uuid[]) AND ${caseScopeSql(p, 'c', params)} ORDER BY c.id FOR UPDATE`,
    params,
  );
  return new Map(rows.map((r) => [r.id, r]));
}

export type FlagRow = CaseFlagEntity & {
  /** The other case of a flag relating two cases, as seen from the case asked about; null if none or not in scope. */
  other_case_id: string | null;
  /** The other case, whether or not the caller may see it (for workflow decisions, never shown). */
  other_case_raw: string | null;
};

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
    `SELECT ${columnsOf(tx, CaseFlagEntity, 'f')},
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

export type DeadlineRow = CaseDeadlineEntity;

export async function deadlinesOf(tx: Tx, p: Principal, caseId: string): Promise<DeadlineRow[]> {
  const params: unknown[] = [caseId];
  const { rows } = await sql<DeadlineRow>(
    tx,
    `SELECT ${columnsOf(tx, CaseDeadlineEntity, 'd')}
       FROM case_deadlines d JOIN cases c ON c.id = d.case_id
      WHERE c.id = $1 AND ${caseScopeSql(p, 'c', params)}
      ORDER BY d.due_at, d.rule_id`,
    params,
  );
  return rows;
}

export type HistoryRow = CaseActionEntity;

export async function historyOf(tx: Tx, p: Principal, caseId: string, q: { after?: number; limit: number }): Promise<HistoryRow[]> {
  const params: unknown[] = [caseId, q.limit + 1];
  const after = q.after !== undefined ? ` AND a.id > $${params.push(q.after)}` : '';
  const { rows } = await sql<HistoryRow>(
    tx,
    `SELECT ${columnsOf(tx, CaseActionEntity, 'a')}
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
    `SELECT ${columnsOf(tx, CaseActionEntity, 'a')}
       FROM case_actions a JOIN cases c ON c.id = a.case_id
      WHERE c.id = $1 AND a.action = $2 AND ${caseScopeSql(p, 'c', params)}
      ORDER BY a.id DESC LIMIT 1`,
    params,
  );
  return rows[0];
}

/** Finds a flag through a case in scope: the flag's own case or its related case. */
export async function findFlag(tx: Tx, p: Principal, flagId: string): Promise<CaseFlagEntity | undefined> {
  const params: unknown[] = [flagId];
  const { rows } = await sql<CaseFlagEntity>(
    tx,
    `SELECT ${columnsOf(tx, CaseFlagEntity, 'f')}
       FROM case_flags f
      WHERE f.id = $1 AND EXISTS (SELECT 1 FROM cases c WHERE c.id IN (f.case_id, f.related_case_id) AND ${caseScopeSql(p, 'c', params)})`,
    params,
  );
  return rows[0];
}

// ---------------------------------------------------------------- writes

interface ActionInsert {
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

type NewDeadline = Pick<CaseDeadlineEntity, 'rule_id' | 'starts_from' | 'started_at' | 'due_at' | 'due_date' | 'met_at'>;

/** Adds clocks the case does not have yet (a clock, once started, is never restarted). Returns the rules added. */
export async function startDeadlines(tx: Tx, p: Principal, caseId: string, deadlines: readonly NewDeadline[]): Promise<string[]> {
  if (!deadlines.length) return [];
  const params: unknown[] = [caseId, ...deadlineColumns(deadlines)];
  const { rows } = await sql<{ rule_id: string }>(
    tx,
    `INSERT INTO case_deadlines (case_id, rule_id, starts_from, started_at, due_at, due_date, met_at)
     SELECT c.id, t.* FROM cases c, ${DEADLINES_UNNEST(2)}
      WHERE c.id = $1 AND ${caseScopeSql(p, 'c', params)}
     ON CONFLICT (case_id, rule_id) DO NOTHING
     RETURNING rule_id`,
    params,
  );
  return rows.map((r) => r.rule_id).sort();
}

/** Deadlines as the six parallel arrays DEADLINES_UNNEST reads. */
function deadlineColumns(deadlines: readonly NewDeadline[]): unknown[] {
  return [
    deadlines.map((d) => d.rule_id),
    deadlines.map((d) => d.starts_from),
    deadlines.map((d) => d.started_at.toISOString()),
    deadlines.map((d) => d.due_at.toISOString()),
    deadlines.map((d) => d.due_date),
    deadlines.map((d) => d.met_at?.toISOString() ?? null),
  ];
}
const DEADLINES_UNNEST = (first: number) =>
  `unnest($${first}::text[], $${first + 1}::text[], $${first + 2}::timestamptz[], $${first + 3}::timestamptz[], $${first + 4}::date[],
          $${first + 5}::timestamptz[]) AS t(rule_id, starts_from, started_at, due_at, due_date, met_at)`;

/** Changes a flag only when the caller may see every case it concerns (its own, and the related one). */
export async function setFlagStatus(tx: Tx, p: Principal, flagId: string, status: FlagStatus): Promise<void> {
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

// ---------------------------------------------------------------- transfers to another panel

export type TransferRow = CaseTransferEntity;

interface TransferInsert {
  caseId: string;
  actionId: number;
  fromPanelId: string;
  toPanelId: string;
  fromReference: string;
  toReference: string;
  status: CaseStatus;
  reason: string;
  /** Milliseconds, as JavaScript keeps them: the list's cursor carries it and must match it exactly. */
  at: Date;
}

/** Records a transfer. Written before the case row moves, while the case is still in the sending coordinator's scope. */
export async function insertTransfer(tx: Tx, p: Principal, t: TransferInsert): Promise<TransferRow> {
  const params: unknown[] = [
    t.caseId,
    t.actionId,
    t.fromPanelId,
    t.toPanelId,
    t.fromReference,
    t.toReference,
    t.status,
    t.reason,
    p.kind,
    p.id,
    t.at,
  ];
  const { rows } = await sql<TransferRow>(
    tx,
    `INSERT INTO case_transfers AS t (case_id, action_id, from_panel_id, to_panel_id, from_reference, to_reference, status_at_transfer,
                                      reason, transferred_by_type, transferred_by_id, transferred_at)
     SELECT c.id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM cases c WHERE c.id = $1 AND ${caseScopeSql(p, 'c', params)}
     RETURNING ${columnsOf(tx, CaseTransferEntity, 't')}`,
    params,
  );
  if (!rows[0]) throw new Error('case left the caller scope inside its own command');
  return rows[0];
}

/** The transfers of a case the caller may see where it is now, oldest first: its previous references. */
export async function transfersOfCase(tx: Tx, p: Principal, caseId: string): Promise<TransferRow[]> {
  const params: unknown[] = [caseId];
  const { rows } = await sql<TransferRow>(
    tx,
    `SELECT ${columnsOf(tx, CaseTransferEntity, 't')}
       FROM case_transfers t JOIN cases c ON c.id = t.case_id
      WHERE c.id = $1 AND ${caseScopeSql(p, 'c', params)}
      ORDER BY t.transferred_at, t.id`,
    params,
  );
  return rows;
}

interface TransferListFilter {
  /** Transfers into or out of these panels (already narrowed to the caller's). */
  panelIds: readonly string[];
  direction?: 'in' | 'out';
  reference?: string;
  after?: (string | number)[];
  limit: number;
}

/** Transfers into or out of the caller's panels (transferScopeSql), newest first. */
export async function listTransfers(tx: Tx, p: Principal, q: TransferListFilter): Promise<TransferRow[]> {
  const params: unknown[] = [q.limit + 1];
  const where = [transferScopeSql(p, 't', params)];
  const panels = `$${params.push([...q.panelIds])}::uuid[]`;
  if (q.direction === 'in') where.push(`t.to_panel_id = ANY(${panels})`);
  else if (q.direction === 'out') where.push(`t.from_panel_id = ANY(${panels})`);
  else where.push(`(t.from_panel_id = ANY(${panels}) OR t.to_panel_id = ANY(${panels}))`);
  if (q.reference !== undefined) {
    const ref = `$${params.push(q.reference)}`;
    where.push(`(t.from_reference = ${ref} OR t.to_reference = ${ref})`);
  }
  if (q.after) {
    where.push(`(t.transferred_at, t.id) < ($${params.push(q.after[0])}::timestamptz, $${params.push(q.after[1])}::uuid)`);
  }
  const { rows } = await sql<TransferRow>(
    tx,
    `SELECT ${columnsOf(tx, CaseTransferEntity, 't')} FROM case_transfers t
      WHERE ${where.join(' AND ')}
      ORDER BY t.transferred_at DESC, t.id DESC
      LIMIT $1`,
    params,
  );
  return rows;
}

// ---------------------------------------------------------------- the intake's statements (no caller scope)

/** What the intake's duplicate rules see of a case already on record. */
export type CaseOnRecord = Pick<
  CaseEntity,
  | 'id'
  | 'reference'
  | 'merged_into_case_id'
  | 'child_nhs_number'
  | 'child_given_name'
  | 'child_family_name'
  | 'child_date_of_birth'
  | 'date_of_death'
>;

const ON_RECORD = `c.id, c.reference, c.merged_into_case_id, c.child_nhs_number, c.child_given_name, c.child_family_name,
  c.child_date_of_birth, c.date_of_death`;

/**
 * In one statement: the case holding an NHS number (if given), and the cases
 * whose child was born on one of `birthDates` and died between `diedFrom` and
 * `diedTo`, oldest first, at most `limit`.
 */
export async function findOnRecord(
  tx: Tx,
  q: { nhsNumber: string | null; birthDates: readonly string[]; diedFrom: string; diedTo: string; limit: number },
): Promise<{ byNhsNumber: CaseOnRecord | undefined; byDates: CaseOnRecord[] }> {
  const { rows } = await sql<CaseOnRecord & { by: 'nhs' | 'dates' }>(
    tx,
    `(SELECT 'nhs' AS by, ${ON_RECORD} FROM cases c WHERE $1::text IS NOT NULL AND c.child_nhs_number = $1)
     UNION ALL
     (SELECT 'dates' AS by, ${ON_RECORD} FROM cases c
       WHERE c.child_date_of_birth = ANY($2::date[]) AND c.date_of_death BETWEEN $3::date AND $4::date
       ORDER BY c.created_at, c.id LIMIT $5)`,
    [q.nhsNumber, [...q.birthDates], q.diedFrom, q.diedTo, q.limit],
  );
  const strip = ({ by: _by, ...row }: CaseOnRecord & { by: string }): CaseOnRecord => row;
  const nhs = rows.find((r) => r.by === 'nhs');
  return { byNhsNumber: nhs && strip(nhs), byDates: rows.filter((r) => r.by === 'dates').map(strip) };
}

/** One case on record by id (a merged duplicate's target). */
export async function findOnRecordById(tx: Tx, id: string): Promise<CaseOnRecord | undefined> {
  const { rows } = await sql<CaseOnRecord>(tx, `SELECT ${ON_RECORD} FROM cases c WHERE c.id = $1`, [id]);
  return rows[0];
}

/** The next number of a panel's gapless reference sequence for a year; the counter row stays locked until commit. */
export async function nextReferenceNumber(tx: Tx, panelId: string, year: number): Promise<number> {
  const { rows } = await sql<{ n: number }>(
    tx,
    `INSERT INTO case_reference_counters (panel_id, year, last_number) VALUES ($1, $2, 1)
     ON CONFLICT (panel_id, year) DO UPDATE SET last_number = case_reference_counters.last_number + 1
     RETURNING last_number AS n`,
    [panelId, year],
  );
  return rows[0]!.n;
}

type NewCaseRow = Omit<
  CaseEntity,
  'status' | 'hold_reason' | 'held_since' | 'merged_into_case_id' | 'category' | 'created_at' | 'updated_at' | 'version'
>;
type NewFlag = Pick<CaseFlagEntity, 'type' | 'rule_id' | 'rule_version' | 'evidence' | 'related_case_id'>;
interface NewCaseAgency {
  agency_id: string;
  contacts: unknown[];
}

/**
 * A new case with everything it starts with, in one statement: the case row
 * (status notified), its first log entry, the agencies named, its clocks and
 * its flags.
 */
export async function insertNewCase(
  tx: Tx,
  row: NewCaseRow,
  first: { action: string; actor_type: string; actor_id: string; payload: Record<string, unknown> },
  agencies: readonly (NewCaseAgency & { first_notification_id: string })[],
  deadlines: readonly NewDeadline[],
  flags: readonly NewFlag[],
): Promise<void> {
  await sql(
    tx,
    `WITH cs AS (
       INSERT INTO cases (id, reference, panel_id, status, child_nhs_number, child_nhs_exception, child_given_name, child_family_name,
                          child_date_of_birth, child_sex, date_of_death, age_at_death_days, local_authority_code, expected_death, notified_at)
       VALUES ($1, $2, $3, 'notified', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       RETURNING id),
     a AS (
       INSERT INTO case_actions (case_id, action, from_status, to_status, actor_type, actor_id, payload)
       SELECT cs.id, $15, NULL, 'notified', $16, $17, $18::jsonb FROM cs),
     ag AS (
       INSERT INTO case_agencies (case_id, agency_id, first_notification_id, contacts)
       SELECT cs.id, x.agency_id, x.first_notification_id, x.contacts
         FROM cs, jsonb_to_recordset($19::jsonb) AS x(agency_id uuid, first_notification_id uuid, contacts jsonb)),
     f AS (
       INSERT INTO case_flags (case_id, type, rule_id, rule_version, evidence, related_case_id)
       SELECT cs.id, x.type, x.rule_id, x.rule_version, x.evidence, x.related_case_id
         FROM cs, jsonb_to_recordset($20::jsonb) AS x(type text, rule_id text, rule_version int, evidence jsonb, related_case_id uuid))
     INSERT INTO case_deadlines (case_id, rule_id, starts_from, started_at, due_at, due_date, met_at)
     SELECT cs.id, t.* FROM cs, ${DEADLINES_UNNEST(21)}`,
    [
      row.id,
      row.reference,
      row.panel_id,
      row.child_nhs_number,
      row.child_nhs_exception,
      row.child_given_name,
      row.child_family_name,
      row.child_date_of_birth,
      row.child_sex,
      row.date_of_death,
      row.age_at_death_days,
      row.local_authority_code,
      row.expected_death,
      row.notified_at,
      first.action,
      first.actor_type,
      first.actor_id,
      JSON.stringify(first.payload),
      JSON.stringify(agencies),
      JSON.stringify(flags),
      ...deadlineColumns(deadlines),
    ],
  );
}

/**
 * A notification joins an existing case, in one statement: the case learns the
 * NHS number if given one it lacks (`learnNhsNumber`), its log gets the entry,
 * agencies it did not have are added. Returns the case's reference and status.
 */
export async function attachToCase(
  tx: Tx,
  caseId: string,
  learnNhsNumber: string | null,
  entry: { action: string; actor_type: string; actor_id: string; payload: Record<string, unknown> },
  agencies: readonly (NewCaseAgency & { first_notification_id: string })[],
): Promise<{ reference: string | null; status: CaseStatus; panel_id: string | null; category: number | null } | undefined> {
  const { rows } = await sql<{ reference: string | null; status: CaseStatus; panel_id: string | null; category: number | null }>(
    tx,
    `WITH cs AS (
       UPDATE cases SET
         child_nhs_number = COALESCE(child_nhs_number, $2),
         child_nhs_exception = CASE WHEN child_nhs_number IS NULL AND $2::text IS NOT NULL THEN NULL ELSE child_nhs_exception END,
         updated_at = now(), version = version + 1
       WHERE id = $1
       RETURNING id, status, reference, panel_id, category),
     a AS (
       INSERT INTO case_actions (case_id, action, from_status, to_status, actor_type, actor_id, payload)
       SELECT cs.id, $3, cs.status, cs.status, $4, $5, $6::jsonb FROM cs),
     ag AS (
       INSERT INTO case_agencies (case_id, agency_id, first_notification_id, contacts)
       SELECT cs.id, x.agency_id, x.first_notification_id, x.contacts
         FROM cs, jsonb_to_recordset($7::jsonb) AS x(agency_id uuid, first_notification_id uuid, contacts jsonb)
       ON CONFLICT (case_id, agency_id) DO NOTHING)
     SELECT reference, status, panel_id, category FROM cs`,
    [caseId, learnNhsNumber, entry.action, entry.actor_type, entry.actor_id, JSON.stringify(entry.payload), JSON.stringify(agencies)],
  );
  return rows[0];
}

// ---------------------------------------------------------------- for other modules' commands

/**
 * The case row, locked, for a change another module's command made to it
 * (case-changes.ts). Not scoped: the calling module has already established
 * the caller's right to make its change (an agency submitting the form it was
 * asked for cannot see the case itself).
 */
export async function lockCaseForChange(tx: Tx, id: string): Promise<CaseRow | undefined> {
  const { rows } = await sql<CaseRow>(tx, `SELECT ${columnsOf(tx, CaseEntity, 'c')} FROM cases c WHERE c.id = $1 FOR UPDATE`, [id]);
  return rows[0];
}

/** The case row, unscoped and unlocked: for a module that has already checked the caller's scope (the pack's redaction). */
export async function caseById(tx: Tx, id: string): Promise<CaseRow | undefined> {
  const { rows } = await sql<CaseRow>(tx, `SELECT ${columnsOf(tx, CaseEntity, 'c')} FROM cases c WHERE c.id = $1`, [id]);
  return rows[0];
}

/** Appends a log entry for a change another module made (see lockCaseForChange), keeping the status. */
export async function insertChangeEntry(
  tx: Tx,
  entry: { caseId: string; action: string; status: CaseStatus; actorType: string; actorId: string; payload: Record<string, unknown> },
): Promise<void> {
  await sql(
    tx,
    `INSERT INTO case_actions (case_id, action, from_status, to_status, actor_type, actor_id, payload)
     VALUES ($1, $2, $3, $3, $4, $5, $6::jsonb)`,
    [entry.caseId, entry.action, entry.status, entry.actorType, entry.actorId, JSON.stringify(entry.payload)],
  );
}

/**
 * A case's whole history, oldest first, with no scope applied: for a module that has already found the case in the
 * caller's scope (the anonymised case pack's timeline). Payloads hold free text: the caller redacts it.
 */
export async function timelineOf(tx: Tx, caseId: string): Promise<HistoryRow[]> {
  const { rows } = await sql<HistoryRow>(
    tx,
    `SELECT ${columnsOf(tx, CaseActionEntity, 'a')} FROM case_actions a WHERE a.case_id = $1 ORDER BY a.id`,
    [caseId],
  );
  return rows;
}
