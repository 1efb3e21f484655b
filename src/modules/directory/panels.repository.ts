import { sql } from '../../platform/db/sql';
import type { Tx } from '../../platform/db/transaction';
import { toPage, type Page } from '../../platform/http/pagination';
import type { LocalAuthority, Panel, PanelCreate, PanelUpdate } from './directory.types';

interface PanelRow {
  id: string;
  code: string;
  name: string;
  contact_email: string | null;
  created_at: Date;
  updated_at: Date;
  version: number;
  local_authorities: LocalAuthority[];
}

const SELECT_PANEL = `
  SELECT p.id, p.code, p.name, p.contact_email, p.created_at, p.updated_at, p.version,
         COALESCE((SELECT json_agg(json_build_object('code', la.la_code, 'name', la.name) ORDER BY la.position)
                     FROM panel_local_authorities la WHERE la.panel_id = p.id), '[]'::json) AS local_authorities
    FROM panels p`;

function toPanel(r: PanelRow): Panel {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    localAuthorities: r.local_authorities,
    contactEmail: r.contact_email,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    version: r.version,
  };
}

export async function findPanel(tx: Tx, id: string): Promise<Panel | undefined> {
  const { rows } = await sql<PanelRow>(tx, `${SELECT_PANEL} WHERE p.id = $1`, [id]);
  return rows[0] && toPanel(rows[0]);
}

export async function listPanels(tx: Tx, q: { after?: (string | number)[]; limit: number }): Promise<Page<Panel>> {
  const params: unknown[] = [q.limit + 1];
  let where = '';
  if (q.after) {
    params.push(q.after[0], q.after[1]);
    where = 'WHERE (p.name, p.id) > ($2, $3::uuid)';
  }
  const { rows } = await sql<PanelRow>(tx, `${SELECT_PANEL} ${where} ORDER BY p.name, p.id LIMIT $1`, params);
  return toPage(rows, q.limit, (r) => [r.name, r.id], toPanel);
}

export async function insertPanel(tx: Tx, input: PanelCreate): Promise<string> {
  const { rows } = await sql<{ id: string }>(tx, `INSERT INTO panels (code, name, contact_email) VALUES ($1, $2, $3) RETURNING id`, [
    input.code,
    input.name,
    input.contactEmail ?? null,
  ]);
  const id = rows[0]!.id;
  await replaceLocalAuthorities(tx, id, input.localAuthorities);
  return id;
}

/** Applies the patch if the version still matches; returns false when no row matched. */
export async function updatePanel(tx: Tx, id: string, expectedVersion: number, patch: PanelUpdate): Promise<boolean> {
  const { rowCount } = await sql(
    tx,
    `UPDATE panels
        SET name = COALESCE($3, name),
            contact_email = CASE WHEN $4::boolean THEN $5 ELSE contact_email END,
            updated_at = now(), version = version + 1
      WHERE id = $1 AND version = $2`,
    [id, expectedVersion, patch.name ?? null, 'contactEmail' in patch, patch.contactEmail ?? null],
  );
  if (rowCount && patch.localAuthorities) await replaceLocalAuthorities(tx, id, patch.localAuthorities);
  return rowCount > 0;
}

export async function deletePanel(tx: Tx, id: string, expectedVersion: number): Promise<boolean> {
  const { rowCount } = await sql(tx, `DELETE FROM panels WHERE id = $1 AND version = $2`, [id, expectedVersion]);
  return rowCount > 0;
}

async function replaceLocalAuthorities(tx: Tx, panelId: string, las: LocalAuthority[]): Promise<void> {
  await sql(tx, `DELETE FROM panel_local_authorities WHERE panel_id = $1`, [panelId]);
  await sql(
    tx,
    `INSERT INTO panel_local_authorities (la_code, panel_id, name, position)
     SELECT code, $1, name, ord - 1 FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(code, name, ord)`,
    [panelId, las.map((l) => l.code), las.map((l) => l.name)],
  );
}
