import { In } from 'typeorm';
import type { Tx } from '../../platform/db/transaction';
import { toPage, type Page } from '../../platform/http/pagination';
import type { LocalAuthority, Panel, PanelCreate, PanelUpdate } from './directory.types';
import { PanelLocalAuthorityEntity } from './entities/panel-local-authority.entity';
import { PanelEntity } from './entities/panel.entity';

/** Panels and the local authorities each covers: plain CRUD through TypeORM. */

function toPanel(r: PanelEntity, las: readonly PanelLocalAuthorityEntity[]): Panel {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    localAuthorities: las.filter((la) => la.panel_id === r.id).map((la) => ({ code: la.la_code, name: la.name })),
    contactEmail: r.contact_email,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    version: r.version,
  };
}

/** The local authorities of these panels, in each panel's order. */
function localAuthoritiesOf(tx: Tx, panelIds: readonly string[]): Promise<PanelLocalAuthorityEntity[]> {
  if (!panelIds.length) return Promise.resolve([]);
  return tx.find(PanelLocalAuthorityEntity, { where: { panel_id: In([...panelIds]) }, order: { position: 'ASC' } });
}

export async function findPanel(tx: Tx, id: string): Promise<Panel | undefined> {
  const row = await tx.findOneBy(PanelEntity, { id });
  return row ? toPanel(row, await localAuthoritiesOf(tx, [row.id])) : undefined;
}

export async function listPanels(tx: Tx, q: { after?: (string | number)[]; limit: number }): Promise<Page<Panel>> {
  const qb = tx
    .createQueryBuilder(PanelEntity, 'p')
    .orderBy('p.name')
    .addOrderBy('p.id')
    .limit(q.limit + 1);
  if (q.after) qb.where('(p.name, p.id) > (:name, :id::uuid)', { name: q.after[0], id: q.after[1] });
  const rows = await qb.getMany();
  const las = await localAuthoritiesOf(
    tx,
    rows.slice(0, q.limit).map((r) => r.id),
  );
  return toPage(
    rows,
    q.limit,
    (r) => [r.name, r.id],
    (r) => toPanel(r, las),
  );
}

export async function insertPanel(tx: Tx, input: PanelCreate): Promise<string> {
  const result = await tx.insert(PanelEntity, { code: input.code, name: input.name, contact_email: input.contactEmail ?? null });
  const id = (result.identifiers[0] as { id: string }).id;
  await replaceLocalAuthorities(tx, id, input.localAuthorities);
  return id;
}

/** Applies the patch if the version still matches; returns false when no row matched. */
export async function updatePanel(tx: Tx, id: string, expectedVersion: number, patch: PanelUpdate): Promise<boolean> {
  const result = await tx
    .createQueryBuilder()
    .update(PanelEntity)
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...('contactEmail' in patch ? { contact_email: patch.contactEmail ?? null } : {}),
      updated_at: () => 'now()',
      version: () => 'version + 1',
    })
    .where('id = :id AND version = :version', { id, version: expectedVersion })
    .execute();
  const updated = (result.affected ?? 0) > 0;
  if (updated && patch.localAuthorities) await replaceLocalAuthorities(tx, id, patch.localAuthorities);
  return updated;
}

export async function deletePanel(tx: Tx, id: string, expectedVersion: number): Promise<boolean> {
  const result = await tx.delete(PanelEntity, { id, version: expectedVersion });
  return (result.affected ?? 0) > 0;
}

async function replaceLocalAuthorities(tx: Tx, panelId: string, las: readonly LocalAuthority[]): Promise<void> {
  await tx.delete(PanelLocalAuthorityEntity, { panel_id: panelId });
  if (!las.length) return;
  await tx.insert(
    PanelLocalAuthorityEntity,
    las.map((la, position) => ({ la_code: la.code, panel_id: panelId, name: la.name, position })),
  );
}
