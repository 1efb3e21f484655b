import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { sql } from '../platform/db/sql';
import { inTransaction, type Tx } from '../platform/db/transaction';

/**
 * The hash chain over the audit trail.
 *
 * Writers only INSERT into audit_events (inside their own transactions, with
 * no shared lock). The sealer then links finished rows into audit_chain:
 * link n stores hash_n = SHA-256(hash_{n-1} || canonical(event)). It takes
 * only rows whose writing transaction is older than the oldest transaction
 * still running (pg_snapshot_xmin), so a row from a transaction in flight is
 * never skipped: it is sealed on a later pass. Every pass seals *all* rows
 * between the previous watermark and the new one, so any unsealed row below
 * the last watermark was inserted behind the sealer's back.
 */

const SEALER_LOCK_KEY = '7246031590114';
const GENESIS: Buffer = Buffer.alloc(32);

// The canonical text of an event, produced by PostgreSQL so the sealer and
// the verifier read exactly the same bytes (microsecond timestamps included).
const CANONICAL = `json_build_array(e.id, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), e.tx_id::text,
  e.actor_type, e.actor_id, e.idp_id, e.action, e.resource_type, e.resource_id, e.outcome, e.reason, e.request_id, e.purpose, e.details)::text`;

function linkHash(prev: Buffer, canonical: string): Buffer {
  return createHash('sha256').update(prev).update(canonical, 'utf8').digest();
}

interface Tip {
  seq: number;
  hash: Buffer;
  watermark: string | null;
}

async function tip(tx: Tx): Promise<Tip> {
  const { rows } = await sql<{ seq: string; hash: Buffer; watermark: string }>(
    tx,
    `SELECT seq, hash, watermark::text AS watermark FROM audit_chain ORDER BY seq DESC LIMIT 1`,
  );
  const r = rows[0];
  return r ? { seq: Number(r.seq), hash: r.hash, watermark: r.watermark } : { seq: 0, hash: GENESIS, watermark: null };
}

/** Seals every finished, unsealed event. Returns how many were linked (0 when another instance holds the sealer lock). */
export async function sealPending(ds: DataSource, batchSize = 5000): Promise<number> {
  return inTransaction(ds, async (tx) => {
    const { rows: lock } = await sql<{ ok: boolean }>(tx, `SELECT pg_try_advisory_xact_lock(${SEALER_LOCK_KEY}) AS ok`);
    if (!lock[0]?.ok) return 0;
    const last = await tip(tx);
    // One statement, one snapshot: the watermark and the rows below it agree.
    const { rows } = await sql<{ id: string; canonical: string; watermark: string }>(
      tx,
      `SELECT e.id, ${CANONICAL} AS canonical, pg_snapshot_xmin(pg_current_snapshot())::text AS watermark
         FROM audit_events e
        WHERE e.tx_id < pg_snapshot_xmin(pg_current_snapshot())
          AND ($1::xid8 IS NULL OR e.tx_id >= $1::xid8)
          AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)
        ORDER BY e.id`,
      [last.watermark],
    );
    if (!rows.length) return 0;
    const watermark = rows[0]!.watermark;
    let prev: Buffer = last.hash;
    let seq = last.seq;
    const seqs: number[] = [];
    const ids: string[] = [];
    const prevs: Buffer[] = [];
    const hashes: Buffer[] = [];
    for (const r of rows) {
      const hash = linkHash(prev, r.canonical);
      seqs.push(++seq);
      ids.push(r.id);
      prevs.push(prev);
      hashes.push(hash);
      prev = hash;
    }
    // Insert in slices to keep statements bounded; all in this one transaction.
    for (let i = 0; i < rows.length; i += batchSize) {
      await sql(
        tx,
        `INSERT INTO audit_chain (seq, event_id, prev_hash, hash, watermark)
         SELECT s, e, p, h, $5::xid8 FROM unnest($1::bigint[], $2::bigint[], $3::bytea[], $4::bytea[]) AS t(s, e, p, h)`,
        [
          seqs.slice(i, i + batchSize),
          ids.slice(i, i + batchSize),
          prevs.slice(i, i + batchSize),
          hashes.slice(i, i + batchSize),
          watermark,
        ],
      );
    }
    return rows.length;
  });
}

