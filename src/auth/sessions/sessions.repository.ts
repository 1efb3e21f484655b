import { sql } from '../../platform/db/sql';
import type { Tx } from '../../platform/db/transaction';

/**
 * Ends every session of a person (for example when an administrator disables
 * them), inside the caller's transaction. Returns how many were ended.
 */
export async function endSessionsOfUser(tx: Tx, userId: string): Promise<number> {
  const { rowCount } = await sql(tx, `DELETE FROM user_sessions WHERE user_id = $1`, [userId]);
  return rowCount;
}
