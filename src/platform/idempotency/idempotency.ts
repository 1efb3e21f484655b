import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AppError, conflict } from '../http/problem';

/**
 * Exactly-once commands with an Idempotency-Key, held in PostgreSQL so it
 * works across restarts and instances.
 *
 * The protocol is two SQL functions (migration IntakeInOneStatement):
 * `idempotency_begin(scope, key, hash)` as the command transaction's first
 * statement and `idempotency_complete(scope, key, hash, status, body)` as its
 * last. Begin takes a transaction-scoped advisory lock on the key without
 * waiting (held: the first request is still in flight) and reads the stored
 * response; complete stores the response under the unique (scope, key) in the
 * same transaction, so it exists if and only if the command committed, and a
 * failed or crashed request leaves the key free for the client's retry.
 * A command that is one statement (the notification intake) calls both from
 * inside its own server-side function.
 *
 * This module holds what every such command shares: the request fingerprint
 * and the meaning of begin's answer.
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

/** What idempotency_begin answers when the command must not run. */
export type IdempotencyAnswer = { result: 'in_flight' } | { result: 'key_reused' } | { result: 'replay'; status: number; body: unknown };

export function fingerprint(method: string, route: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${route}\n`).update(canonicalJson(body)).digest('hex');
}

/** A piece of output text on canonicalJson's work stack (as opposed to a value still to write). */
class Text {
  constructor(readonly text: string) {}
}

/**
 * JSON with object keys sorted, so the same content always hashes the same.
 * Iterative (an explicit stack), so no depth of input can overflow the call stack.
 */
function canonicalJson(value: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length) {
    const item = stack.pop();
    if (item instanceof Text) {
      out.push(item.text);
    } else if (Array.isArray(item)) {
      // Pushed in reverse: popped as `[`, item 0, `,`, item 1, …, `]`.
      stack.push(new Text(']'));
      for (let i = item.length - 1; i >= 0; i--) {
        stack.push(item[i]);
        if (i > 0) stack.push(new Text(','));
      }
      stack.push(new Text('['));
    } else if (item && typeof item === 'object') {
      const keys = Object.keys(item).sort();
      stack.push(new Text('}'));
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i]!;
        stack.push((item as Record<string, unknown>)[k]);
        stack.push(new Text(`${i > 0 ? ',' : ''}${JSON.stringify(k)}:`));
      }
      stack.push(new Text('{'));
    } else {
      out.push(JSON.stringify(item) ?? 'null');
    }
  }
  return out.join('');
}

/** The stored response to send again, or the problem to answer with. */
export function settleIdempotencyAnswer<B>(answer: IdempotencyAnswer): IdempotentOutcome<B> {
  switch (answer.result) {
    case 'replay':
      return { status: answer.status, body: answer.body as B, replayed: true };
    case 'key_reused':
      throw new AppError({
        status: 422,
        code: 'IDEMPOTENCY.KEY_REUSED',
        title: 'Idempotency-Key reused',
        detail: 'This Idempotency-Key was already used with a different request. Use a new key for a new request.',
      });
    case 'in_flight':
      throw conflict('IDEMPOTENCY.IN_FLIGHT', 'A request with this Idempotency-Key is still being processed; retry shortly.');
  }
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
