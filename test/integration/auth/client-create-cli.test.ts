import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createAuthMechanisms } from '../../../src/auth';
import { tokenEndpointForRegistration } from '../../../src/auth/api-clients';
import { createLogger } from '../../../src/platform/logger';
import { projectRoot } from '../../../src/platform/project-root';
import { insertTestAgency, tokenRequest } from '../../support/api-clients';
import { startTestApp, type TestApp } from '../../support/app';

// Who may call: `npm run client:create` is an operator's command on the
// service's database (no HTTP endpoint). The operator's shell need not have
// the service's settings: the service runs with PUBLIC_BASE_URL (or PORT) of
// its own, and the command must still print the token endpoint the service
// checks, so that the hospital's first client assertion is accepted.

const run = promisify(execFile);
const SERVICE_BASE = 'http://127.0.0.1:45678';
const TSX = path.join(projectRoot(), 'node_modules', '.bin', 'tsx');

let t: TestApp;
beforeAll(async () => {
  // The service as it runs: its own public base URL, which the operator's shell below does not have.
  t = await startTestApp({ PUBLIC_BASE_URL: SERVICE_BASE }, { realAuth: true });
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.reset();
  await insertTestAgency(t.ds);
});

/** Starting an instance of the service is what records its token endpoint. */
async function startInstance(): Promise<void> {
  const mechanisms = await createAuthMechanisms({ config: t.config, log: createLogger('silent'), dataSource: t.ds });
  for (const m of mechanisms) await m.close?.();
}

/** The CLI as an operator runs it, in a shell with other settings than the service's. */
async function clientCreate(shellEnv: Record<string, string>) {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    DATABASE_URL: t.config.database.url!,
    LOG_LEVEL: 'warn',
    ...shellEnv,
  };
  return run(TSX, ['src/cli/client-create.ts', '--agency', 'RWP', '--scopes', 'directory:read', '--name', 'RWP integration engine'], {
    cwd: projectRoot(),
    env,
  });
}

function between(text: string, start: string, end: string): string {
  const i = text.indexOf(start);
  const j = text.indexOf(end, i);
  if (i < 0 || j < 0) throw new Error(`no "${start}" … "${end}" in the output`);
  return text.slice(i + start.length, j);
}

it('when the service runs with its own PUBLIC_BASE_URL, then client:create prints its token endpoint and the printed example gets a token at once', async () => {
  await startInstance();
  // The operator's shell: the default port, and a PORT that is not the service's either.
  const { stdout, stderr } = await clientCreate({ PORT: '3999' });

  expect(stdout).toMatch(new RegExp(`^token endpoint: +${SERVICE_BASE}/oauth2/token$`, 'm'));
  expect(stdout).not.toContain('localhost:3999');
  expect(stderr).toContain(`Using the token endpoint the service serves`);
  expect(stderr).toContain('http://localhost:3999/oauth2/token');

  // Follow the printed instructions: the private key and make-assertion.mjs, then the token request.
  const pem = between(stdout, 'private-key.pem (PKCS#8):\n', '\n\n');
  const script = between(stdout, 'Example: save this as make-assertion.mjs, next to private-key.pem:\n\n', 'then get an access token');
  const clientId = /^client_id: +(\S+)$/m.exec(stdout)![1]!;
  fs.mkdirSync(path.join(projectRoot(), '.data'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(projectRoot(), '.data', 'client-cli-'));
  try {
    fs.writeFileSync(path.join(dir, 'private-key.pem'), `${pem}\n`, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'make-assertion.mjs'), script);
    const { stdout: assertion } = await run(process.execPath, ['make-assertion.mjs'], { cwd: dir });
    const res = await tokenRequest(t.app, assertion, { scope: 'directory:read' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'directory:read' });
    const [issued] = await t.ds.query(`SELECT details FROM audit_events WHERE action = 'auth.token' AND outcome = 'success'`);
    expect(issued.details).toMatchObject({ clientId });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

it('when the shell has the same settings as the service, then client:create prints the endpoint without a note', async () => {
  await startInstance();
  const { stdout, stderr } = await clientCreate({ PUBLIC_BASE_URL: SERVICE_BASE });
  expect(stdout).toMatch(new RegExp(`^token endpoint: +${SERVICE_BASE}/oauth2/token$`, 'm'));
  expect(stderr).not.toContain('token endpoint');
}, 60_000);

it('when no instance has started on the database yet, then client:create uses the shell’s settings and says so', async () => {
  const { stdout, stderr } = await clientCreate({ PORT: '3999' });
  expect(stdout).toMatch(/^token endpoint: +http:\/\/localhost:3999\/oauth2\/token$/m);
  expect(stderr).toContain('has not started on this database yet');
}, 60_000);

describe('tokenEndpointForRegistration', () => {
  const at = (iso: string) => new Date(iso);
  it('when several instances recorded endpoints, then the most recent wins and the others are named', () => {
    const r = tokenEndpointForRegistration(
      [
        { tokenUrl: 'https://cdop.example.nhs.uk/oauth2/token', lastStartedAt: at('2026-11-02T10:00:00Z') },
        { tokenUrl: 'http://localhost:4000/oauth2/token', lastStartedAt: at('2026-11-01T10:00:00Z') },
      ],
      'https://cdop.example.nhs.uk/oauth2/token',
    );
    expect(r.tokenUrl).toBe('https://cdop.example.nhs.uk/oauth2/token');
    expect(r.notes).toEqual([expect.stringContaining('http://localhost:4000/oauth2/token')]);
  });
});
