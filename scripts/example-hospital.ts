// `npm run example:hospital`: a hospital's first integration, end to end, as
// the README walks through it, with nothing to start by hand:
//
//   0. starts the service (development settings, the example agencies seeded) on
//      a free port, on its own embedded PostgreSQL in .data/example-postgres (or
//      on DATABASE_URL), unless CDOP_BASE_URL names a service already running;
//   1. the operator registers the hospital's system: `npm run client:create`;
//   2. the hospital signs a client assertion with the printed make-assertion.mjs
//      and exchanges it for an access token at the printed token endpoint;
//   3. it finds its own agency by ODS code and notifies a death
//      (POST /v1/notifications, the contract's example body, an Idempotency-Key).
//
// Each step prints the equivalent command. Exit code 0 when every step worked.
// Against a running service: CDOP_BASE_URL=http://localhost:3000
// DATABASE_URL=postgres://postgres:postgres@127.0.0.1:54329/cdop npm run example:hospital
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config';
import { loadOpenApi } from '../src/platform/http/openapi';
import { createLogger } from '../src/platform/logger';
import { projectRoot } from '../src/platform/project-root';
import { startService, type RunningService } from '../src/server';

const run = promisify(execFile);
const root = projectRoot();
const ODS_CODE = 'RWP'; // the example hospital trust seeded in development (src/modules/directory/directory.seed.ts)
const SCOPES = 'notifications:write notifications:read directory:read';

const say = (text: string) => process.stdout.write(`${text}\n`);
const step = (n: number, text: string) => say(`\n== ${n}. ${text}`);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The service, started here unless CDOP_BASE_URL points at one already running. */
async function service(): Promise<{ baseUrl: string; databaseUrl: string; stop(): Promise<void> }> {
  const running = process.env.CDOP_BASE_URL;
  if (running) {
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl)
      throw new Error('with CDOP_BASE_URL, set DATABASE_URL to the running service’s database (client:create registers there)');
    return { baseUrl: running.replace(/\/+$/, ''), databaseUrl, stop: () => Promise.resolve() };
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'development',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL: baseUrl,
    SEED_DEMO_DATA: 'true',
    DEV_IDP: 'false',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    EMBEDDED_PG_DIR: process.env.EMBEDDED_PG_DIR ?? '.data/example-postgres',
    EMBEDDED_PG_PORT: process.env.EMBEDDED_PG_PORT ?? String(await freePort()),
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  };
  step(0, `Starting the service on ${baseUrl} (${env.DATABASE_URL ? 'DATABASE_URL' : `embedded PostgreSQL in ${env.EMBEDDED_PG_DIR}`})`);
  const config = loadConfig(env);
  const svc: RunningService = await startService(config, createLogger(config.logLevel, process.stderr));
  const databaseUrl = env.DATABASE_URL ?? `postgres://postgres:postgres@127.0.0.1:${config.database.embeddedPort}/cdop`;
  return { baseUrl, databaseUrl, stop: () => svc.shutdown('example finished') };
}

function between(text: string, start: string, end: string): string {
  const i = text.indexOf(start);
  const j = text.indexOf(end, i + start.length);
  if (i < 0 || j < 0) throw new Error(`client:create printed no "${start.trim()}"`);
  return text.slice(i + start.length, j);
}

async function json(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`expected JSON, got ${res.status}: ${text.slice(0, 200)}`);
  }
}

