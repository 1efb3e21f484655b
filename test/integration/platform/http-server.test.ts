import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { createHttpServer } from '../../../src/platform/http/http-server';
import { capturingLogger, startTestApp, type TestApp } from '../../support/app';

// Who may call: anyone. Requests Node's HTTP parser refuses before the application sees them (found by test/fuzz:
// a 131 kB query string got Node's bare 431) are answered as problem+json like every other error.

let t: TestApp;
let server: Server;
let port: number;
const { log, lines } = capturingLogger();
beforeAll(async () => {
  t = await startTestApp();
  server = createHttpServer(t.app, log);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

/** Sends raw bytes and returns the raw answer (the connection is closed by the server). */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

function parse(answer: string): { status: number; headers: Record<string, string>; body: Record<string, unknown> } {
  const [head, body] = answer.split('\r\n\r\n');
  const [statusLine, ...headerLines] = head!.split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
  );
  return { status: Number(statusLine!.split(' ')[1]), headers, body: JSON.parse(body!) as Record<string, unknown> };
}

it('when the request line is longer than the header limit, then 431 problem+json with a request id, and the URL is not logged', async () => {
  const res = parse(await raw(`GET /auth/saml/dev/slo?SAMLRequest=${'x'.repeat(20_000)}&name=Amelia HTTP/1.1\r\nHost: x\r\n\r\n`));
  expect(res.status).toBe(431);
  expect(res.headers['content-type']).toBe('application/problem+json');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.body).toMatchObject({ status: 431, code: 'REQUEST.HEADERS_TOO_LARGE', requestId: res.headers['x-request-id'] });
  expect(lines.join('\n')).not.toContain('Amelia');
});

it('when the bytes are not HTTP, then 400 problem+json', async () => {
  const res = parse(await raw('NOT HTTP AT ALL\r\n\r\n'));
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toBe('application/problem+json');
  expect(res.body).toMatchObject({ status: 400, code: 'REQUEST.MALFORMED' });
});

it('when the request is well formed, then the application answers it as usual', async () => {
  const res = await raw('GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  expect(res).toMatch(/^HTTP\/1\.1 200 /);
});
