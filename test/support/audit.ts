import type { DataSource } from 'typeorm';
import { sealPending } from '../../src/audit';

/**
 * Seals until every committed audit event is linked. The sealer waits for the
 * oldest transaction running anywhere in the cluster (transaction ids are
 * cluster-wide, and other jest workers use the same server), so a single pass
 * may legitimately leave recent events for later: poll, bounded.
 */
export async function sealEverything(ds: DataSource, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await sealPending(ds);
    const [{ n }] = await ds.query(
      `SELECT count(*)::int AS n FROM audit_events e WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)`,
    );
    if (n === 0) return;
    if (Date.now() > deadline) throw new Error(`${n} audit events still unsealed after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