async function main(): Promise<void> {
  const svc = await service();
  try {
    const work = path.join(root, '.data', 'example-hospital');
    fs.rmSync(work, { recursive: true, force: true });
    fs.mkdirSync(work, { recursive: true });

    step(1, 'The operator registers the hospital’s system');
    const args = ['--agency', ODS_CODE, '--scopes', SCOPES, '--name', 'RWP integration engine (example)'];
    say(`$ DATABASE_URL=… npm run client:create -- ${args.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ')}`);
    const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
    const { stdout } = await run(tsx, ['src/cli/client-create.ts', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: svc.databaseUrl, LOG_LEVEL: 'warn' },
    });
    const clientId = /^client_id: +(\S+)$/m.exec(stdout)?.[1];
    const tokenUrl = /^token endpoint: +(\S+)$/m.exec(stdout)?.[1];
    if (!clientId || !tokenUrl) throw new Error(`client:create printed no client_id or token endpoint:\n${stdout}`);
    say(`client_id:      ${clientId}\ntoken endpoint: ${tokenUrl}`);
    // The hospital keeps the private key; here it goes next to the printed example script.
    fs.writeFileSync(path.join(work, 'private-key.pem'), `${between(stdout, 'private-key.pem (PKCS#8):\n', '\n\n')}\n`, { mode: 0o600 });
    fs.writeFileSync(
      path.join(work, 'make-assertion.mjs'),
      between(stdout, 'Example: save this as make-assertion.mjs, next to private-key.pem:\n\n', 'then get an access token'),
    );
    say(`(saved the printed private-key.pem and make-assertion.mjs in ${path.relative(root, work)}/)`);

    step(2, 'The hospital gets an access token');
    say(`$ node make-assertion.mjs   # a signed JWT: iss = sub = client_id, aud = ${tokenUrl}, a new jti, 5 minutes`);
    const { stdout: assertion } = await run(process.execPath, ['make-assertion.mjs'], { cwd: work });
    say(
      `$ curl -X POST ${tokenUrl} --data-urlencode grant_type=client_credentials --data-urlencode client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer --data-urlencode client_assertion=… --data-urlencode 'scope=${SCOPES}'`,
    );
    const tokenRes = await fetch(tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
        scope: SCOPES,
      }),
    });
    const token = await json(tokenRes);
    if (tokenRes.status !== 200) throw new Error(`token request refused (${tokenRes.status}): ${JSON.stringify(token)}`);
    say(
      `${tokenRes.status}: token_type ${String(token.token_type)}, expires_in ${String(token.expires_in)} s, scope "${String(token.scope)}"`,
    );
    const auth = { Authorization: `Bearer ${String(token.access_token)}` };

    step(3, 'The hospital notifies a death');
    // The contract's own example body (fictitious child; 943 476 5919 is a test NHS number), which names the hospital
    // and the GP practice by their ODS codes, as it is.
    const { dereferenced } = await loadOpenApi(path.join(root, 'openapi', 'openapi.yaml'));
    const post = (
      dereferenced.paths['/v1/notifications'] as {
        post: { requestBody: { content: Record<string, { examples: Record<string, { value: unknown }> }> } };
      }
    ).post;
    const body = post.requestBody.content['application/json']!.examples.withNhsNumber!.value;
    fs.writeFileSync(path.join(work, 'notification.json'), `${JSON.stringify(body, null, 2)}\n`);
    const idempotencyKey = randomUUID();
    say(
      `$ curl -X POST '${svc.baseUrl}/v1/notifications' -H "Authorization: Bearer $ACCESS_TOKEN" -H 'Content-Type: application/json' -H 'Idempotency-Key: ${idempotencyKey}' --data @notification.json`,
    );
    const created = await fetch(`${svc.baseUrl}/v1/notifications`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
      body: JSON.stringify(body),
    });
    const receipt = await json(created);
    if (created.status !== 201) throw new Error(`notification refused (${created.status}): ${JSON.stringify(receipt)}`);
    say(`${created.status}: ${JSON.stringify(receipt)}`);
    const location = created.headers.get('location') ?? '(none)';
    say(`Location: ${location}`);

    step(4, 'The hospital reads back what it sent');
    say(`$ curl -H "Authorization: Bearer $ACCESS_TOKEN" '${svc.baseUrl}${location}'`);
    const readBack = await fetch(`${svc.baseUrl}${location}`, { headers: auth });
    const stored = await json(readBack);
    if (readBack.status !== 200) throw new Error(`read-back refused (${readBack.status}): ${JSON.stringify(stored)}`);
    say(`${readBack.status}: notification ${String(stored.id)} of case ${String(stored.caseReference)}, match ${String(stored.match)}`);
    say(`$ curl -H "Authorization: Bearer $ACCESS_TOKEN" '${svc.baseUrl}/v1/notifications?since=${String(stored.receivedAt)}'`);
    const listed = await fetch(`${svc.baseUrl}/v1/notifications?since=${encodeURIComponent(String(stored.receivedAt))}`, { headers: auth });
    const list = await json(listed);
    say(`${listed.status}: ${(list.items as unknown[] | undefined)?.length ?? 0} notification(s) from ${ODS_CODE}`);

    say('\nDone: registered, authenticated, notified and read back.');
  } finally {
    await svc.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`example:hospital failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
