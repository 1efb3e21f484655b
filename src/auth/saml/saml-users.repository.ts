import { sql } from '../../platform/db/sql';
import type { Tx } from '../../platform/db/transaction';

/** People as SAML sees them: keyed by (idp_id, name_id). Plain objects out, SQL in. */

export interface SamlUserRow {
  id: string;
  displayName: string | null;
  email: string | null;
  roles: string[];
  panelIds: string[];
  agencyId: string | null;
  disabledAt: Date | null;
}

export interface SamlUserFields {
  displayName: string | null;
  email: string | null;
  roles: string[];
  panelIds: string[];
  agencyId: string | null;
}

const COLUMNS = `id, display_name AS "displayName", email, roles, panel_ids AS "panelIds", agency_id AS "agencyId", disabled_at AS "disabledAt"`;

export async function findForUpdate(tx: Tx, idpId: string, nameId: string): Promise<SamlUserRow | undefined> {
  const { rows } = await sql<SamlUserRow>(tx, `SELECT ${COLUMNS} FROM users WHERE idp_id = $1 AND name_id = $2 FOR UPDATE`, [
    idpId,
    nameId,
  ]);
  return rows[0];
}

/** Returns the new id, or undefined when a concurrent first login inserted the same person first. */
export async function insertUser(tx: Tx, idpId: string, nameId: string, f: SamlUserFields): Promise<string | undefined> {
  const { rows } = await sql<{ id: string }>(
    tx,
    `INSERT INTO users (idp_id, name_id, display_name, email, roles, panel_ids, agency_id, last_login_at)
     VALUES ($1, $2, $3, $4, $5::text[], $6::uuid[], $7, now())
     ON CONFLICT (idp_id, name_id) DO NOTHING RETURNING id`,
    [idpId, nameId, f.displayName, f.email, f.roles, f.panelIds, f.agencyId],
  );
  return rows[0]?.id;
}

/** Refreshes what the IdP asserts; the version (and so the ETag) moves only when something changed. */
export async function updateFromLogin(tx: Tx, id: string, f: SamlUserFields, changed: boolean): Promise<void> {
  await sql(
    tx,
    changed
      ? `UPDATE users SET display_name = $2, email = $3, roles = $4::text[], panel_ids = $5::uuid[], agency_id = $6,
                          last_login_at = now(), updated_at = now(), version = version + 1
          WHERE id = $1`
      : `UPDATE users SET last_login_at = now() WHERE id = $1`,
    changed ? [id, f.displayName, f.email, f.roles, f.panelIds, f.agencyId] : [id],
  );
}

/** A person the IdP no longer gives any role keeps none here either (their open sessions lose every permission). */
export async function clearRoles(tx: Tx, idpId: string, nameId: string): Promise<string | undefined> {
  const { rows } = await sql<{ id: string }>(
    tx,
    `UPDATE users SET roles = '{}', updated_at = now(), version = version + 1
      WHERE idp_id = $1 AND name_id = $2 AND roles <> '{}' RETURNING id`,
    [idpId, nameId],
  );
  if (rows[0]) return rows[0].id;
  const existing = await sql<{ id: string }>(tx, `SELECT id FROM users WHERE idp_id = $1 AND name_id = $2`, [idpId, nameId]);
  return existing.rows[0]?.id;
}

export async function panelIdsByCode(tx: Tx, codes: readonly string[]): Promise<string[]> {
  if (!codes.length) return [];
  const { rows } = await sql<{ id: string }>(tx, `SELECT id FROM panels WHERE code = ANY($1::text[]) ORDER BY code`, [codes]);
  return rows.map((r) => r.id);
}

export async function agencyIdByOdsCode(tx: Tx, odsCode: string | undefined): Promise<string | null> {
  if (!odsCode) return null;
  const { rows } = await sql<{ id: string }>(tx, `SELECT id FROM agencies WHERE ods_code = $1 AND active`, [odsCode]);
  return rows[0]?.id ?? null;
}

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
