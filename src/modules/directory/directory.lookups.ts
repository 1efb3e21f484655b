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

/** An agency named in a request: by its id in this service, or by its ODS code. */
export type AgencyRef = { id: string } | { odsCode: string };

/**
 * In one statement: the panel covering a local authority (null: no panel
 * covers it yet), and the agency each reference names (null where none does),
 * in the order given.
 */
export async function resolveRouting(
  tx: Tx,
  q: { localAuthorityCode: string; agencies: readonly AgencyRef[] },
): Promise<{ panel: PanelRef | null; agencyIds: (string | null)[] }> {
  const ids = q.agencies.map((a) => ('id' in a ? a.id : null));
  const odsCodes = q.agencies.map((a) => ('odsCode' in a ? a.odsCode : null));
  const { rows } = await sql<{ panel: PanelRef | null; agency_ids: (string | null)[] }>(
    tx,
    `SELECT (SELECT json_build_object('id', p.id, 'code', p.code)
               FROM panel_local_authorities la JOIN panels p ON p.id = la.panel_id WHERE la.la_code = $1) AS panel,
            ARRAY(SELECT (SELECT a.id FROM agencies a WHERE a.id = r.id OR a.ods_code = r.ods)
                    FROM unnest($2::uuid[], $3::text[]) WITH ORDINALITY AS r(id, ods, i) ORDER BY r.i)::text[] AS agency_ids`,
    [q.localAuthorityCode, ids, odsCodes],
  );
  const r = rows[0]!;
  return { panel: r.panel, agencyIds: r.agency_ids };
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

/** The ids of the panels with these codes, in code order (unknown codes are skipped). */
export async function panelIdsByCode(tx: Tx, codes: readonly string[]): Promise<string[]> {
  if (!codes.length) return [];
  const { rows } = await sql<{ id: string }>(tx, 'SELECT id FROM panels WHERE code = ANY($1::text[]) ORDER BY code', [[...codes]]);
  return rows.map((r) => r.id);
}

/** The active agency with this ODS code, if any. */
export async function activeAgencyIdByOdsCode(tx: Tx, odsCode: string): Promise<string | null> {
  const { rows } = await sql<{ id: string }>(tx, 'SELECT id FROM agencies WHERE ods_code = $1 AND active', [odsCode]);
  return rows[0]?.id ?? null;
}

/** The active agency a reference names (by id or ODS code), if any. */
export async function resolveActiveAgency(tx: Tx, ref: AgencyRef): Promise<string | null> {
  const { rows } = await sql<{ id: string }>(
    tx,
    'id' in ref ? 'SELECT id FROM agencies WHERE id = $1 AND active' : 'SELECT id FROM agencies WHERE ods_code = $1 AND active',
    ['id' in ref ? ref.id : ref.odsCode],
  );
  return rows[0]?.id ?? null;
}
