import { sql } from '../../platform/db/sql';
import type { Tx } from '../../platform/db/transaction';
import { toPage, type Page } from '../../platform/http/pagination';
import type { components } from '../../generated/openapi';

export type User = components['schemas']['User'];
export type UserUpdate = components['schemas']['UserUpdate'];

interface UserRow {
  id: string;
  idp_id: string;
  name_id: string;
  display_name: string | null;
  email: string | null;
  roles: User['roles'];
  panel_ids: string[];
  agency_id: string | null;
  disabled_at: Date | null;
  created_at: Date;
  last_login_at: Date | null;
  version: number;
}

const COLUMNS = 'id, idp_id, name_id, display_name, email, roles, panel_ids, agency_id, disabled_at, created_at, last_login_at, version';

function toUser(r: UserRow): User {
  return {
    id: r.id,
    idpId: r.idp_id,
    nameId: r.name_id,
    displayName: r.display_name,
    email: r.email,
    roles: r.roles,
    panelIds: r.panel_ids,
    agencyId: r.agency_id,
    disabled: r.disabled_at !== null,
    createdAt: r.created_at.toISOString(),
    lastLoginAt: r.last_login_at?.toISOString() ?? null,
    version: r.version,
  };
}

export async function findUser(tx: Tx, id: string): Promise<User | undefined> {
  const { rows } = await sql<UserRow>(tx, `SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0] && toUser(rows[0]);
}

export async function listUsers(
  tx: Tx,
  q: { idpId?: string; disabled?: boolean; after?: (string | number)[]; limit: number },
): Promise<Page<User>> {
  const params: unknown[] = [q.limit + 1];
  const where: string[] = [];
  if (q.idpId) where.push(`idp_id = $${params.push(q.idpId)}`);
  if (q.disabled !== undefined) where.push(q.disabled ? 'disabled_at IS NOT NULL' : 'disabled_at IS NULL');
  if (q.after) where.push(`(idp_id, name_id) > ($${params.push(q.after[0])}, $${params.push(q.after[1])})`);
  const { rows } = await sql<UserRow>(
    tx,
    `SELECT ${COLUMNS} FROM users ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY idp_id, name_id LIMIT $1`,
    params,
  );
  return toPage(rows, q.limit, (r) => [r.idp_id, r.name_id], toUser);
}

/** Returns the updated user, or undefined when id/version did not match. */
export async function updateUser(tx: Tx, id: string, expectedVersion: number, patch: UserUpdate): Promise<User | undefined> {
  const { rows } = await sql<UserRow>(
    tx,
    `UPDATE users
        SET disabled_at = CASE WHEN $3::boolean IS NULL THEN disabled_at
                               WHEN $3 THEN COALESCE(disabled_at, now()) ELSE NULL END,
            panel_ids = COALESCE($4::uuid[], panel_ids),
            agency_id = CASE WHEN $5::boolean THEN $6::uuid ELSE agency_id END,
            updated_at = now(), version = version + 1
      WHERE id = $1 AND version = $2
      RETURNING ${COLUMNS}`,
    [id, expectedVersion, patch.disabled ?? null, patch.panelIds ?? null, 'agencyId' in patch, patch.agencyId ?? null],
  );
  return rows[0] && toUser(rows[0]);
}

/** Panel ids that do not exist, to refuse them with a clear error. */
export async function unknownPanels(tx: Tx, ids: readonly string[]): Promise<string[]> {
  if (!ids.length) return [];
  const { rows } = await sql<{ id: string }>(
    tx,
    `SELECT id FROM unnest($1::uuid[]) AS t(id) WHERE NOT EXISTS (SELECT 1 FROM panels p WHERE p.id = t.id)`,
    [ids],
  );
  return rows.map((r) => r.id);
}
