import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AppError, conflict } from '../http/problem';
import { sql } from '../db/sql';
import { inTransaction, type Tx } from '../db/transaction';

/**
 * Exactly-once commands with an Idempotency-Key, held in PostgreSQL so it
 * works across restarts and instances.
 *
 * 1. Claim the key with an INSERT (autocommitted): the unique (scope, key)
 *    makes exactly one request the owner.
 * 2. The owner runs the command and stores its response in the same
 *    transaction, so the response exists if and only if the command committed.
 * 3. If the command fails, the claim is released so the client may retry.
 * Others with the same key get: the stored response (same body), 422 (a
 * different body), or 409 (the first is still running).
 */
export interface IdempotentRequest {
  /** Whose key space: a client or user id. Keys never collide across callers. */
  scope: string;
  key: string;
  /** Canonical fingerprint of the request (method, route, body). */
  fingerprint: string;
}

export interface StoredResponse<B> {
  status: number;
  body: B;
}

export type IdempotentOutcome<B> = StoredResponse<B> & { replayed: boolean };

/** A claim older than this is taken to belong to a crashed process and may be taken over. */
const STALE_CLAIM_SECONDS = 120;

export function fingerprint(method: string, route: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${route}\n`).update(canonicalJson(body)).digest('hex');
}

/** JSON with object keys sorted, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export async function runIdempotent<B>(
  ds: DataSource,
  req: IdempotentRequest,
  command: (tx: Tx) => Promise<StoredResponse<B>>,
): Promise<IdempotentOutcome<B>> {
  const claimed = await claim(ds, req);
  if (!claimed) return existing<B>(ds, req);
  try {
    const response = await inTransaction(ds, async (tx) => {
      const r = await command(tx);
      await sql(
        tx,
        `UPDATE idempotency_keys SET status = 'completed', response_status = $3, response_body = $4, completed_at = now()
          WHERE scope = $1 AND key = $2`,
        [req.scope, req.key, r.status, JSON.stringify(r.body)],
      );
      return r;
    });
    return { ...response, replayed: false };
  } catch (err) {
    await ds.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status = 'in_flight'`, [req.scope, req.key]).catch(() => undefined);
    throw err;
  }
}

async function claim(ds: DataSource, req: IdempotentRequest): Promise<boolean> {
  const rows: unknown[] = await ds.query(
    `INSERT INTO idempotency_keys (scope, key, request_hash, status) VALUES ($1, $2, $3, 'in_flight')
     ON CONFLICT (scope, key) DO UPDATE SET created_at = now()
       WHERE idempotency_keys.status = 'in_flight' AND idempotency_keys.request_hash = EXCLUDED.request_hash
         AND idempotency_keys.created_at < now() - make_interval(secs => ${STALE_CLAIM_SECONDS})
     RETURNING 1`,
    [req.scope, req.key, req.fingerprint],
  );
  return rows.length === 1;
}

async function existing<B>(ds: DataSource, req: IdempotentRequest): Promise<IdempotentOutcome<B>> {
  const rows: { request_hash: string; status: string; response_status: number | null; response_body: B | null }[] = await ds.query(
    `SELECT request_hash, status, response_status, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2`,
    [req.scope, req.key],
  );
  const row = rows[0];
  if (!row) {
    // Released between our INSERT and SELECT (the first request failed): the client may simply retry.
    throw conflict('IDEMPOTENCY.RETRY', 'A request with this Idempotency-Key just failed; retry it.');
  }
  if (row.request_hash !== req.fingerprint) {
    throw new AppError({
      status: 422,
      code: 'IDEMPOTENCY.KEY_REUSED',
      title: 'Idempotency-Key reused',
      detail: 'This Idempotency-Key was already used with a different request. Use a new key for a new request.',
    });
  }
  if (row.status !== 'completed' || row.response_status === null) {
    throw conflict('IDEMPOTENCY.IN_FLIGHT', 'A request with this Idempotency-Key is still being processed; retry shortly.');
  }
  return { status: row.response_status, body: row.response_body as B, replayed: true };
}

/** Housekeeping: keys are kept at least `retentionHours` (24 h minimum by contract). */
export async function purgeIdempotencyKeys(ds: DataSource, retentionHours: number): Promise<number> {
  const rows: { n: number }[] = await ds.query(
    `WITH gone AS (DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1) RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [Math.max(24, retentionHours)],
  );
  return rows[0]?.n ?? 0;
}
