import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Who may call: nobody; this is start-up. A first `npm start` on a fresh machine (as root too: the embedded
// PostgreSQL then runs as the postgres OS user) works whichever comes first, the development keys or the
// database, and keeps the keys private.

const script = path.resolve(__dirname, '../../support/fresh-start.ts');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function freshStart(root: string, order: 'keys-first' | 'postgres-first'): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, root, order], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim().slice(-2000) };
}

/** A project folder as a checkout makes it (0755), not mkdtemp's 0700. */
function projectFolder(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdop-fresh-'));
  fs.chmodSync(root, 0o755);
  return root;
}

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

it.each(['keys-first', 'postgres-first'] as const)(
  'when a fresh machine starts %s, then both work and the keys folder alone is private',
  (order) => {
    const root = projectFolder();
    roots.push(root);
    const run = freshStart(root, order);
    expect(run).toEqual({ status: 0, output: 'ok' });
    expect(fs.statSync(path.join(root, '.data', 'keys')).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(root, '.data', 'keys', 'session.secret')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(root, '.data')).mode & 0o001).toBe(0o001);
    // And again, on the folders the first start left.
    expect(freshStart(root, order)).toEqual({ status: 0, output: 'ok' });
  },
  60_000,
);

it('when the data folder was left private (0700) by an earlier start, then the database still starts', () => {
  const root = projectFolder();
  roots.push(root);
  fs.mkdirSync(path.join(root, '.data', 'keys'), { recursive: true, mode: 0o700 });
  fs.chmodSync(path.join(root, '.data'), 0o700);
  expect(freshStart(root, 'postgres-first')).toEqual({ status: 0, output: 'ok' });
  expect(fs.statSync(path.join(root, '.data', 'keys')).mode & 0o777).toBe(0o700);
}, 60_000);

(isRoot ? it : it.skip)(
  'when a folder above the project is not searchable by others, then start-up says which and what to do',
  () => {
    const outer = fs.mkdtempSync(path.join(os.tmpdir(), 'cdop-closed-')); // 0700
    roots.push(outer);
    const root = path.join(outer, 'project');
    fs.mkdirSync(root, { mode: 0o755 });
    const run = freshStart(root, 'postgres-first');
    expect(run.status).toBe(1);
    expect(run.output).toContain(`chmod o+x ${outer}`);
  },
  60_000,
);
