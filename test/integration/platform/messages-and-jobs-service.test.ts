import http from 'node:http';
import pg from 'pg';
import { inTransaction } from '../../../src/platform/db/transaction';
import { JOBS_SCHEMA } from '../../../src/platform/jobs';
import { enqueueMessage } from '../../../src/platform/outbox';
import { startService, type RunningService } from '../../../src/server';
import { capturingLogger, testConfig } from '../../support/app';
import { truncateAll, workerDatabaseUrl } from '../../support/db';
import { testAuthenticator } from '../../support/principals';
import { startTestSmtpServer, type TestSmtpServer } from '../../support/smtp';

// The whole service with mail and the job queue on (MAIL_ENABLED, JOBS_ENABLED; both off by default in
// tests): the relay delivers over SMTP, pg-boss starts in its own schema, the platform's daily job runs
// on the scheduler's explicit clock, and shutdown stops jobs and mail before the pool.

let smtp: TestSmtpServer;
let service: RunningService | undefined;
const { log, lines } = capturingLogger('info');

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  service = await startService(
    testConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      MAIL_ENABLED: 'true',
      JOBS_ENABLED: 'true',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.settings.port),
      MAIL_FROM: 'CDOP <cdop@service.example>',
      MAIL_POLL_INTERVAL_MS: '100',
    }),
    log,
    { auth: [{ authenticators: [testAuthenticator] }] },
  );
  await truncateAll(service.database.dataSource);
});

afterAll(async () => {
  await service?.shutdown('test cleanup').catch(() => undefined);
  await smtp?.close();
});

describe('the service with mail and jobs on', () => {
  it('when a transaction enqueues a message, then the running relay delivers it over SMTP and /metrics counts it', async () => {
    const ds = service!.database.dataSource;
    const { id } = await inTransaction(ds, (tx) =>
      enqueueMessage(tx, { kind: 'test.notice', to: 'someone@agency.example', subject: 'TEST-2027-0001', text: 'https://cdop.example/x' }),
    );
    const [mail] = await smtp.waitFor(1);
    expect(mail!.messageId).toBe(`<${id}@service.example>`);
    expect(lines.some((l) => l.includes('"transport":"smtp"'))).toBe(true);
    const metrics = await get(`${service!.url}/metrics`);
    expect(metrics).toContain('outbox_messages_sent_total{kind="test.notice"} 1');
  });

  it('when the job queue started, then pg-boss has its schema and the platform registered its daily job', async () => {
    const ds = service!.database.dataSource;
    const [{ exists }] = await ds.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [`${JOBS_SCHEMA}.job`]);
    expect(exists).toBe(true);
    expect(service!.scheduler.jobs).toContain('outbox-purge');
  });

  it('when the daily outbox purge runs (on an explicit clock), then mail finished more than MAIL_RETENTION_DAYS ago is deleted and the rest kept', async () => {
    const ds = service!.database.dataSource;
    await ds.query(`DELETE FROM outbox_messages`);
    const ids = await inTransaction(ds, async (tx) => {
      const out: string[] = [];
      for (let i = 0; i < 3; i++) {
        out.push((await enqueueMessage(tx, { kind: 'test.notice', to: `p${i}@agency.example`, subject: 'S', text: 'T' })).id);
      }
      return out;
    });
    await smtp.waitFor(4);
    await waitFor(async () => (await ds.query(`SELECT count(*)::int AS n FROM outbox_messages WHERE status = 'sent'`))[0].n === 3);
    await ds.query(`UPDATE outbox_messages SET finished_at = now() - interval '31 days' WHERE id = ANY($1::uuid[])`, [ids.slice(0, 2)]);
    const outcomes = await service!.scheduler.runDueWork(new Date('2027-01-04T03:30:00Z'));
    expect(outcomes).toContainEqual({ job: 'outbox-purge', slot: new Date('2027-01-04T03:30:00Z'), outcome: 'ran' });
    const left: { id: string }[] = await ds.query(`SELECT id FROM outbox_messages`);
    expect(left.map((r) => r.id)).toEqual([ids[2]]);
  });

  it('when the service shuts down, then the job queue and the relay stop before the pool closes, and pg-boss leaves no connection', async () => {
    const s = service!;
    service = undefined;
    const probe = await startTestProbe();
    expect(await probe.jobConnections()).toBeGreaterThan(0);
    await s.shutdown('test');
    expect(lines.some((l) => l.includes('job queue stopped'))).toBe(true);
    expect(lines.findIndex((l) => l.includes('job queue stopped'))).toBeLessThan(lines.findIndex((l) => l.includes('shutdown complete')));
    // pg-boss has ended its clients; a server backend leaves pg_stat_activity a moment after its client
    // hangs up (the exit is asynchronous on a loaded machine), so wait for it, briefly.
    await waitFor(async () => (await probe.jobConnections()) === 0, 5_000).catch(() => undefined);
    expect(await probe.jobConnections()).toBe(0);
    await probe.close();
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A connection of the test's own, to look at the database after the service has closed its pools. */
async function startTestProbe(): Promise<{ jobConnections(): Promise<number>; close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: workerDatabaseUrl() });
  await client.connect();
  return {
    async jobConnections() {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cdop-api:jobs'`,
      );
      return rows[0]!.n;
    },
    close: () => client.end(),
  };
}
