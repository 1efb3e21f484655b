import type { Principal } from '../../access/principal';
import { columnsOf } from '../../platform/db/entity-sql';
import { preparedSql, sql } from '../../platform/db/sql';
import type { Tx } from '../../platform/db/transaction';
import { submittedAnswersForRulesSql } from '../agency-forms';
import { caseScopeSql } from '../cases';
import { notificationsForRulesSql } from '../notifications';
import { analysisForRulesSql } from '../panel-reviews';
import {
  PanelSafeguardingSettingEntity,
  SafeguardingFlagClockEntity,
  SafeguardingFlagEntity,
  SafeguardingFlagEventEntity,
  type FlagEventAction,
  type SafeguardingFlagStatus,
} from './entities';
import type { EvidenceItem, FlagKind, Regime } from './rules';

/**
 * The scr-triggers module's SQL: rows in, rows out, no rules. Flags are found in the caller's case scope by joining
 * `cases` (read only), so a flag belongs to whichever panel its case belongs to now.
 */

type Actor = { type: 'user' | 'client'; id: string };

export async function regimeOf(tx: Tx, panelId: string): Promise<PanelSafeguardingSettingEntity | undefined> {
  const { rows } = await sql<PanelSafeguardingSettingEntity>(
    tx,
    `SELECT ${columnsOf(tx, PanelSafeguardingSettingEntity, 's')} FROM panel_safeguarding_settings s WHERE s.panel_id = $1`,
    [panelId],
  );
  return rows[0];
}

export async function saveRegime(tx: Tx, panelId: string, regime: Regime, at: Date, by: Actor): Promise<void> {
  await sql(
    tx,
    `INSERT INTO panel_safeguarding_settings (panel_id, regime, updated_at, updated_by_type, updated_by_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (panel_id) DO UPDATE SET regime = EXCLUDED.regime, updated_at = EXCLUDED.updated_at,
       updated_by_type = EXCLUDED.updated_by_type, updated_by_id = EXCLUDED.updated_by_id`,
    [panelId, regime, at, by.type, by.id],
  );
}

/** What the rules read of a case, and what they reconcile with: one statement (README, "Cost"). */
interface RuleInputs {
  notifications: { id: string; form: Record<string, unknown> }[];
  forms: { requestId: string; templateId: string; templateVersion: number; revision: number; answers: Record<string, unknown> }[];
  analysis: {
    reviewId: string;
    revision: number;
    status: 'draft' | 'signed';
    category: number | null;
    categoriesConsidered: number[];
    safeguardingCriteriaMet: 'yes' | 'no' | 'not_known' | null;
  } | null;
  /** Every flag of the case, live and dismissed. */
  flags: { id: string; ruleId: string; status: SafeguardingFlagStatus; evidence: EvidenceItem[] }[];
  /** The panel's regime; null when the panel chose none (or the case has no panel). */
  regime: Regime | null;
}

/**
 * The case's notifications, submitted answers and analysis (each module's own subquery, from its index), its flags
 * and its panel's regime, in one round trip: the rules run inside every change to a case, so their reads are kept
 * to one statement (bench/README.md, "scr-rules"). The case row is locked by the caller.
 */
export async function ruleInputsOf(tx: Tx, caseId: string, panelId: string | null): Promise<RuleInputs> {
  const { rows } = await preparedSql<RuleInputs>(
    tx,
    'scr-triggers.rule-inputs',
    `SELECT ${notificationsForRulesSql('$1')} AS notifications,
            ${submittedAnswersForRulesSql('$1')} AS forms,
            ${analysisForRulesSql('$1')} AS analysis,
            (SELECT coalesce(json_agg(json_build_object('id', f.id, 'ruleId', f.rule_id, 'status', f.status, 'evidence', f.evidence)
                                      ORDER BY f.raised_at, f.id), '[]'::json)
               FROM safeguarding_flags f WHERE f.case_id = $1) AS flags,
            (SELECT s.regime FROM panel_safeguarding_settings s WHERE s.panel_id = $2) AS regime`,
    [caseId, panelId],
  );
  return rows[0]!;
}

