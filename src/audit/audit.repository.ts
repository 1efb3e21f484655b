import { sql } from '../platform/db/sql';
import type { Tx } from '../platform/db/transaction';
import { toPage, type Page } from '../platform/http/pagination';
import type { components } from '../generated/openapi';

type AuditEvent = components['schemas']['AuditEvent'];

export interface AuditQuery {
  actorId?: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  outcome?: string;
  from?: string;
  to?: string;
  before?: number;
  limit: number;
}

interface Row {
  id: string;
  occurred_at: Date;
  actor_type: AuditEvent['actorType'];
  actor_id: string | null;
  idp_id: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  outcome: AuditEvent['outcome'];
  reason: string | null;
  request_id: string | null;
  purpose: string | null;
  details: Record<string, unknown> | null;
  sealed: boolean;
}

/** Newest first; the cursor is the id of the last event on the page. */
export async function listAuditEvents(tx: Tx, q: AuditQuery): Promise<Page<AuditEvent>> {
  const params: unknown[] = [q.limit + 1];
  const where: string[] = [];
  const eq = (col: string, v: unknown) => v !== undefined && where.push(`${col} = $${params.push(v)}`);
  eq('e.actor_id', q.actorId);
  eq('e.action', q.action);
  eq('e.resource_type', q.resourceType);
  eq('e.resource_id', q.resourceId);
  eq('e.outcome', q.outcome);
  if (q.from) where.push(`e.occurred_at >= $${params.push(q.from)}`);
  if (q.to) where.push(`e.occurred_at < $${params.push(q.to)}`);
  if (q.before !== undefined) where.push(`e.id < $${params.push(q.before)}`);
  const { rows } = await sql<Row>(
    tx,
    `SELECT e.id, e.occurred_at, e.actor_type, e.actor_id, e.idp_id, e.action, e.resource_type, e.resource_id, e.outcome,
            e.reason, e.request_id, e.purpose, e.details, EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id) AS sealed
       FROM audit_events e ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY e.id DESC LIMIT $1`,
    params,
  );
  return toPage(
    rows,
    q.limit,
    (r) => [Number(r.id)],
    (r) => ({
      id: Number(r.id),
      occurredAt: r.occurred_at.toISOString(),
      actorType: r.actor_type,
      actorId: r.actor_id,
      idpId: r.idp_id,
      action: r.action,
      resourceType: r.resource_type,
      resourceId: r.resource_id,
      outcome: r.outcome,
      reason: r.reason,
      requestId: r.request_id,
      purpose: r.purpose,
      details: r.details,
      sealed: r.sealed,
    }),
  );
}
