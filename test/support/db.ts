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

/** Empties every table but the migrations log, between tests. */
export async function truncateAll(ds: DataSource): Promise<void> {
  const rows: { tablename: string }[] = await ds.query(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`,
  );
  if (!rows.length) return;
  // The audit tables refuse TRUNCATE by trigger; tests (as superuser) switch triggers off for this one statement.
  await ds.transaction(async (tx) => {
    await tx.query(`SET LOCAL session_replication_role = replica`);
    await tx.query(`TRUNCATE ${rows.map((r) => `"${r.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
  });
}
