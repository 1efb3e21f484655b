import type { DataSource } from 'typeorm';
import type { Principal } from '../access/principal';
import { sql } from '../platform/db/sql';
import { inTransaction, type Tx } from '../platform/db/transaction';
import { currentContext } from '../platform/http/request-context';
import type { AuditActor, AuditEntry } from './audit.types';

export function actorOf(principal: Principal | undefined): AuditActor {
  if (!principal) return { type: 'anonymous', id: null, idpId: null };
  return { type: principal.kind, id: principal.id, idpId: principal.idpId ?? null };
}

/**
 * Records audit events inside the caller's transaction, so the event and the
 * change it describes commit (or roll back) together. Only INSERTs: the
 * hash chain is linked afterwards by the sealer, so concurrent writers never
 * queue behind one lock.
 */
export async function audit(tx: Tx, ...entries: AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  const ctx = currentContext();
  const fallback = actorOf(ctx?.principal as Principal | undefined);
  const cols = {
    actorType: [] as string[],
    actorId: [] as (string | null)[],
    idpId: [] as (string | null)[],
    action: [] as string[],
    resourceType: [] as (string | null)[],
    resourceId: [] as (string | null)[],
    outcome: [] as string[],
    reason: [] as (string | null)[],
    purpose: [] as (string | null)[],
    details: [] as (string | null)[],
  };
  for (const e of entries) {
    const actor = e.actor ?? fallback;
    cols.actorType.push(actor.type);
    cols.actorId.push(actor.id);
    cols.idpId.push(actor.idpId);
    cols.action.push(e.action);
    cols.resourceType.push(e.resourceType ?? null);
    cols.resourceId.push(e.resourceId ?? null);
    cols.outcome.push(e.outcome ?? 'success');
    cols.reason.push(e.reason?.slice(0, 200) ?? null);
    cols.purpose.push(e.purpose?.slice(0, 200) ?? null);
    cols.details.push(e.details ? JSON.stringify(e.details) : null);
  }
  await sql(
    tx,
    `INSERT INTO audit_events (actor_type, actor_id, idp_id, action, resource_type, resource_id, outcome, reason, purpose, details, request_id)
     SELECT t.*, $11 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::jsonb[]) AS t`,
    [
      cols.actorType,
      cols.actorId,
      cols.idpId,
      cols.action,
      cols.resourceType,
      cols.resourceId,
      cols.outcome,
      cols.reason,
      cols.purpose,
      cols.details,
      ctx?.requestId ?? null,
    ],
  );
}

/** For events with no surrounding command (a refused login, a failed token request): their own transaction. */
export function auditStandalone(ds: DataSource, ...entries: AuditEntry[]): Promise<void> {
  return inTransaction(ds, (tx) => audit(tx, ...entries));
}
