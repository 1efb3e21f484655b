import { sql } from '../../platform/db/sql';
import type { Tx } from '../../platform/db/transaction';

/**
 * What other modules ask the directory inside their own transaction. Reads
 * only: panels and agencies are written through the directory's own use cases.
 */
export interface PanelRef {
  id: string;
  /** Prefixes case references (WOR-2026-0042). */
  code: string;
}

export async function findPanelRef(tx: Tx, panelId: string): Promise<PanelRef | undefined> {
  const { rows } = await sql<PanelRef>(tx, 'SELECT id, code FROM panels WHERE id = $1', [panelId]);
  return rows[0];
}

/**
 * In one statement: the panel covering a local authority (or null: no panel
 * covers it yet), and which of the agency ids name no agency.
 */
export async function resolveRouting(
  tx: Tx,
  q: { localAuthorityCode: string; agencyIds: readonly string[] },
): Promise<{ panel: PanelRef | null; unknownAgencyIds: string[] }> {
  const { rows } = await sql<{ panel: PanelRef | null; unknown_agency_ids: string[] }>(
    tx,
    `SELECT (SELECT json_build_object('id', p.id, 'code', p.code)
               FROM panel_local_authorities la JOIN panels p ON p.id = la.panel_id WHERE la.la_code = $1) AS panel,
            ARRAY(SELECT t.id FROM unnest($2::uuid[]) AS t(id) WHERE NOT EXISTS (SELECT 1 FROM agencies a WHERE a.id = t.id))::text[]
              AS unknown_agency_ids`,
    [q.localAuthorityCode, [...new Set(q.agencyIds)]],
  );
  const r = rows[0]!;
  return { panel: r.panel, unknownAgencyIds: r.unknown_agency_ids };
}

/** Which of these panel ids name no panel. */
export async function unknownPanelIds(tx: Tx, ids: readonly string[]): Promise<string[]> {
  if (!ids.length) return [];
  const { rows } = await sql<{ id: string }>(
    tx,
    'SELECT t.id FROM unnest($1::uuid[]) AS t(id) WHERE NOT EXISTS (SELECT 1 FROM panels p WHERE p.id = t.id)',
    [[...ids]],
  );
  return rows.map((r) => r.id);
}
