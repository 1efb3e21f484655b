import type { DataSource } from 'typeorm';
import type { Principal } from '../access/principal';
import { sql } from '../platform/db/sql';
import { inTransaction, onBeforeCommit, type Tx } from '../platform/db/transaction';
import { currentContext } from '../platform/http/request-context';
import type { AuditActor, AuditEntry } from './audit.types';

export function actorOf(principal: Principal | undefined): AuditActor {
  if (!principal) return { type: 'anonymous', id: null, idpId: null };
  return { type: principal.kind, id: principal.id, idpId: principal.idpId ?? null };
}

/** An event with its actor and request id resolved when it was recorded. */
interface PendingEvent {
  actor: AuditActor;
  entry: AuditEntry;
  requestId: string | null;
}

const pending = new WeakMap<Tx, PendingEvent[]>();

/**
 * Records audit events inside the caller's transaction, so the event and the
 * change it describes commit (or roll back) together. Events are gathered and
 * written in one INSERT just before the transaction commits (or earlier, at
 * `flushAudit`), so a command's events cost one statement however many there
 * are. Only INSERTs: the hash chain is linked afterwards by the sealer, so
 * concurrent writers never queue behind one lock.
 */
export async function audit(tx: Tx, ...entries: AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  const ctx = currentContext();
  const fallback = actorOf(ctx?.principal as Principal | undefined);
  const events = entries.map((entry) => ({ entry, actor: entry.actor ?? fallback, requestId: ctx?.requestId ?? null }));
  const queue = pending.get(tx) ?? [];
  queue.push(...events);
  pending.set(tx, queue);
  // Outside inTransaction nothing would flush them at commit: write them now.
  if (!onBeforeCommit(tx, 'audit', flushAudit)) await flushAudit(tx);
}

/**
 * Writes the events gathered so far in this transaction now. A command calls
 * it before taking a lock it wants to hold briefly (a panel's reference
 * counter), so the write does not happen while the lock is held.
 */
export async function flushAudit(tx: Tx): Promise<void> {
  const events = pending.get(tx);
  pending.delete(tx);
  if (!events?.length) return;
  const column = <T>(f: (e: PendingEvent) => T) => events.map(f);
  await sql(
    tx,
    `INSERT INTO audit_events (actor_type, actor_id, idp_id, action, resource_type, resource_id, outcome, reason, purpose, details, request_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                          $10::jsonb[], $11::text[])`,
    [
      column((e) => e.actor.type),
      column((e) => e.actor.id),
      column((e) => e.actor.idpId),
      column((e) => e.entry.action),
      column((e) => e.entry.resourceType ?? null),
      column((e) => e.entry.resourceId ?? null),
      column((e) => e.entry.outcome ?? 'success'),
      column((e) => e.entry.reason?.slice(0, 200) ?? null),
      column((e) => e.entry.purpose?.slice(0, 200) ?? null),
      column((e) => (e.entry.details ? JSON.stringify(e.entry.details) : null)),
      column((e) => e.requestId),
    ],
  );
}

/** For events with no surrounding command (a refused login, a failed token request): their own transaction. */
export function auditStandalone(ds: DataSource, ...entries: AuditEntry[]): Promise<void> {
  return inTransaction(ds, (tx) => audit(tx, ...entries));
}
