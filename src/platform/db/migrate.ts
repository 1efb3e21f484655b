import type { DataSource } from 'typeorm';
import type { Logger } from '../logger';

// Any fixed 64-bit key; only instances of this service take it.
const MIGRATION_LOCK_KEY = 7_246_031_590_112n;

/**
 * Applies pending migrations, one transaction for the lot, while holding a
 * session advisory lock so several instances starting together take turns.
 */
export async function runMigrations(ds: DataSource, log: Logger): Promise<string[]> {
  const lock = ds.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    const applied = await ds.runMigrations({ transaction: 'all' });
    const names = applied.map((m) => m.name);
    if (names.length) log.info({ migrations: names }, 'migrations applied');
    return names;
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]).catch(() => undefined);
    await lock.release();
  }
}
