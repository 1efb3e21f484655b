import type { Tx } from '../../platform/db/transaction';
import type { PanelRef } from '../directory';
import { nextReferenceNumber } from './cases.repository';

/**
 * A case's human-friendly reference: the panel's code, the year the case was
 * opened, and its number in the panel's gapless sequence for that year,
 * at least four digits (WOR-2026-0042); the 10,000th is WOR-2026-10000.
 */
function formatCaseReference(panelCode: string, year: number, n: number): string {
  return `${panelCode}-${year}-${String(n).padStart(4, '0')}`;
}

/**
 * The next reference of a panel for a year. The counter row is incremented in
 * the caller's transaction: concurrent new cases of a panel queue on that one
 * row, and a rollback gives the number back, so references are gapless and
 * unique. Call it as late in the transaction as possible.
 */
export async function allocateCaseReference(tx: Tx, panel: PanelRef, year: number): Promise<string> {
  return formatCaseReference(panel.code, year, await nextReferenceNumber(tx, panel.id, year));
}