type VerifyResult =
  | { ok: true; sealed: number; unsealed: number }
  | { ok: false; sealed: number; unsealed: number; brokenAt: { seq: number | null; eventId: string | null; problem: string } };

/**
 * Walks the chain from the start and recomputes every link. Reports the first
 * broken link: an edited event (hash mismatch), a deleted event or link (gap
 * or missing event), an inserted link (prev_hash mismatch), or an event that
 * appeared below the sealed watermark without being sealed.
 */
export async function verifyChain(ds: DataSource, pageSize = 5000): Promise<VerifyResult> {
  return inTransaction(ds, async (tx) => {
    await sql(tx, 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    let expectedSeq = 1;
    let prev: Buffer = GENESIS;
    let sealed = 0;
    for (;;) {
      const { rows } = await sql<{ seq: string; event_id: string; prev_hash: Buffer; hash: Buffer; canonical: string | null }>(
        tx,
        `SELECT c.seq, c.event_id, c.prev_hash, c.hash, CASE WHEN e.id IS NULL THEN NULL ELSE ${CANONICAL} END AS canonical
           FROM audit_chain c LEFT JOIN audit_events e ON e.id = c.event_id
          WHERE c.seq >= $1 ORDER BY c.seq LIMIT $2`,
        [expectedSeq, pageSize],
      );
      for (const r of rows) {
        const seq = Number(r.seq);
        const broken = (problem: string) => ({ ok: false as const, brokenAt: { seq, eventId: r.event_id, problem } });
        let fault: ReturnType<typeof broken> | undefined;
        if (seq !== expectedSeq) fault = broken(`link ${expectedSeq} is missing`);
        else if (!r.prev_hash.equals(prev)) fault = broken('link does not follow the previous one');
        else if (r.canonical === null) fault = broken('sealed event is missing');
        else if (!linkHash(prev, r.canonical).equals(r.hash)) {
          fault = broken('sealed event was altered');
        }
        if (fault) {
          const unsealed = await countUnsealed(tx);
          return { ...fault, sealed, unsealed: unsealed.total };
        }
        prev = r.hash;
        expectedSeq++;
        sealed++;
      }
      if (rows.length < pageSize) break;
    }
    const unsealed = await countUnsealed(tx);
    if (unsealed.behindWatermark) {
      return {
        ok: false,
        sealed,
        unsealed: unsealed.total,
        brokenAt: { seq: null, eventId: unsealed.firstBehind, problem: 'event inserted behind the sealed part of the chain' },
      };
    }
    return { ok: true, sealed, unsealed: unsealed.total };
  });
}

async function countUnsealed(tx: Tx): Promise<{ total: number; behindWatermark: number; firstBehind: string | null }> {
  const { rows } = await sql<{ total: number; behind: number; first_behind: string | null }>(
    tx,
    `WITH wm AS (SELECT watermark FROM audit_chain ORDER BY seq DESC LIMIT 1),
          u AS (SELECT e.id, e.tx_id FROM audit_events e WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id))
     SELECT count(*)::int AS total,
            count(*) FILTER (WHERE u.tx_id < (SELECT watermark FROM wm) OR u.tx_id > pg_current_xact_id())::int AS behind,
            min(u.id) FILTER (WHERE u.tx_id < (SELECT watermark FROM wm) OR u.tx_id > pg_current_xact_id())::text AS first_behind
       FROM u`,
  );
  const r = rows[0]!;
  return { total: r.total, behindWatermark: r.behind, firstBehind: r.first_behind };
}
