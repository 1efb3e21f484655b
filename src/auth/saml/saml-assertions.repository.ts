import { sql } from '../../platform/db/sql';
import type { Tx } from '../../platform/db/transaction';

/** The assertion ids already consumed (saml_assertions_seen), so a replayed assertion is refused. */

/** Each assertion id is accepted once; false when it was already used. */
export async function markAssertionSeen(tx: Tx, idpId: string, assertionId: string, notOnOrAfter: Date): Promise<boolean> {
  const { rows } = await sql(
    tx,
    `INSERT INTO saml_assertions_seen (idp_id, assertion_id, not_on_or_after) VALUES ($1, $2, $3)
     ON CONFLICT (idp_id, assertion_id) DO NOTHING RETURNING 1`,
    [idpId, assertionId, notOnOrAfter],
  );
  return rows.length === 1;
}

export async function anyAssertionSeen(tx: Tx, idpId: string, assertionIds: readonly string[]): Promise<boolean> {
  if (!assertionIds.length) return false;
  const { rows } = await sql(tx, `SELECT 1 FROM saml_assertions_seen WHERE idp_id = $1 AND assertion_id = ANY($2::text[]) LIMIT 1`, [
    idpId,
    assertionIds,
  ]);
  return rows.length > 0;
}
