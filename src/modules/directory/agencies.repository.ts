import { sql } from '../../platform/db/sql';
import type { Tx } from '../../platform/db/transaction';
import { toPage, type Page } from '../../platform/http/pagination';
import type { Agency, AgencyCreate, AgencyType, AgencyUpdate } from './directory.types';

interface AgencyRow {
  id: string;
  name: string;
  type: AgencyType;
  ods_code: string | null;
  contact_email: string | null;
  active: boolean;
  created_at: Date;
  updated_at: Date;
  version: number;
}

const COLUMNS = 'id, name, type, ods_code, contact_email, active, created_at, updated_at, version';

function toAgency(r: AgencyRow): Agency {
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
  const { rows } = await sql<AgencyRow>(tx, `SELECT ${COLUMNS} FROM agencies WHERE id = $1`, [id]);
  return rows[0] && toAgency(rows[0]);
}

export interface AgencyQuery {
  type?: AgencyType;
  odsCode?: string;
  after?: (string | number)[];
  limit: number;
}

export async function listAgencies(tx: Tx, q: AgencyQuery): Promise<Page<Agency>> {
  const params: unknown[] = [q.limit + 1];
  const where: string[] = [];
  if (q.type) where.push(`type = $${params.push(q.type)}`);
  if (q.odsCode) where.push(`ods_code = $${params.push(q.odsCode)}`);
  if (q.after) where.push(`(name, id) > ($${params.push(q.after[0])}, $${params.push(q.after[1])}::uuid)`);
  const { rows } = await sql<AgencyRow>(
    tx,
    `SELECT ${COLUMNS} FROM agencies ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY name, id LIMIT $1`,
    params,
  );
  return toPage(rows, q.limit, (r) => [r.name, r.id], toAgency);
}

export async function insertAgency(tx: Tx, input: AgencyCreate): Promise<Agency> {
  const { rows } = await sql<AgencyRow>(
    tx,
    `INSERT INTO agencies (name, type, ods_code, contact_email, active) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [input.name, input.type, input.odsCode ?? null, input.contactEmail ?? null, input.active ?? true],
  );
  return toAgency(rows[0]!);
}

export async function updateAgency(tx: Tx, id: string, expectedVersion: number, patch: AgencyUpdate): Promise<Agency | undefined> {
  const { rows } = await sql<AgencyRow>(
    tx,
    `UPDATE agencies
        SET name = COALESCE($3, name),
            type = COALESCE($4, type),
            ods_code = CASE WHEN $5::boolean THEN $6 ELSE ods_code END,
            contact_email = CASE WHEN $7::boolean THEN $8 ELSE contact_email END,
            active = COALESCE($9, active),
            updated_at = now(), version = version + 1
      WHERE id = $1 AND version = $2
      RETURNING ${COLUMNS}`,
    [
      id,
      expectedVersion,
      patch.name ?? null,
      patch.type ?? null,
      'odsCode' in patch,
      patch.odsCode ?? null,
      'contactEmail' in patch,
      patch.contactEmail ?? null,
      patch.active ?? null,
    ],
  );
  return rows[0] && toAgency(rows[0]);
}

export async function deleteAgency(tx: Tx, id: string, expectedVersion: number): Promise<boolean> {
  const { rowCount } = await sql(tx, `DELETE FROM agencies WHERE id = $1 AND version = $2`, [id, expectedVersion]);
  return rowCount > 0;
}
