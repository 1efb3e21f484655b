import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/platform/project-root';

// Who may call: a hospital's system registered with `npm run client:create`
// (scopes notifications:write, notifications:read and directory:read). The README's walkthrough,
// run as a reader runs it: `npm run example:hospital` starts its own service
// on its own embedded PostgreSQL, registers the client with the real CLI,
// signs the assertion with the script the CLI printed, gets a token and
// notifies a death with the contract's example body and reads it back.

const run = promisify(execFile);

it('when a new integrator runs npm run example:hospital, then registration, token, POST /v1/notifications and reading it back all succeed', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdop-example-'));
  fs.chmodSync(dir, 0o755); // the postgres OS user (when we run as root) must traverse it
  try {
    const { stdout } = await run('npm', ['run', 'example:hospital'], {
      cwd: projectRoot(),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), EMBEDDED_PG_DIR: path.join(dir, 'pg') },
      timeout: 180_000,
    });
    expect(stdout).toMatch(/^token endpoint: +http:\/\/127\.0\.0\.1:\d+\/oauth2\/token$/m);
    expect(stdout).toMatch(/^200: token_type Bearer, expires_in 300 s, scope "notifications:write notifications:read directory:read"$/m);
    expect(stdout).toMatch(/^201: \{.*"outcome":"case_created".*\}$/m);
    expect(stdout).toMatch(/"caseReference":"WOR-\d{4}-0001"/);
    expect(stdout).toMatch(/^Location: \/v1\/notifications\/[0-9a-f-]{36}$/m);
    expect(stdout).toMatch(/^200: notification [0-9a-f-]{36} of case WOR-\d{4}-0001, match new_case$/m);
    expect(stdout).toMatch(/^200: 1 notification\(s\) from RWP$/m);
    expect(stdout).toContain('Done: registered, authenticated, notified and read back.');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 200_000);
