import client from 'prom-client';
import type { DataSource } from 'typeorm';
import { inTransaction } from '../../../src/platform/db/transaction';
import { createSmtpTransport, type MailTransport } from '../../../src/platform/mail';
import { createOutboxRelay, enqueueMessage, InvalidMessageError, type NewMessage, type OutboxRelay } from '../../../src/platform/outbox';
import { capturingLogger } from '../../support/app';
import { openTestDataSource, truncateAll } from '../../support/db';
import { startTestSmtpServer, type TestSmtpServer } from '../../support/smtp';

// The outbox (src/platform/outbox) on a real PostgreSQL, delivering to a real SMTP server
// (smtp-server, in process). No HTTP surface: the callers are use cases, in their transactions.

const FROM = 'CDOP test <cdop@service.example>';
let ds: DataSource;
let ds2: DataSource;
let smtp: TestSmtpServer;
const relays: OutboxRelay[] = [];
const { log, lines } = capturingLogger('debug');

function message(n: number, extra: Partial<NewMessage> = {}): NewMessage {
  return {
    kind: 'test.reminder',
    to: `person${n}@agency-${n % 3}.example`,
    subject: `Reference TEST-2027-${String(n).padStart(4, '0')}: a form is due`,
    text: `Please open https://cdop.example/requests/${n} and sign in.`,
    ...extra,
  };
}

function relay(options: Partial<Parameters<typeof createOutboxRelay>[0]> = {}): OutboxRelay {
  const r = createOutboxRelay({
    dataSource: ds,
    transport: createSmtpTransport(smtp.settings),
    from: FROM,
    log,
    pollIntervalMs: 50,
    retry: { baseMs: 400, maxMs: 2_000 },
    ...options,
  });
  relays.push(r);
  return r;
}

async function rows(): Promise<
  { id: string; status: string; attempts: number; last_error_code: string | null; next_attempt_at: Date; finished_at: Date | null }[]
> {
  return ds.query(
    `SELECT id, status, attempts, last_error_code, next_attempt_at, finished_at FROM outbox_messages ORDER BY created_at, id`,
  );
}

beforeAll(async () => {
  ds = await openTestDataSource();
  ds2 = await openTestDataSource();
  smtp = await startTestSmtpServer();
});

beforeEach(async () => {
  await truncateAll(ds);
  smtp.received.length = 0;
  smtp.offered = 0;
  smtp.refuse = undefined;
  lines.length = 0;
});

afterEach(async () => {
  for (const r of relays.splice(0)) await r.stop();
});

afterAll(async () => {
  await smtp?.close();
  await ds2?.destroy();
  await ds?.destroy();
});

