import { createHash } from 'node:crypto';
import { sql } from './sql';
import type { Tx } from './transaction';

/**
 * Transaction-scoped PostgreSQL advisory locks, named by strings.
 *
 * A name becomes a 64-bit key (the first 8 bytes of its SHA-256, as a signed
 * bigint). `lockAll` takes every key in ascending order, in one statement:
 * two transactions that lock overlapping sets always meet at the first key
 * they share, so they queue instead of deadlocking. Locks are released when
 * the transaction ends.
 */
export function lockKeyOf(name: string): bigint {
  return createHash('sha256').update(name).digest().readBigInt64BE(0);
}

/** The distinct keys of `names`, ascending: the order every caller takes them in. */
export function lockOrder(names: readonly string[]): bigint[] {
  return [...new Set(names.map(lockKeyOf))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Waits for every lock, in key order. */
export async function lockAll(tx: Tx, names: readonly string[]): Promise<void> {
  const keys = lockOrder(names);
  if (!keys.length) return;
  // unnest WITH ORDINALITY yields the array in order, so the locks are taken in key order.
  await sql(tx, 'SELECT pg_advisory_xact_lock(t.k) FROM unnest($1::bigint[]) WITH ORDINALITY AS t(k, i) ORDER BY t.i', [keys.map(String)]);
}

/** Takes the lock if it is free; false, without waiting, if another transaction holds it. */
export async function tryLock(tx: Tx, name: string): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>(tx, 'SELECT pg_try_advisory_xact_lock($1::bigint) AS locked', [String(lockKeyOf(name))]);
  return rows[0]?.locked === true;
}
