import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { tryLock } from '../db/advisory-locks';
import type { Tx } from '../db/transaction';
import { AppError, badRequest, conflict } from '../http/problem';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

/**
 * Exactly-once commands with an Idempotency-Key, held in PostgreSQL so it
 * works across restarts and instances. A command calls `beginIdempotent` first
 * in its transaction and `completeIdempotent` last:
 *
 * - begin takes a transaction-scoped advisory lock on (scope, key) without
 *   waiting: if another transaction holds it, the first request is still in
 *   flight (409). Then, in a statement of its own (so its snapshot is taken
 *   after the lock, and sees a first request that has just committed), it reads
 *   the stored response: the same request is answered with it again, another
 *   request with this key is refused (422);
 * - complete stores the response under the unique (scope, key) in the same
 *   transaction, so it exists if and only if the command committed; a failed
 *   or crashed request leaves the key free for the client's retry.
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

/**
 * The key as stored: its SHA-256. A key is the caller's free choice and could
 * carry anything (a name, an NHS number); only its digest is kept.
 */
function storedKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * First statement(s) of an idempotent command. Returns the stored response to
 * send again, or undefined to go ahead; throws when the key is in use.
 */
export async function beginIdempotent<B>(tx: Tx, req: IdempotentRequest): Promise<IdempotentOutcome<B> | undefined> {
  const key = storedKey(req.key);
  if (!(await tryLock(tx, `idempotency:${req.scope}:${key}`))) {
    throw conflict('IDEMPOTENCY.IN_FLIGHT', 'A request with this Idempotency-Key is still being processed; retry shortly.');
  }
  const stored = await tx.findOne(IdempotencyKeyEntity, { where: { scope: req.scope, key } });
  if (!stored) return undefined;
  if (stored.request_hash !== req.fingerprint) {
    throw new AppError({
      status: 422,
      code: 'IDEMPOTENCY.KEY_REUSED',
      title: 'Idempotency-Key reused',
      detail: 'This Idempotency-Key was already used with a different request. Use a new key for a new request.',
    });
  }
  return { status: stored.response_status, body: stored.response_body as B, replayed: true };
}

/** Last statement of an idempotent command: stores its response with the key, in the command's transaction. */
export async function completeIdempotent<B extends object>(
  tx: Tx,
  req: IdempotentRequest,
  response: StoredResponse<B>,
): Promise<IdempotentOutcome<B>> {
  await tx.insert(IdempotencyKeyEntity, {
    scope: req.scope,
    key: storedKey(req.key),
    request_hash: req.fingerprint,
    response_status: response.status,
    response_body: response.body,
  });
  return { ...response, replayed: false };
}

/** Housekeeping: keys are kept at least `retentionHours` (24 h minimum by contract). */
export async function purgeIdempotencyKeys(ds: DataSource, retentionHours: number): Promise<number> {
  const result = await ds
    .createQueryBuilder()
    .delete()
    .from(IdempotencyKeyEntity)
    .where('created_at < now() - make_interval(hours => :hours)', { hours: Math.max(24, retentionHours) })
    .execute();
  return result.affected ?? 0;
}

/**
 * Agency systems retry on timeouts, so each of their commands that creates
 * something must carry an Idempotency-Key (400 IDEMPOTENCY.KEY_REQUIRED
 * otherwise); people may send one. `what` names the command in the message
 * ("notification", "submission").
 */
export function requireKeyFromSystems(caller: { kind: 'user' | 'client' }, idempotencyKey: string | undefined, what: string): void {
  if (caller.kind === 'client' && !idempotencyKey) {
    throw badRequest(
      `Agency systems must send an Idempotency-Key with each ${what}.`,
      [{ field: 'headers.idempotency-key', message: 'is required for agency systems', code: 'required' }],
      'IDEMPOTENCY.KEY_REQUIRED',
    );
  }
}