describe('enqueueMessage', () => {
  it('when the transaction commits, then the message is pending; when it rolls back, then there is no message', async () => {
    await inTransaction(ds, (tx) => enqueueMessage(tx, message(1)));
    await expect(
      inTransaction(ds, async (tx) => {
        await enqueueMessage(tx, message(2));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const stored = await rows();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ status: 'pending', attempts: 0, last_error_code: null, finished_at: null });
    expect(await relay().runOnce()).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(smtp.received.map((m) => m.to)).toEqual([['person1@agency-1.example']]);
  });

  it('when the same dedupe key is enqueued twice (a job run again), then one message is stored and sent once', async () => {
    const first = await inTransaction(ds, (tx) => enqueueMessage(tx, message(1, { dedupeKey: 'request-1:reminder:2027-01-06' })));
    const again = await inTransaction(ds, (tx) => enqueueMessage(tx, message(1, { dedupeKey: 'request-1:reminder:2027-01-06' })));
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    await relay().runOnce();
    // Even after it was sent, the key still holds.
    const third = await inTransaction(ds, (tx) => enqueueMessage(tx, message(1, { dedupeKey: 'request-1:reminder:2027-01-06' })));
    expect(third).toEqual({ id: first.id, created: false });
    await relay().runOnce();
    expect(smtp.received).toHaveLength(1);
  });

  it('when a message is malformed (header injection, two addresses, no kind), then it is refused naming the field and nothing is stored', async () => {
    const bad: [Partial<NewMessage>, keyof NewMessage][] = [
      [{ subject: 'Hello\r\nBcc: someone@else.example' }, 'subject'],
      [{ to: 'a@b.example, c@d.example' }, 'to'],
      [{ to: 'Name <a@b.example>' }, 'to'],
      [{ kind: 'Reminder!' }, 'kind'],
      [{ text: '' }, 'text'],
      [{ text: 'x'.repeat(20_001) }, 'text'],
      [{ dedupeKey: '' }, 'dedupeKey'],
    ];
    for (const [change, field] of bad) {
      const err = await inTransaction(ds, (tx) => enqueueMessage(tx, message(1, change))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidMessageError);
      expect((err as InvalidMessageError).field).toBe(field);
    }
    expect(await rows()).toHaveLength(0);
  });
});

describe('the relay', () => {
  it('when a message is committed while no relay runs (the process died before sending), then a relay started later delivers it, with its Message-ID and Auto-Submitted', async () => {
    const { id } = await inTransaction(ds, (tx) => enqueueMessage(tx, message(7)));
    // Nothing sends it while no relay runs.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.offered).toBe(0);

    relay().start();
    const [mail] = await smtp.waitFor(1);
    expect(mail).toMatchObject({
      from: 'cdop@service.example',
      to: ['person7@agency-1.example'],
      messageId: `<${id}@service.example>`,
      subject: 'Reference TEST-2027-0007: a form is due',
      autoSubmitted: 'auto-generated',
    });
    expect(mail!.raw).toContain('https://cdop.example/requests/7');
    await waitUntil(async () => (await rows())[0]?.status === 'sent');
    expect((await rows())[0]).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('when two relays (two instances, two pools) run at once over the same outbox, then every message arrives exactly once', async () => {
    const count = 60;
    await inTransaction(ds, async (tx) => {
      for (let i = 0; i < count; i++) await enqueueMessage(tx, message(i));
    });
    const sentBy = { a: 0, b: 0 };
    const counting = (name: keyof typeof sentBy): MailTransport => {
      const inner = createSmtpTransport(smtp.settings);
      return { name: 'smtp', close: () => undefined, send: (m) => inner.send(m).then(() => void sentBy[name]++) };
    };
    const a = relay({ batchSize: 5, transport: counting('a') });
    const b = relay({ dataSource: ds2, batchSize: 5, transport: counting('b') });
    a.start();
    b.start();
    await smtp.waitFor(count, 30_000);
    // A little longer: a duplicate would show up now.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ids = smtp.received.map((m) => m.messageId);
    expect(ids).toHaveLength(count);
    expect(new Set(ids).size).toBe(count);
    const stored = await rows();
    expect(stored.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    // Both really worked the same outbox at the same time.
    expect(sentBy.a + sentBy.b).toBe(count);
    expect(sentBy.a).toBeGreaterThan(0);
    expect(sentBy.b).toBeGreaterThan(0);
  });

  it('when the SMTP server refuses for a while (451), then the message is retried after a growing wait and delivered, with the attempts and the last code kept', async () => {
    smtp.refuse = (attempt) => (attempt <= 2 ? 451 : undefined);
    await inTransaction(ds, (tx) => enqueueMessage(tx, message(1)));
    const r = relay();

    expect(await r.runOnce()).toEqual({ sent: 0, retried: 1, dead: 0 });
    const [afterFirst] = await rows();
    expect(afterFirst).toMatchObject({ status: 'pending', attempts: 1, last_error_code: 'EMESSAGE:451' });
    // Not due again yet: the next round sends nothing.
    expect(await r.runOnce()).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(smtp.offered).toBe(1);

    await waitUntilDue();
    expect(await r.runOnce()).toEqual({ sent: 0, retried: 1, dead: 0 });
    const [afterSecond] = await rows();
    // The second wait is about twice the first (400 ms, then 800 ms, less up to 20 % jitter).
    const firstWait = afterFirst!.next_attempt_at.getTime();
    expect(afterSecond!.next_attempt_at.getTime() - firstWait).toBeGreaterThanOrEqual(600);

    await waitUntilDue();
    expect(await r.runOnce()).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(smtp.received).toHaveLength(1);
    expect((await rows())[0]).toMatchObject({ status: 'sent', attempts: 3, last_error_code: 'EMESSAGE:451' });
  });

  it('when every attempt is refused, then the message is dead after the last allowed attempt and never tried again', async () => {
    smtp.refuse = () => 451;
    await inTransaction(ds, (tx) => enqueueMessage(tx, message(1)));
    const r = relay({ maxAttempts: 3, retry: { baseMs: 50, maxMs: 50 } });
    for (let i = 0; i < 3; i++) {
      await waitUntilDue();
      await r.runOnce();
    }
    expect((await rows())[0]).toMatchObject({ status: 'dead', attempts: 3, last_error_code: 'EMESSAGE:451' });
    expect((await rows())[0]!.finished_at).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await r.runOnce()).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(smtp.offered).toBe(3);
    expect(lines.some((l) => l.includes('mail given up'))).toBe(true);
  });

  it('when the server refuses for good (550), then the message is dead at once', async () => {
    smtp.refuse = () => 550;
    await inTransaction(ds, (tx) => enqueueMessage(tx, message(1)));
    expect(await relay().runOnce()).toEqual({ sent: 0, retried: 0, dead: 1 });
    expect((await rows())[0]).toMatchObject({ status: 'dead', attempts: 1, last_error_code: 'EMESSAGE:550' });
  });

  it('when the SMTP server cannot be reached, then the attempt fails with a connection code and the message waits', async () => {
    await inTransaction(ds, (tx) => enqueueMessage(tx, message(1)));
    const closedPort = { ...smtp.settings, port: 1 };
    expect(await relay({ transport: createSmtpTransport(closedPort) }).runOnce()).toEqual({ sent: 0, retried: 1, dead: 0 });
    expect((await rows())[0]).toMatchObject({ status: 'pending', attempts: 1, last_error_code: 'ESOCKET' });
  });

  it('when the relay dies after the SMTP server accepted a message but before recording it, then the message is sent again once, with the same Message-ID (the documented at-least-once case)', async () => {
    const { id } = await inTransaction(ds, (tx) => enqueueMessage(tx, message(1)));
    const smtpTransport = createSmtpTransport(smtp.settings);
    // Accepted by the server, then the relay's database session dies, as when the process is killed.
    const dying: MailTransport = {
      name: 'smtp',
      close: () => undefined,
      async send(mail) {
        await smtpTransport.send(mail);
        await ds2.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND state = 'idle in transaction' AND pid <> pg_backend_pid()`,
        );
      },
    };
    await expect(relay({ transport: dying }).runOnce()).rejects.toThrow();
    expect(smtp.received).toHaveLength(1);
    expect((await rows())[0]).toMatchObject({ status: 'pending', attempts: 0 });

    await relay().runOnce();
    expect(smtp.received.map((m) => m.messageId)).toEqual([`<${id}@service.example>`, `<${id}@service.example>`]);
    expect((await rows())[0]).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('when messages are sent, retried and given up, then the counters say so, labelled by kind and code only', async () => {
    const registry = new client.Registry();
    smtp.refuse = (attempt) => (attempt === 1 ? 451 : attempt === 2 ? 550 : undefined);
    await inTransaction(ds, async (tx) => {
      for (let i = 0; i < 3; i++) await enqueueMessage(tx, message(i));
    });
    await relay({ registry, retry: { baseMs: 60_000, maxMs: 60_000 } }).runOnce();
    const text = await registry.metrics();
    expect(text).toContain('outbox_messages_sent_total{kind="test.reminder"} 1');
    expect(text).toContain('outbox_send_failures_total{kind="test.reminder",code="EMESSAGE:451"} 1');
    expect(text).toContain('outbox_send_failures_total{kind="test.reminder",code="EMESSAGE:550"} 1');
    expect(text).toContain('outbox_messages_dead_total{kind="test.reminder"} 1');
    expect(text).toContain('outbox_messages_pending 1');
  });

  it('when the relay sends, retries and gives up, then the log names ids, kinds and codes, never an address, a subject or a body', async () => {
    smtp.refuse = (attempt) => (attempt === 1 ? 451 : attempt === 2 ? 550 : undefined);
    await inTransaction(ds, async (tx) => {
      for (let i = 0; i < 3; i++) await enqueueMessage(tx, message(i));
    });
    await relay().runOnce();
    const logged = lines.join('\n');
    expect(logged).toContain('mail not sent: will retry');
    expect(logged).toContain('mail given up');
    expect(logged).toContain('mail sent');
    expect(logged).not.toMatch(/person\d|agency-\d|TEST-2027|cdop\.example\/requests/);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits until every pending message's next attempt is due (by the database's clock). */
async function waitUntilDue(): Promise<void> {
  await waitUntil(async () => {
    const [row]: { waiting: number }[] = await ds.query(
      `SELECT count(*)::int AS waiting FROM outbox_messages WHERE status = 'pending' AND next_attempt_at > now()`,
    );
    return row!.waiting === 0;
  });
}