/** A flag to raise: its row, its clocks and the details of its `raised` event. */
export interface FlagToRaise {
  rule_id: string;
  rule_version: number;
  regime: Regime;
  kind: FlagKind;
  title: string;
  basis: string;
  opens: string;
  evidence: readonly EvidenceItem[];
  aware_on: string;
  clocks: readonly Pick<SafeguardingFlagClockEntity, 'clock_id' | 'label' | 'basis' | 'working_days' | 'due_on'>[];
  details: Record<string, unknown>;
}

/** Evidence to add to a live flag, with the details of its `evidence_added` event. */
export interface EvidenceToAdd {
  flag_id: string;
  evidence: readonly EvidenceItem[];
  details: Record<string, unknown>;
}

/**
 * Writes what one run of the rules decided, in one statement: the flags raised (at most one per rule) with their clocks
 * and `raised` events, and the evidence added to live flags with their `evidence_added` events. Returns the flags
 * raised, by rule.
 */
export async function writeRuleDecisions(
  tx: Tx,
  w: { caseId: string; at: Date; change: string; by: Actor; raise: readonly FlagToRaise[]; add: readonly EvidenceToAdd[] },
): Promise<{ id: string; rule_id: string }[]> {
  const { rows } = await preparedSql<{ id: string; rule_id: string }>(
    tx,
    'scr-triggers.write-decisions',
    `WITH raise AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x (rule_id text, rule_version integer, regime text, kind text, title text,
                                                          basis text, opens text, evidence jsonb, aware_on date, clocks jsonb, details jsonb)
     ), flags AS (
       INSERT INTO safeguarding_flags (case_id, rule_id, rule_version, regime, kind, title, basis, opens, evidence, aware_on, raised_at, raised_by_change)
       SELECT $3, rule_id, rule_version, regime, kind, title, basis, opens, evidence, aware_on, $4, $5 FROM raise
       RETURNING id, rule_id
     ), clocks AS (
       INSERT INTO safeguarding_flag_clocks (flag_id, clock_id, label, basis, working_days, due_on)
       SELECT f.id, c.clock_id, c.label, c.basis, c.working_days, c.due_on
         FROM flags f JOIN raise r ON r.rule_id = f.rule_id,
              jsonb_to_recordset(r.clocks) AS c (clock_id text, label text, basis text, working_days integer, due_on date)
     ), raised AS (
       INSERT INTO safeguarding_flag_events (flag_id, action, at, actor_type, actor_id, details)
       SELECT f.id, 'raised', $4, $6, $7, r.details FROM flags f JOIN raise r ON r.rule_id = f.rule_id
     ), more AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS x (flag_id uuid, evidence jsonb, details jsonb)
     ), extended AS (
       UPDATE safeguarding_flags t SET evidence = t.evidence || m.evidence, version = t.version + 1 FROM more m WHERE t.id = m.flag_id
     ), added AS (
       INSERT INTO safeguarding_flag_events (flag_id, action, at, actor_type, actor_id, details)
       SELECT m.flag_id, 'evidence_added', $4, $6, $7, m.details FROM more m
     )
     SELECT id, rule_id FROM flags`,
    [JSON.stringify(w.raise), JSON.stringify(w.add), w.caseId, w.at, w.change, w.by.type, w.by.id],
  );
  return rows;
}

