import type { DataSource } from 'typeorm';
import { audit } from '../../audit';
import { endSessionsOfUser } from '../../auth/sessions';
import { PG_FOREIGN_KEY_VIOLATION, pgErrorOf } from '../../platform/db/sql';
import { inTransaction } from '../../platform/db/transaction';
import { explainMissedVersionedWrite } from '../../platform/db/versioned';
import type { Page } from '../../platform/http/pagination';
import { badRequest, notFound } from '../../platform/http/problem';
import { activeAgencyIdByOdsCode, unknownPanelIds } from '../directory';
import * as users from './users.repository';
import type { User, UserUpdate } from './users.repository';

export interface UsersService {
  list(q: Parameters<typeof users.listUsers>[1]): Promise<Page<User>>;
  get(id: string): Promise<User>;
  update(id: string, version: number, patch: UserUpdate): Promise<User>;
}

export function createUsersService(ds: DataSource): UsersService {
  return {
    list: (q) =>
      inTransaction(ds, async (tx) => {
        const page = await users.listUsers(tx, q);
        await audit(tx, { action: 'users.list', resourceType: 'user', details: { returned: page.items.length } });
        return page;
      }),
    get: (id) =>
      inTransaction(ds, async (tx) => {
        const user = await users.findUser(tx, id);
        if (!user) throw notFound('The user');
        await audit(tx, { action: 'users.read', resourceType: 'user', resourceId: id });
        return user;
      }),
    update: async (id, version, patch) => {
      try {
        return await inTransaction(ds, async (tx) => {
          const missing = await unknownPanelIds(tx, patch.panelIds ?? []);
          if (missing.length) {
            throw badRequest(
              'Unknown panel.',
              missing.map(() => ({ field: 'body.panelIds', message: 'no such panel' })),
              'USER.UNKNOWN_PANEL',
            );
          }
          const { agencyOdsCode, ...rest } = patch;
          if (agencyOdsCode !== undefined && 'agencyId' in patch) {
            throw badRequest('Name the agency once.', [
              { field: 'body.agencyOdsCode', message: 'give agencyId or agencyOdsCode, not both', code: 'one_of' },
            ]);
          }
          const byOds = agencyOdsCode === undefined ? undefined : await activeAgencyIdByOdsCode(tx, agencyOdsCode);
          if (byOds === null) {
            throw badRequest('Unknown agency.', [{ field: 'body.agencyOdsCode', message: 'no such agency' }], 'USER.UNKNOWN_AGENCY');
          }
          const change = byOds === undefined ? rest : { ...rest, agencyId: byOds };
          const updated =
            (await users.updateUser(tx, id, version, change)) ?? (await explainMissedVersionedWrite(tx, 'users', id, 'The user'));
          const sessionsEnded = updated.disabled ? await endSessionsOfUser(tx, id) : 0;
          await audit(tx, {
            action: 'users.update',
            resourceType: 'user',
            resourceId: id,
            details: { fields: Object.keys(patch).sort(), disabled: updated.disabled, sessionsEnded },
          });
          return updated;
        });
      } catch (err) {
        if (pgErrorOf(err)?.code === PG_FOREIGN_KEY_VIOLATION) {
          throw badRequest('Unknown agency.', [{ field: 'body.agencyId', message: 'no such agency' }], 'USER.UNKNOWN_AGENCY');
        }
        throw err;
      }
    },
  };
}
