import http from 'node:http';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { startService, type RunningService } from '../../../src/server';
import { capturingLogger, testConfig } from '../../support/app';
import { workerDatabaseUrl } from '../../support/db';
import { as, principal, testAuthenticator } from '../../support/principals';

// Shutdown (SIGTERM in production) stops taking connections but lets a request
// already in flight finish and commit, then closes the pool.

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Resolves with the connection error code, or 'connected' if the port still accepts. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('timeout');
    }, 2000);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(err.code ?? err.message);
    });
  });
}

const { log, lines } = capturingLogger();
let service: RunningService | undefined;
let db: pg.Client | undefined;
let inFlight: http.ClientRequest | undefined;

beforeAll(async () => {
  service = await startService(testConfig({ PORT: '0', HOST: '127.0.0.1', SHUTDOWN_TIMEOUT_MS: '10000' }), log, {
    auth: [{ authenticators: [testAuthenticator] }],
  });
  db = new pg.Client({ connectionString: workerDatabaseUrl() });
  await db.connect();
});

afterAll(async () => {
  inFlight?.destroy();
  await service?.shutdown('test cleanup').catch(() => undefined);
  await db?.end().catch(() => undefined);
});

describe('graceful shutdown', () => {
  it('when shutdown starts while a request body is still arriving, then new connections are refused, the request completes with 201 and its row is committed', async () => {
    const svc = service!;
    expect(svc.database.embedded).toBe(false);
    const { port } = svc.server.address() as net.AddressInfo;
    const name = `Shutdown test agency ${randomUUID()}`;
    const body = Buffer.from(JSON.stringify({ name, type: 'police' }));
    const cut = Math.floor(body.length / 2);

    // A raw request: headers and half the body go out now, the rest after shutdown has begun.
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v1/agencies',
      agent: false,
      headers: {
        ...as(principal('cdop_coordinator')),
        'Content-Type': 'application/json',
        'Content-Length': String(body.length),
      },
    });
    inFlight = req;
    const response = new Promise<RawResponse>((resolve, reject) => {
      req.once('error', reject);
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('error', reject);
        res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      });
    });
    const connected = new Promise<void>((resolve) => req.once('socket', (s: net.Socket) => s.once('connect', () => resolve())));
    req.flushHeaders();
    req.write(body.subarray(0, cut));
    await connected;
    // Let the server parse the headers and start reading the body, so the request is truly in flight.
    await new Promise((r) => setTimeout(r, 100));

    let shutdownDone = false;
    const stopping = svc.shutdown('test').then(() => {
      shutdownDone = true;
    });

    // The listening socket is closed at once: a new connection is refused.
    expect(await tryConnect(port)).toBe('ECONNREFUSED');
    // Shutdown is waiting for the in-flight request, and the pool is still open for it.
    expect(shutdownDone).toBe(false);
    expect(svc.database.dataSource.isInitialized).toBe(true);

    req.end(body.subarray(cut));
    const res = await response;
    expect(res.status).toBe(201);
    const created = JSON.parse(res.body) as { id: string; name: string };
    expect(created.name).toBe(name);
    expect(res.headers.location).toBe(`/v1/agencies/${created.id}`);

    const started = Date.now();
    await stopping;
    // Finished because the last request did, not because the shutdown timeout forced it.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(lines.some((l) => /shutdown timeout/.test(l))).toBe(false);
    expect(lines.some((l) => /shutdown complete/.test(l))).toBe(true);
    expect(svc.database.dataSource.isInitialized).toBe(false);

    // The row was committed, and the shared database is still up (no embedded server was stopped).
    const { rows } = await db!.query('SELECT id, name, type FROM agencies WHERE id = $1', [created.id]);
    expect(rows).toEqual([{ id: created.id, name, type: 'police' }]);
  });
});
