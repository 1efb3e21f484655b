import type { Principal } from '../../access/principal';
import type { Tx } from '../../platform/db/transaction';
import type { CaseStatus } from './case-status';
import * as cases from './cases.repository';

/** A case as seen by a module that works on it for its panel: no child identity. */
export interface CaseInScope {
  id: string;
  panelId: string | null;
  status: CaseStatus;
  mergedIntoCaseId: string | null;
}

/**
 * The case if the caller may see it (case-scope.ts: its panel's coordinators,
 * chairs and members), locked FOR UPDATE with `lock`; undefined otherwise
 * (404 for the caller). For modules working inside their own transaction.
 */
export async function findCaseInScope(
  tx: Tx,
  p: Principal,
  caseId: string,
  opts: { lock?: boolean } = {},
): Promise<CaseInScope | undefined> {
  const row = await cases.findCase(tx, p, caseId, { lock: opts.lock ?? false });
  return row && { id: row.id, panelId: row.panel_id, status: row.status, mergedIntoCaseId: row.merged_into_case_id };
}
