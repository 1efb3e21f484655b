import type { Tx } from '../../platform/db/transaction';
import { toPage, type Page } from '../../platform/http/pagination';
import type { Agency, AgencyCreate, AgencyType, AgencyUpdate } from './directory.types';
import { AgencyEntity } from './entities/agency.entity';

/** Agencies: plain CRUD through TypeORM, with keyset pages and optimistic versions. */

function toAgency(r: AgencyEntity): Agency {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    odsCode: r.ods_code,
    contactEmail: r.contact_email,
    active: r.active,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    version: r.version,
  };
}

export async function findAgency(tx: Tx, id: string): Promise<Agency | undefined> {
  const row = await tx.findOneBy(AgencyEntity, { id });
  return row ? toAgency(row) : undefined;
}

export interface AgencyQuery {
  type?: AgencyType;
  odsCode?: string;
  after?: (string | number)[];
  limit: number;
}

export async function listAgencies(tx: Tx, q: AgencyQuery): Promise<Page<Agency>> {
  const qb = tx
    .createQueryBuilder(AgencyEntity, 'a')
    .orderBy('a.name')
    .addOrderBy('a.id')
    .limit(q.limit + 1);
  if (q.type) qb.andWhere('a.type = :type', { type: q.type });
  if (q.odsCode) qb.andWhere('a.ods_code = :odsCode', { odsCode: q.odsCode });
  if (q.after) qb.andWhere('(a.name, a.id) > (:name, :id::uuid)', { name: q.after[0], id: q.after[1] });
  return toPage(await qb.getMany(), q.limit, (r) => [r.name, r.id], toAgency);
}

export async function insertAgency(tx: Tx, input: AgencyCreate): Promise<Agency> {
  const result = await tx
    .createQueryBuilder()
    .insert()
    .into(AgencyEntity)
    .values({
      name: input.name,
      type: input.type,
      ods_code: input.odsCode ?? null,
      contact_email: input.contactEmail ?? null,
      active: input.active ?? true,
    })
    .returning('*')
    .execute();
  return toAgency(tx.create(AgencyEntity, (result.raw as AgencyEntity[])[0]));
}

/** Applies the patch if the version still matches; undefined when no row matched. */
export async function updateAgency(tx: Tx, id: string, expectedVersion: number, patch: AgencyUpdate): Promise<Agency | undefined> {
  const result = await tx
    .createQueryBuilder()
    .update(AgencyEntity)
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.type !== undefined ? { type: patch.type } : {}),
      ...('odsCode' in patch ? { ods_code: patch.odsCode ?? null } : {}),
      ...('contactEmail' in patch ? { contact_email: patch.contactEmail ?? null } : {}),
      ...(patch.active !== undefined ? { active: patch.active } : {}),
      updated_at: () => 'now()',
      version: () => 'version + 1',
    })
    .where('id = :id AND version = :version', { id, version: expectedVersion })
    .returning('*')
    .execute();
  const row = (result.raw as AgencyEntity[])[0];
  return row ? toAgency(tx.create(AgencyEntity, row)) : undefined;
}

export async function deleteAgency(tx: Tx, id: string, expectedVersion: number): Promise<boolean> {
  const result = await tx.delete(AgencyEntity, { id, version: expectedVersion });
  return (result.affected ?? 0) > 0;
}
