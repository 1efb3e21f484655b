import { sql } from '../../platform/db/sql';
import type { Tx } from '../../platform/db/transaction';

/**
 * The next human-friendly reference for a panel and year, e.g. WOR-2026-0042.
 * The counter row is incremented inside the caller's transaction: concurrent
 * cases for the same panel queue on that one row lock, a rollback gives the
 * number back, so references are gapless and unique.
 */
export async function nextCaseReference(tx: Tx, panelId: string, year: number): Promise<string> {
  const { rows } = await sql<{ code: string; n: number }>(
    tx,
    `WITH c AS (
       INSERT INTO case_reference_counters (panel_id, year, last_number) VALUES ($1, $2, 1)
       ON CONFLICT (panel_id, year) DO UPDATE SET last_number = case_reference_counters.last_number + 1
       RETURNING last_number)
     SELECT p.code, c.last_number AS n FROM c, panels p WHERE p.id = $1`,
    [panelId, year],
  );
  const r = rows[0];
  if (!r) throw new Error('panel not found for case reference');
  return formatCaseReference(r.code, year, r.n);
}

export function formatCaseReference(panelCode: string, year: number, n: number): string {
  return `${panelCode}-${year}-${String(n).padStart(4, '0')}`;
}
