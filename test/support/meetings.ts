import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { Role } from '../../src/access/roles';
import { as, principal } from './principals';

/** People of a panel, as users rows (the meetings invite them by id), and a helper to schedule a meeting. */

export interface PanelPerson {
  id: string;
  role: Role;
  headers: Record<string, string>;
}

let seq = 0;

export async function seedPerson(ds: DataSource, role: Role, panelIds: string[], displayName = `Person ${++seq}`): Promise<PanelPerson> {
  const [u] = await ds.query(
    `INSERT INTO users (idp_id, name_id, display_name, roles, panel_ids) VALUES ('dev', $1, $2, ARRAY[$3]::text[], $4::uuid[]) RETURNING id`,
    [`person-${randomUUID()}@example.nhs.uk`, displayName, role, panelIds],
  );
  return { id: u.id as string, role, headers: as(principal(role, { id: u.id as string, panelIds })) };
}

export async function scheduleMeeting(app: Express, coordinator: Record<string, string>, panelId: string, over: object = {}) {
  const res = await request(app)
    .post('/v1/panel-meetings')
    .set(coordinator)
    .send({ panelId, startsAt: '2027-01-14T14:00:00Z', location: 'Room 2, County Hall', title: 'January panel', ...over });
  if (res.status !== 201) throw new Error(`schedule: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; [k: string]: unknown };
}

export async function auditActions(ds: DataSource, resourceId: string): Promise<string[]> {
  const rows: { action: string }[] = await ds.query(
    `SELECT action FROM audit_events WHERE resource_id = $1 AND outcome = 'success' ORDER BY id`,
    [resourceId],
  );
  return rows.map((r) => r.action);
}