export async function insertEvent(
  tx: Tx,
  e: { flagId: string; action: FlagEventAction; at: Date; by: Actor; details?: Record<string, unknown>; reason?: string | null },
): Promise<void> {
  await sql(
    tx,
    `INSERT INTO safeguarding_flag_events (flag_id, action, at, actor_type, actor_id, details, reason) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
    [e.flagId, e.action, e.at, e.by.type, e.by.id, JSON.stringify(e.details ?? {}), e.reason ?? null],
  );
}

/** A flag with its case's reference and panel, for the views. */
export type FlagRow = SafeguardingFlagEntity & { case_reference: string | null; panel_id: string | null };

const flagSelect = (tx: Tx, extra = '') =>
  `SELECT ${columnsOf(tx, SafeguardingFlagEntity, 'f')}, c.reference AS case_reference, c.panel_id${extra}
     FROM safeguarding_flags f JOIN cases c ON c.id = f.case_id`;

/** The flag, if its case is in the caller's scope; `lock` locks the flag row (FOR UPDATE OF f). */
export async function findFlag(tx: Tx, p: Principal, id: string, opts: { lock?: boolean } = {}): Promise<FlagRow | undefined> {
  const params: unknown[] = [id];
  const { rows } = await sql<FlagRow>(
    tx,
    `${flagSelect(tx)} WHERE f.id = $1 AND ${caseScopeSql(p, 'c', params)}${opts.lock ? ' FOR UPDATE OF f' : ''}`,
    params,
  );
  return rows[0];
}

export async function clocksOf(tx: Tx, flagIds: readonly string[]): Promise<SafeguardingFlagClockEntity[]> {
  if (!flagIds.length) return [];
  const { rows } = await sql<SafeguardingFlagClockEntity>(
    tx,
    `SELECT ${columnsOf(tx, SafeguardingFlagClockEntity, 'k')} FROM safeguarding_flag_clocks k
      WHERE k.flag_id = ANY($1::uuid[]) ORDER BY k.flag_id, k.due_on, k.clock_id`,
    [flagIds],
  );
  return rows;
}

export async function eventsOf(tx: Tx, flagId: string): Promise<SafeguardingFlagEventEntity[]> {
  const { rows } = await sql<SafeguardingFlagEventEntity>(
    tx,
    `SELECT ${columnsOf(tx, SafeguardingFlagEventEntity, 'e')} FROM safeguarding_flag_events e WHERE e.flag_id = $1 ORDER BY e.id`,
    [flagId],
  );
  return rows;
}

interface FlagFilter {
  kind?: FlagKind;
  status?: SafeguardingFlagStatus;
  panelId?: string;
  caseId?: string;
  ruleId?: string;
  /** Only flags with a running clock due before `today` (true), or none such (false). */
  overdue?: { is: boolean; today: string };
  /** The last row of the previous page: its raised_at (exact, as text) and id. */
  after?: { raisedKey: string; id: string };
  limit: number;
}

/** A page of flags on the cases the caller may see, newest first. */
export async function listFlags(tx: Tx, p: Principal, q: FlagFilter): Promise<(FlagRow & { raised_key: string })[]> {
  const params: unknown[] = [];
  const where = [caseScopeSql(p, 'c', params)];
  if (q.kind) where.push(`f.kind = $${params.push(q.kind)}`);
  if (q.status) where.push(`f.status = $${params.push(q.status)}`);
  if (q.panelId) where.push(`c.panel_id = $${params.push(q.panelId)}`);
  if (q.caseId) where.push(`f.case_id = $${params.push(q.caseId)}`);
  if (q.ruleId) where.push(`f.rule_id = $${params.push(q.ruleId)}`);
  if (q.overdue) {
    const overdue = `EXISTS (SELECT 1 FROM safeguarding_flag_clocks k
                              WHERE k.flag_id = f.id AND k.status = 'running' AND k.due_on < $${params.push(q.overdue.today)}::date)`;
    where.push(q.overdue.is ? overdue : `NOT ${overdue}`);
  }
  const raisedKey = `to_char(f.raised_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
  if (q.after) {
    where.push(`(${raisedKey}, f.id) < ($${params.push(q.after.raisedKey)}, $${params.push(q.after.id)}::uuid)`);
  }
  const { rows } = await sql<FlagRow & { raised_key: string }>(
    tx,
    `${flagSelect(tx, `, ${raisedKey} AS raised_key`)}
      WHERE ${where.join(' AND ')} ORDER BY f.raised_at DESC, f.id DESC LIMIT $${params.push(q.limit + 1)}`,
    params,
  );
  return rows;
}

export async function setStatus(
  tx: Tx,
  id: string,
  status: Exclude<SafeguardingFlagStatus, 'open'>,
  f: { at: Date; by: string; reason?: string; reviewId?: string },
): Promise<void> {
  const [set, params] =
    status === 'acknowledged'
      ? ['acknowledged_at = $3, acknowledged_by = $4', [f.at, f.by]]
      : status === 'referred'
        ? ['referred_at = $3, referred_by = $4, review_id = $5', [f.at, f.by, f.reviewId ?? null]]
        : ['dismissed_at = $3, dismissed_by = $4, dismissal_reason = $5', [f.at, f.by, f.reason ?? null]];
  await sql(tx, `UPDATE safeguarding_flags SET status = $2, ${set}, version = version + 1 WHERE id = $1`, [id, status, ...params]);
}

export async function setAwareness(tx: Tx, id: string, awareOn: string): Promise<void> {
  await sql(tx, `UPDATE safeguarding_flags SET aware_on = $2, aware_corrected = true, version = version + 1 WHERE id = $1`, [id, awareOn]);
}

/** Moves a running clock's due date (an awareness correction). */
export async function setClockDue(tx: Tx, flagId: string, clockId: string, dueOn: string): Promise<void> {
  await sql(tx, `UPDATE safeguarding_flag_clocks SET due_on = $3 WHERE flag_id = $1 AND clock_id = $2`, [flagId, clockId, dueOn]);
}

export async function meetClocks(tx: Tx, flagId: string, clockIds: readonly string[], metOn: string): Promise<void> {
  await sql(
    tx,
    `UPDATE safeguarding_flag_clocks SET status = 'met', met_on = $3 WHERE flag_id = $1 AND clock_id = ANY($2::text[]) AND status = 'running'`,
    [flagId, clockIds, metOn],
  );
}

export async function stopClocks(tx: Tx, flagId: string, at: Date): Promise<void> {
  await sql(tx, `UPDATE safeguarding_flag_clocks SET status = 'stopped', stopped_at = $2 WHERE flag_id = $1 AND status = 'running'`, [
    flagId,
    at,
  ]);
}

/** The case's flags still waiting for a decision (open or acknowledged), oldest first. */
export async function undecidedFlagsOfCase(
  tx: Tx,
  caseId: string,
): Promise<{ id: string; rule_id: string; status: SafeguardingFlagStatus }[]> {
  const { rows } = await sql<{ id: string; rule_id: string; status: SafeguardingFlagStatus }>(
    tx,
    `SELECT f.id, f.rule_id, f.status FROM safeguarding_flags f WHERE f.case_id = $1 AND f.status IN ('open', 'acknowledged') ORDER BY f.raised_at, f.id`,
    [caseId],
  );
  return rows;
}

/** The case's flags in short, oldest first, with whether a clock runs past its due date on `today`. */
export async function flagSummariesOfCase(
  tx: Tx,
  caseId: string,
  today: string,
): Promise<{ id: string; ruleId: string; kind: FlagKind; status: SafeguardingFlagStatus; overdue: boolean }[]> {
  const { rows } = await sql<{ id: string; ruleId: string; kind: FlagKind; status: SafeguardingFlagStatus; overdue: boolean }>(
    tx,
    `SELECT f.id, f.rule_id AS "ruleId", f.kind, f.status,
            EXISTS (SELECT 1 FROM safeguarding_flag_clocks k WHERE k.flag_id = f.id AND k.status = 'running' AND k.due_on < $2::date) AS overdue
       FROM safeguarding_flags f WHERE f.case_id = $1 ORDER BY f.raised_at, f.id`,
    [caseId, today],
  );
  return rows;
}
