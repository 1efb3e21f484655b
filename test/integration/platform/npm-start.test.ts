import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../../src/platform/project-root';
import { freePort } from '../../support/free-port';

// `npm start` as a developer runs it, on its own embedded PostgreSQL: whatever
// signal reaches the npm process (SIGTERM from a supervisor, SIGINT, SIGHUP,
// or npm itself killed), the service shuts down gracefully and stops its
// PostgreSQL, and no process of the tree is left behind. The log is JSON
// lines when stdout is not a terminal (health probes at debug, so absent at
// info), and human-readable in a terminal (a pseudo-terminal from `script`).

jest.setTimeout(300_000);

const root = projectRoot();
let pgDir: string;
let pgPort: number;

beforeAll(async () => {
  // The postgres OS user (when we run as root) must be able to traverse every parent folder.
  pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdop-npm-start-'));
  fs.chmodSync(pgDir, 0o755);
  pgPort = await freePort();
});
afterAll(() => fs.rmSync(pgDir, { recursive: true, force: true }));

interface Proc {
  pid: number;
  ppid: number;
  /** clock ticks after boot: tells a process from a later one that reuses its pid */
  start: string;
  cmd: string;
}

function readProc(pid: number): Proc | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    return { pid, ppid: Number(fields[1]), start: fields[19]!, cmd };
  } catch {
    return undefined;
  }
}

/** Every process below `pid` (PostgreSQL's own children included: they leave the process group, not the tree). */
function descendants(pid: number): Proc[] {
  const all = fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readProc(Number(d)))
    .filter((p): p is Proc => p !== undefined);
  const out: Proc[] = [];
  const walk = (parent: number) => {
    for (const p of all.filter((c) => c.ppid === parent)) {
      out.push(p);
      walk(p.pid);
    }
  };
  walk(pid);
  return out;
}

const stillRunning = (procs: Proc[]) => procs.filter((p) => readProc(p.pid)?.start === p.start);

async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function ready(port: number): Promise<true | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
    return res.status === 200 ? true : undefined;
  } catch {
    return undefined;
  }
}

interface Started {
  child: ChildProcess;
  /** the npm process */
  npmPid: number;
  port: number;
  output: () => string;
  exited: Promise<void>;
}

async function npmStart(opts: { tty?: boolean } = {}): Promise<Started> {
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.tmpdir(),
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    PORT: String(port),
    EMBEDDED_PG_DIR: path.join(pgDir, 'data'),
    EMBEDDED_PG_PORT: String(pgPort),
  };
  // In a pseudo-terminal when asked (`script` from util-linux), otherwise stdout is a pipe.
  const [cmd, args] = opts.tty ? ['script', ['-qfec', 'npm start', '/dev/null']] : ['npm', ['start']];
  const child = spawn(cmd, args, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
  child.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    // The first start in a fresh clone compiles dist/ first.
    await waitFor('the service to be ready', () => ready(port), 240_000);
  } catch (err) {
    process.kill(-child.pid!, 'SIGKILL');
    throw new Error(`${(err as Error).message}; output:\n${out}`, { cause: err });
  }
  const npmPid = opts.tty ? descendants(child.pid!).find((p) => /^npm start/.test(p.cmd))!.pid : child.pid!;
  return { child, npmPid, port, output: () => out, exited };
}

describe.each([
  ['SIGTERM', 'a supervisor stops npm'],
  ['SIGINT', 'npm is interrupted'],
  ['SIGHUP', 'npm’s terminal hangs up (npm does not forward it)'],
  ['SIGKILL', 'npm is killed outright (it cannot forward anything)'],
] as const)('when %s reaches the npm start process (%s)', (signal, _why) => {
  it('then the service stops gracefully, its embedded PostgreSQL stops, and nothing is left running', async () => {
    const s = await npmStart();
    const tree = descendants(s.npmPid);
    expect(tree.some((p) => p.cmd.includes('scripts/start.js'))).toBe(true);
    expect(tree.some((p) => /\/postgres\b/.test(p.cmd))).toBe(true);

    process.kill(s.npmPid, signal);
    await waitFor('npm to exit', () => (readProc(s.npmPid) ? undefined : true), 30_000);
    const left = await waitFor('every process to stop', () => (stillRunning(tree).length ? undefined : []), 30_000).catch(() =>
      stillRunning(tree),
    );
    if (left.length) for (const p of left) process.kill(p.pid, 'SIGKILL');
    expect(left.map((p) => p.cmd)).toEqual([]);
    await s.exited;

    const log = s.output();
    expect(log).toContain('"msg":"shutdown complete"');
    expect(log).toContain('"msg":"embedded PostgreSQL stopped"');
  });
});

it('when stdout is not a terminal, then every log line is JSON and the health probes are not logged at info', async () => {
  const s = await npmStart();
  await fetch(`http://127.0.0.1:${s.port}/health/live`);
  await fetch(`http://127.0.0.1:${s.port}/v1/panels`); // 401: an ordinary request, logged at info
  process.kill(s.npmPid, 'SIGTERM');
  await s.exited;
  // npm's own header ("> cdop-case-management@… start") is not the service's log.
  const lines = s
    .output()
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('>'));
  expect(lines.length).toBeGreaterThan(3);
  const parsed = lines.map((l) => JSON.parse(l) as { msg: string; route?: string; status?: number });
  const requests = parsed.filter((l) => l.msg === 'request completed');
  expect(requests.map((r) => `${r.route} ${r.status}`)).toEqual(['/v1/panels 401']);
});

it('when stdout is a terminal in development, then the log is human-readable, and the service still stops on SIGINT', async () => {
  const s = await npmStart({ tty: true });
  const tree = descendants(s.npmPid);
  process.kill(s.npmPid, 'SIGINT');
  await waitFor('every process to stop', () => (stillRunning(tree).length ? undefined : true), 30_000);
  if (readProc(s.child.pid!)) process.kill(s.child.pid!, 'SIGTERM'); // `script` itself, if still there
  await s.exited;
  // eslint-disable-next-line no-control-regex -- colours
  const text = s.output().replace(/\u001b\[[0-9;]*m/g, '');
  expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: CDOP API listening/m);
  expect(text).toMatch(/INFO: shutdown complete/);
  expect(text).not.toMatch(/^\{"level"/m);
});
