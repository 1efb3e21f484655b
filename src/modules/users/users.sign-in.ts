import { sql } from '../../platform/db/sql';
import type { Tx } from '../../platform/db/transaction';
import { UserEntity } from './entities/user.entity';

/**
 * What single sign-on (src/auth/saml) does to the `users` table, which this
 * module owns: a person is keyed by the identity provider that vouches for
 * them and their NameID there, and what the IdP asserts is refreshed at every
 * sign-in. Called inside the sign-in's transaction.
 */

/** What a sign-in knows of the person. */
export interface SignedInPerson {
  displayName: string | null;
  email: string | null;
  roles: string[];
  panelIds: string[];
  agencyId: string | null;
}

type SignInUser = SignedInPerson & { id: string; disabledAt: Date | null };

function toSignInUser(r: UserEntity): SignInUser {
  return {
    id: r.id,
    displayName: r.display_name,
    email: r.email,
    roles: r.roles,
    panelIds: r.panel_ids,
    agencyId: r.agency_id,
    disabledAt: r.disabled_at,
  };
}

/** The person, row-locked until the sign-in commits. */
export async function findUserForSignIn(tx: Tx, idpId: string, nameId: string): Promise<SignInUser | undefined> {
  const row = await tx
    .createQueryBuilder(UserEntity, 'u')
    .where('u.idp_id = :idpId AND u.name_id = :nameId', { idpId, nameId })
    .setLock('pessimistic_write')
    .getOne();
  return row ? toSignInUser(row) : undefined;
}

/** A first sign-in. Undefined when a concurrent first sign-in of the same person inserted them first. */
export async function createUserFromSignIn(tx: Tx, idpId: string, nameId: string, f: SignedInPerson): Promise<string | undefined> {
  const result = await tx
    .createQueryBuilder()
    .insert()
    .into(UserEntity)
    .values({
      idp_id: idpId,
      name_id: nameId,
      display_name: f.displayName,
      email: f.email,
      roles: f.roles as UserEntity['roles'],
      panel_ids: f.panelIds,
      agency_id: f.agencyId,
      last_login_at: () => 'now()',
    })
    .orIgnore()
    .returning(['id'])
    .execute();
  return (result.raw as Pick<UserEntity, 'id'>[])[0]?.id;
}

/** Refreshes what the IdP asserts; the version (and so the ETag) moves only when something changed. */
export async function refreshUserFromSignIn(tx: Tx, id: string, f: SignedInPerson, changed: boolean): Promise<void> {
  await tx
    .createQueryBuilder()
    .update(UserEntity)
    .set(
      changed
        ? {
            display_name: f.displayName,
            email: f.email,
            roles: f.roles as UserEntity['roles'],
            panel_ids: f.panelIds,
            agency_id: f.agencyId,
            last_login_at: () => 'now()',
            updated_at: () => 'now()',
            version: () => 'version + 1',
          }
        : { last_login_at: () => 'now()' },
    )
    .where('id = :id', { id })
    .execute();
}

/** A person the IdP no longer gives any role keeps none here either (their open sessions lose every permission). */
export async function clearUserRoles(tx: Tx, idpId: string, nameId: string): Promise<string | undefined> {
  const { rows } = await sql<Pick<UserEntity, 'id'>>(
    tx,
    `UPDATE users SET roles = '{}', updated_at = now(), version = version + 1
      WHERE idp_id = $1 AND name_id = $2 AND roles <> '{}' RETURNING id`,
    [idpId, nameId],
  );
  if (rows[0]) return rows[0].id;
  return (await tx.findOneBy(UserEntity, { idp_id: idpId, name_id: nameId }))?.id;
}
