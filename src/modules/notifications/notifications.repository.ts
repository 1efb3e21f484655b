import type { Principal } from '../../access/principal';
import { columnsOf } from '../../platform/db/entity-sql';
import { sql } from '../../platform/db/sql';
import type { Tx } from '../../platform/db/transaction';
import { caseScopeSql, identifiableCaseScopeSql, type CaseNotificationRow, type NotificationSummary } from '../cases';
import { NotificationEntity } from './entities/notification.entity';

/**
 * The notifications module's SQL over its one table, `notifications`. Reads
 * made for a caller join the case and apply its case scope (cases'
 * caseScopeSql), so a notification of a case the caller may not see matches
 * nothing.
 */

type NewNotification = Omit<NotificationEntity, 'received_at'>;

export async function insertNotification(tx: Tx, row: NewNotification): Promise<void> {
  await tx.insert(NotificationEntity, row);
}

export async function summaryOf(tx: Tx, p: Principal, caseId: string): Promise<NotificationSummary> {
  const params: unknown[] = [caseId];
  const { rows } = await sql<{ count: number; first_child: NotificationSummary['firstChild'] }>(
    tx,
    `SELECT (SELECT count(*)::int FROM notifications n WHERE n.case_id = c.id) AS count,
            (SELECT jsonb_build_object('address', n.payload->'child'->'address', 'alternativeNames', n.payload->'child'->'alternativeNames')
               FROM notifications n WHERE n.case_id = c.id ORDER BY n.received_at, n.id LIMIT 1) AS first_child
       FROM cases c WHERE c.id = $1 AND ${caseScopeSql(p, 'c', params)}`,
    params,
  );
  const r = rows[0];
  return { count: r?.count ?? 0, firstChild: r?.first_child ?? null };
}

export async function listOfCase(
  tx: Tx,
  p: Principal,
  caseId: string,
  q: { after?: (string | number)[]; limit: number; withForm: boolean },
): Promise<CaseNotificationRow[]> {
  const params: unknown[] = [caseId, q.limit + 1];
  const after = q.after ? ` AND (n.received_at, n.id) > ($${params.push(q.after[0])}::timestamptz, $${params.push(q.after[1])}::uuid)` : '';
  const { rows } = await sql<CaseNotificationRow>(
    tx,
    `SELECT n.id, n.notifier_agency_id, ag.name AS agency_name, ag.type AS agency_type, n.notified_on,
            n.received_at, n.received_at::text AS received_key, n.match, ${q.withForm ? 'n.payload' : 'NULL::jsonb AS payload'}
       FROM notifications n JOIN cases c ON c.id = n.case_id JOIN agencies ag ON ag.id = n.notifier_agency_id
      WHERE c.id = $1 AND ${caseScopeSql(p, 'c', params)}${after}
      ORDER BY n.received_at, n.id LIMIT $2`,
    params,
  );
  return rows;
}

/** Moves every notification of a case in scope onto another in scope, marking them `merged`; returns each with its previous match. */
export async function moveAll(tx: Tx, p: Principal, fromCaseId: string, toCaseId: string): Promise<{ id: string; match: string }[]> {
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
export async function moveBack(
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

/** A notification as its reader sees it: the row, its case's reference, its notifier agency. */
export type NotificationReadRow = NotificationEntity & {
  /** received_at exactly (microseconds), for the keyset cursor: a JavaScript Date keeps only milliseconds. */
  received_key: string;
  case_reference: string | null;
  agency_name: string;
  agency_ods_code: string | null;
};

/**
 * The notifications a caller may read back: its own agency's (agency staff
 * and systems), and those of the cases whose child it may identify
 * (coordinators). Nothing for anyone else.
 */
function readableBy(p: Principal, params: unknown[]): string {
  const parts: string[] = [];
  const agencyReader = p.kind === 'client' || p.roles.includes('agency_contributor');
  if (agencyReader && p.agencyId) parts.push(`n.notifier_agency_id = $${params.push(p.agencyId)}::uuid`);
  const identifiable = identifiableCaseScopeSql(p, 'c', params);
  if (identifiable !== 'FALSE') parts.push(identifiable);
  return parts.length ? `(${parts.join(' OR ')})` : 'FALSE';
}

const READ_COLUMNS = (
  tx: Tx,
) => `${columnsOf(tx, NotificationEntity, 'n')}, n.received_at::text AS received_key, c.reference AS case_reference, ag.name AS agency_name,
  ag.ods_code AS agency_ods_code`;

export async function findReadable(tx: Tx, p: Principal, id: string): Promise<NotificationReadRow | undefined> {
  const params: unknown[] = [id];
  const { rows } = await sql<NotificationReadRow>(
    tx,
    `SELECT ${READ_COLUMNS(tx)}
       FROM notifications n JOIN cases c ON c.id = n.case_id JOIN agencies ag ON ag.id = n.notifier_agency_id
      WHERE n.id = $1 AND ${readableBy(p, params)}`,
    params,
  );
  return rows[0];
}

export async function listReadable(
  tx: Tx,
  p: Principal,
  q: { since?: Date; after?: [string, string]; limit: number },
): Promise<NotificationReadRow[]> {
  const params: unknown[] = [q.limit + 1];
  const where = [readableBy(p, params)];
  if (q.since) where.push(`n.received_at >= $${params.push(q.since)}::timestamptz`);
  if (q.after) where.push(`(n.received_at, n.id) > ($${params.push(q.after[0])}::timestamptz, $${params.push(q.after[1])}::uuid)`);
  const { rows } = await sql<NotificationReadRow>(
    tx,
    `SELECT ${READ_COLUMNS(tx)}
       FROM notifications n JOIN cases c ON c.id = n.case_id JOIN agencies ag ON ag.id = n.notifier_agency_id
      WHERE ${where.join(' AND ')}
      ORDER BY n.received_at, n.id LIMIT $1`,
    params,
  );
  return rows;
}

/**
 * Every notification form of a case as received, oldest first, with no scope applied: only for a caller that has
 * already found the case in its own scope and needs the identities in it to remove them (the anonymised case pack).
 */
export async function notificationFormsOfCase(tx: Tx, caseId: string): Promise<Record<string, unknown>[]> {
  const { rows } = await sql<{ payload: Record<string, unknown> }>(
    tx,
    `SELECT n.payload FROM notifications n WHERE n.case_id = $1 ORDER BY n.received_at, n.id`,
    [caseId],
  );
  return rows.map((r) => r.payload);
}

/**
 * Every notification of the case with its id, oldest first, as a JSON array `[{ id, form }]`: a scalar subquery for the
 * case-change rules (the SCR triggers), which read a case's notifications, forms and analysis in one round trip.
 * `caseParam` is the statement's placeholder holding the case id (e.g. `$1`).
 */
export const notificationsForRulesSql = (caseParam: string) =>
  `(SELECT coalesce(json_agg(json_build_object('id', n.id, 'form', n.payload) ORDER BY n.received_at, n.id), '[]'::json)
      FROM notifications n WHERE n.case_id = ${caseParam})`;
