import net from 'node:net';
import pg from 'pg';
import { startService } from '../../../src/server';
import { capturingLogger, testConfig } from '../../support/app';
import { workerDatabaseUrl } from '../../support/db';

// When start-up fails part-way (here: the port is taken), everything already
// started is stopped again: no listener keeps reconnecting, no pool stays open.

async function connectionsOfThisDatabase(db: pg.Client): Promise<string[]> {
  const { rows } = await db.query<{ application_name: string }>(
    `SELECT application_name FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  return rows.map((r) => r.application_name);
}

it('when the port is taken, then start-up fails and leaves no database connection or listener behind', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as net.AddressInfo;
  const db = new pg.Client({ connectionString: workerDatabaseUrl() });
  await db.connect();
  try {
    const before = await connectionsOfThisDatabase(db);
    const { log } = capturingLogger();
    await expect(startService(testConfig({ PORT: String(port), HOST: '127.0.0.1' }), log)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    // Anything left running would (re)connect within a second (the listener retries from 250 ms);
    // backends leave pg_stat_activity a moment after their client disconnects.
    await new Promise((r) => setTimeout(r, 1_500));
    const deadline = Date.now() + 5_000;
    let after = await connectionsOfThisDatabase(db);
    while (after.length > before.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      after = await connectionsOfThisDatabase(db);
    }
    expect(after).toEqual(before);
  } finally {
    await db.end();
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  }
});
