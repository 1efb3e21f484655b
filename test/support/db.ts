import { ENTITIES } from '../../src/entities';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/platform/db/data-source';
import { runMigrations } from '../../src/platform/db/migrate';
import { createLogger } from '../../src/platform/logger';

/** This jest worker's own database on the run's PostgreSQL (see global-setup.mjs). */
export function workerDatabaseUrl(): string {
  const base = process.env.CDOP_TEST_PG_BASE;
  const prefix = process.env.CDOP_TEST_DB_PREFIX;
  if (!base || !prefix) throw new Error('test database not set up: run the tests through jest (global-setup.mjs)');
  const url = new URL(base);
  url.pathname = `/${prefix}_${process.env.JEST_WORKER_ID ?? '1'}`;
  return url.toString();
}

/** A migrated DataSource on the worker's database. */
export async function openTestDataSource(url = workerDatabaseUrl()): Promise<DataSource> {
  const log = createLogger('silent');
  const ds = createDataSource({ url, poolMax: 10, connectTimeoutMs: 5000, statementTimeoutMs: 15000, log, entities: ENTITIES });
  await ds.initialize();
  await runMigrations(ds, log);
  return ds;
}

/**
 * Empties every table but the migrations log, between tests, and restarts their sequences. With DELETE, not TRUNCATE:
 * on tables this small it takes a few milliseconds where TRUNCATE, which gives each of some 150 tables and indexes a
 * new file, took over a hundred, and the suite does it before nearly every test. Triggers (the audit tables'
 * append-only guard, the foreign keys) are off for this one transaction; tests run as a superuser.
 */
export async function truncateAll(ds: DataSource): Promise<void> {
  const rows: { tables: string[] | null; sequences: string[] | null }[] = await ds.query(
    `SELECT (SELECT array_agg(format('%I', tablename)) FROM pg_tables
              WHERE schemaname = 'public' AND tablename <> 'schema_migrations') AS tables,
            (SELECT array_agg(format('%I', sequencename)) FROM pg_sequences WHERE schemaname = 'public') AS sequences`,
  );
  const { tables, sequences } = rows[0]!;
  if (!tables) return;
  // One round trip: a parameterless query may hold several statements.
  const statements = [...tables.map((t) => `DELETE FROM ${t}`), ...(sequences ?? []).map((q) => `ALTER SEQUENCE ${q} RESTART`)];
  await ds.transaction(async (tx) => {
    await tx.query(`SET LOCAL session_replication_role = replica; ${statements.join('; ')}`);
  });
}
