import type { Tx } from '../../../platform/db/transaction';
import type { CaseChange, CaseChangeContext, ChangeActor } from '../case-changes';
import * as cases from '../cases.repository';
import type { CaseRow } from '../cases.repository';
import type { CasesDeps } from './case-command';

// The case-change hook (case-changes.ts; docs/architecture.md, "Reacting to a case change").

/** The case as a listener sees it (case-changes.ts, CaseChangeContext). */
export type CaseState = Pick<CaseChangeContext, 'caseId' | 'panelId' | 'status' | 'category'>;

/**
 * Runs the case-change listeners for a change whose command wrote the case's history itself (a correction, a
 * merge): locks the case, then calls each listener in the same transaction.
 */
export async function announceCaseChange(deps: CasesDeps, tx: Tx, actor: ChangeActor, change: CaseChange): Promise<void> {
  if (!deps.listeners.length) return;
  const row = await cases.lockCaseForChange(tx, change.caseId);
  if (!row) throw new Error(`case change: case ${change.caseId} does not exist`);
  await runListeners(deps, tx, actor, change, stateOf(row), deps.now());
}

export const stateOf = (row: CaseRow): CaseState => ({ caseId: row.id, panelId: row.panel_id, status: row.status, category: row.category });

export async function runListeners(
  deps: CasesDeps,
  tx: Tx,
  actor: ChangeActor,
  change: CaseChange,
  state: CaseState,
  at: Date,
): Promise<void> {
  for (const listener of deps.listeners) {
    await listener.onCaseChange(tx, change, { ...state, actor, at });
  }
}
