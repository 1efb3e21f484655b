import type { Tx } from '../../platform/db/transaction';
import { toPage, type Page } from '../../platform/http/pagination';
import type { components } from '../../generated/openapi';
import { UserEntity } from './entities/user.entity';

/** People who sign in: plain CRUD through TypeORM, with keyset pages and optimistic versions. */

export type User = components['schemas']['User'];
export type UserUpdate = components['schemas']['UserUpdate'];

function toUser(r: UserEntity): User {
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
  const row = await tx.findOneBy(UserEntity, { id });
  return row ? toUser(row) : undefined;
}

export async function listUsers(
  tx: Tx,
  q: { idpId?: string; disabled?: boolean; after?: (string | number)[]; limit: number },
): Promise<Page<User>> {
  const qb = tx
    .createQueryBuilder(UserEntity, 'u')
    .orderBy('u.idp_id')
    .addOrderBy('u.name_id')
    .limit(q.limit + 1);
  if (q.idpId) qb.andWhere('u.idp_id = :idpId', { idpId: q.idpId });
  if (q.disabled !== undefined) qb.andWhere(q.disabled ? 'u.disabled_at IS NOT NULL' : 'u.disabled_at IS NULL');
  if (q.after) qb.andWhere('(u.idp_id, u.name_id) > (:idp, :nameId)', { idp: q.after[0], nameId: q.after[1] });
  return toPage(await qb.getMany(), q.limit, (r) => [r.idp_id, r.name_id], toUser);
}

/** Returns the updated user, or undefined when id/version did not match. */
export async function updateUser(tx: Tx, id: string, expectedVersion: number, patch: UserUpdate): Promise<User | undefined> {
  const result = await tx
    .createQueryBuilder()
    .update(UserEntity)
    .set({
      // Disabling keeps the first time it happened; enabling clears it.
      ...(patch.disabled === true ? { disabled_at: () => 'COALESCE(disabled_at, now())' } : {}),
      ...(patch.disabled === false ? { disabled_at: null } : {}),
      ...(patch.panelIds !== undefined ? { panel_ids: patch.panelIds } : {}),
      ...('agencyId' in patch ? { agency_id: patch.agencyId ?? null } : {}),
      updated_at: () => 'now()',
      version: () => 'version + 1',
    })
    .where('id = :id AND version = :version', { id, version: expectedVersion })
    .returning('*')
    .execute();
  const row = (result.raw as UserEntity[])[0];
  return row ? toUser(tx.create(UserEntity, row)) : undefined;
}

/** The e-mail addresses of the active CDOP coordinators of a panel (for the messages other modules send them). */
export async function coordinatorEmailsOfPanel(tx: Tx, panelId: string): Promise<string[]> {
  const rows = await tx
    .createQueryBuilder(UserEntity, 'u')
    .select('u.email', 'email')
    .where(`'cdop_coordinator' = ANY(u.roles)`)
    .andWhere(':panel = ANY(u.panel_ids)', { panel: panelId })
    .andWhere('u.disabled_at IS NULL')
    .andWhere('u.email IS NOT NULL')
    .orderBy('u.email')
    .getRawMany<{ email: string }>();
  return rows.map((r) => r.email);
}

/**
 * What kind of actor each user is, for an anonymised timeline (the case pack): their roles and their agency's type,
 * never a name. Users not found are left out.
 */
export async function actorKindsOf(
  tx: Tx,
  ids: readonly string[],
): Promise<Map<string, { roles: UserEntity['roles']; agencyType: string | null }>> {
  const out = new Map<string, { roles: UserEntity['roles']; agencyType: string | null }>();
  if (!ids.length) return out;
  const rows: { id: string; roles: UserEntity['roles']; agency_type: string | null }[] = await tx.query(
    `SELECT u.id, u.roles, a.type AS agency_type FROM users u LEFT JOIN agencies a ON a.id = u.agency_id WHERE u.id = ANY($1::uuid[])`,
    [[...new Set(ids)]],
  );
  for (const r of rows) out.set(r.id, { roles: r.roles, agencyType: r.agency_type });
  return out;
}
