/**
 * How long `npm start` takes until GET /health/ready answers 200, against a
 * baseline measured in the same run: the compiled service started directly
 * (`node dist/src/main.js`, no build step), on the same embedded PostgreSQL.
 *
 *   npx tsx bench/start-time.ts [--rounds N]
 *
 * Measured, alternating in each round: the baseline; `npm start` with nothing
 * changed (a restart); `npm start` after a source file's time changed (an
 * incremental tsc -b). Once, first: a cold start (no dist/). Every start is
 * stopped with SIGTERM and waited for. Prints medians and ratios to the baseline,
 * in wall time and in CPU time of the whole process tree (robust to a busy machine).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../test/support/free-port';

const root = path.resolve(__dirname, '..');

/** utime + stime (+ waited children's) of a process and all its descendants, in seconds: what starting cost, whatever else the machine did. */
function treeCpuSeconds(pid: number): number {
  const stats = fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return [{ pid: Number(d), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) }];
      } catch {
        return [];
      }
    });
  let total = 0;
  const walk = (p: number) => {
    for (const s of stats.filter((x) => x.ppid === p)) {
      total += s.ticks;
      walk(s.pid);
    }
  };
  total += stats.find((s) => s.pid === pid)?.ticks ?? 0;
  walk(pid);
  return total / 100; // USER_HZ
}

interface Timing {
  wall: number;
  cpu: number;
}

async function timeToReady(cmd: string, args: string[], env: NodeJS.ProcessEnv, port: number): Promise<Timing> {
  const started = performance.now();
  const child = spawn(cmd, args, { cwd: root, env, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${cmd} ${args.join(' ')} exited with ${child.exitCode} before it was ready`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 25));
      if (performance.now() - started > 300_000) throw new Error('not ready after 300 s');
    }
    return { wall: (performance.now() - started) / 1000, cpu: treeCpuSeconds(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
  const rounds = Math.max(1, Number(values.rounds));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdop-start-bench-'));
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    EMBEDDED_PG_DIR: path.join(dir, 'pg'),
    EMBEDDED_PG_PORT: String(await freePort()),
  };
  try {
    fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
    const cold = await timeToReady('npm', ['start'], env, port);
    process.stdout.write(`cold start (no dist/, first database start): ${cold.wall.toFixed(2)} s (CPU ${cold.cpu.toFixed(2)} s)\n`);
    const results: Record<'baseline' | 'restart' | 'touched', Timing[]> = { baseline: [], restart: [], touched: [] };
    for (let i = 0; i < rounds; i++) {
      results.baseline.push(await timeToReady(process.execPath, ['dist/src/main.js'], env, port));
      results.restart.push(await timeToReady('npm', ['start'], env, port));
      const now = new Date();
      fs.utimesSync(path.join(root, 'src', 'main.ts'), now, now);
      results.touched.push(await timeToReady('npm', ['start'], env, port));
      const f = (t: Timing) => `${t.wall.toFixed(2)} s (CPU ${t.cpu.toFixed(2)} s)`;
      process.stdout.write(
        `round ${i + 1}: baseline ${f(results.baseline.at(-1)!)}, restart ${f(results.restart.at(-1)!)}, after a change ${f(results.touched.at(-1)!)}\n`,
      );
    }
    const base = median(results.baseline.map((t) => t.wall));
    const baseCpu = median(results.baseline.map((t) => t.cpu));
    for (const [name, ts] of Object.entries(results)) {
      const wall = median(ts.map((t) => t.wall));
      const cpu = median(ts.map((t) => t.cpu));
      process.stdout.write(
        `${name.padEnd(8)} median ${wall.toFixed(2)} s (${(wall / base).toFixed(2)} × baseline), CPU ${cpu.toFixed(2)} s (${(cpu / baseCpu).toFixed(2)} ×)\n`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`start-time bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
