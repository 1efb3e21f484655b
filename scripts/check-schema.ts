/**
 * npm run check:schema: builds a fresh database from the migrations and fails
 * when the TypeORM entities (src/entities.ts) describe its tables differently
 * (src/platform/db/schema-check.ts says what is compared).
 *
 * Uses a throwaway embedded PostgreSQL, or, with TEST_DATABASE_URL, a
 * temporary database on that server (created and dropped).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { ENTITIES, UNMAPPED_COLUMNS } from '../src/entities';
import { createDataSource } from '../src/platform/db/data-source';
import { startEmbeddedPostgres } from '../src/platform/db/embedded-postgres';
import { runMigrations } from '../src/platform/db/migrate';
import { compareEntitiesWithDatabase } from '../src/platform/db/schema-check';
import { createLogger } from '../src/platform/logger';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function withFreshDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const log = createLogger('error');
  const server = process.env.TEST_DATABASE_URL;
  if (server) {
    const name = `cdop_schema_check_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(server);
      url.pathname = `/${name}`;
      return await work(url.toString());
    } finally {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdop-schema-check-'));
  fs.chmodSync(dir, 0o755); // the postgres OS user must traverse it when run as root
  const embedded = await startEmbeddedPostgres({
    dir: path.join(dir, 'data'),
    port: await freePort(),
    database: 'schema_check',
    log,
    ephemeral: true,
  });
  try {
    return await work(embedded.url);
  } finally {
    await embedded.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  // The throwaway server stopping under an idle pool connection is expected here, not worth a warning.
  const log = createLogger('error');
  const differences = await withFreshDatabase(async (url) => {
    const ds = createDataSource({ url, poolMax: 2, connectTimeoutMs: 10_000, statementTimeoutMs: 60_000, log, entities: ENTITIES });
    await ds.initialize();
    try {
      await runMigrations(ds, log);
      return await compareEntitiesWithDatabase(ds, { unmapped: UNMAPPED_COLUMNS });
    } finally {
      await ds.destroy();
    }
  });
  if (!differences.length) {
    process.stdout.write(`check:schema: ${ENTITIES.length} entities match the migrated schema\n`);
    return;
  }
  process.stderr.write('check:schema: the entities and the migrations disagree:\n');
  for (const d of differences) process.stderr.write(`  ${d.table}${d.column ? `.${d.column}` : ''}: ${d.problem}\n`);
  process.stderr.write('Change the schema with a new migration and the entity with it (docs/architecture.md).\n');
  process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`check:schema failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
