import net from 'node:net';
import pg from 'pg';
import { listen, type Listener } from '../../../src/platform/db/listener';
import { capturingLogger } from '../../support/app';
import { workerDatabaseUrl } from '../../support/db';

// listen(): a dedicated LISTEN connection that survives losing its backend,
// tells its user about every start and loss (onReset), and never crashes the
// process or keeps it waiting.

const CHANNEL = 'listener_test';
const APP = 'listener-test';

let db: pg.Client;
const open: Listener[] = [];

beforeAll(async () => {
  db = new pg.Client({ connectionString: workerDatabaseUrl() });
  await db.connect();
});
afterAll(async () => {
  await Promise.all(open.map((l) => l.close()));
  await db.end();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean | Promise<boolean>, limitMs = 5000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() >= deadline) throw new Error(`condition not met within ${limitMs} ms`);
    await sleep(10);
  }
}

function start(over: { connection?: pg.ClientConfig; retryMinMs?: number; heartbeatMs?: number; heartbeatTimeoutMs?: number } = {}) {
  const { log, lines } = capturingLogger();
  const messages: string[] = [];
  const resets: boolean[] = [];
  const listener = listen({
    connection: over.connection ?? { connectionString: workerDatabaseUrl(), application_name: APP },
    channel: CHANNEL,
    onMessage: (p) => messages.push(p),
    onReset: (listening) => resets.push(listening),
    log,
    retryMinMs: over.retryMinMs ?? 50,
    retryMaxMs: 200,
    ...(over.heartbeatMs ? { heartbeatMs: over.heartbeatMs, heartbeatTimeoutMs: over.heartbeatTimeoutMs } : {}),
  });
  open.push(listener);
  return { listener, messages, resets, lines };
}

describe('listen', () => {
  it('when a change is committed, then its payload arrives after onReset(true); an uncommitted one never does', async () => {
    const { listener, messages, resets } = start();
    await until(() => listener.listening);
    expect(resets).toEqual([true]);

    await db.query('BEGIN');
    await db.query(`SELECT pg_notify($1, 'rolled back')`, [CHANNEL]);
    await db.query('ROLLBACK');
    await db.query(`SELECT pg_notify($1, 'committed')`, [CHANNEL]);
    await until(() => messages.length > 0);
    await sleep(50);
    expect(messages).toEqual(['committed']);

    await listener.close();
    expect(resets).toEqual([true, false]);
    expect(listener.listening).toBe(false);
  });

  it('when its backend is terminated, then onReset(false), a reconnection with onReset(true), and messages flow again', async () => {
    const { listener, messages, resets, lines } = start();
    await until(() => listener.listening);
    const { rows } = await db.query(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
      [`${APP}:listen:${CHANNEL}`],
    );
    expect(rows).toEqual([{ ok: true }]);
    await until(() => resets.length >= 3);
    expect(resets).toEqual([true, false, true]);
    expect(listener.listening).toBe(true);

    await db.query(`SELECT pg_notify($1, 'after reconnect')`, [CHANNEL]);
    await until(() => messages.includes('after reconnect'));
    const warning = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'listener connection failed or lost; reconnecting');
    expect(warning).toMatchObject({ level: 'warn', channel: CHANNEL, attempts: 1, err: { code: '57P01' } });
    await listener.close();
  });

  it('when the connection goes silent (half-open: nothing comes back), then the heartbeat notices, resets and reconnects', async () => {
    // A TCP relay to the database that can stop relaying, as a dead network path would.
    const target = new URL(workerDatabaseUrl());
    const relays: { down: net.Socket; up: net.Socket }[] = [];
    const relay = net.createServer((down) => {
      const up = net.connect(Number(target.port), target.hostname);
      down.pipe(up).on('error', () => undefined);
      up.pipe(down).on('error', () => undefined);
      relays.push({ down, up });
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', () => resolve()));
    const via = new URL(target);
    via.port = String((relay.address() as net.AddressInfo).port);
    try {
      const { listener, resets } = start({ connection: { connectionString: via.toString() }, heartbeatMs: 100, heartbeatTimeoutMs: 200 });
      await until(() => listener.listening);
      expect(relays).toHaveLength(1);
      relays[0]!.up.unpipe(relays[0]!.down);
      await until(() => resets.length >= 3);
      expect(resets).toEqual([true, false, true]);
      expect(relays.length).toBeGreaterThanOrEqual(2);
      await listener.close();
    } finally {
      for (const { down, up } of relays) {
        down.destroy();
        up.destroy();
      }
      await new Promise((resolve) => relay.close(resolve));
    }
  });

  it('when the database cannot be reached, then it keeps retrying without throwing, and close() stops it at once', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const { listener, resets, lines } = start({ connection: { host: '127.0.0.1', port, user: 'nobody', database: 'none' } });
    await until(() => lines.length >= 1);
    await sleep(300);
    expect(listener.listening).toBe(false);
    expect(resets).toEqual([]);
    const started = Date.now();
    await listener.close();
    expect(Date.now() - started).toBeLessThan(500);
    // (The error itself comes from Node's own realm, which jest's sandbox does not recognise as an Error.)
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'warn',
      channel: CHANNEL,
      attempts: 1,
      msg: 'listener connection failed or lost; reconnecting',
    });
  });
});
