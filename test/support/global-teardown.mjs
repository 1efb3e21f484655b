import fs from 'node:fs';
import pg from 'pg';

export default async function globalTeardown() {
  const dbs = globalThis.__CDOP_TEST_DBS__;
  const embedded = globalThis.__CDOP_EMBEDDED_PG__;
  if (embedded) {
    await embedded.server.stop();
    fs.rmSync(embedded.dir, { recursive: true, force: true });
    return;
  }
  if (!dbs) return;
  // A shared server (TEST_DATABASE_URL): drop this run's databases.
  const client = new pg.Client({ connectionString: dbs.baseUrl });
  await client.connect();
  try {
    for (let i = 1; i <= dbs.workers; i++) await client.query(`DROP DATABASE IF EXISTS ${dbs.prefix}_${i} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
