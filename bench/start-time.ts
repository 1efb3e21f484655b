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
 * stopped with SIGTERM and waited for. Prints medians and ratios to the baseline.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(__dirname, '..');

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

async function timeToReady(cmd: string, args: string[], env: NodeJS.ProcessEnv, port: number): Promise<number> {
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
    return (performance.now() - started) / 1000;
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
    process.stdout.write(`cold start (no dist/, first database start): ${cold.toFixed(2)} s\n`);
    const results: Record<'baseline' | 'restart' | 'touched', number[]> = { baseline: [], restart: [], touched: [] };
    for (let i = 0; i < rounds; i++) {
      results.baseline.push(await timeToReady(process.execPath, ['dist/src/main.js'], env, port));
      results.restart.push(await timeToReady('npm', ['start'], env, port));
      const now = new Date();
      fs.utimesSync(path.join(root, 'src', 'main.ts'), now, now);
      results.touched.push(await timeToReady('npm', ['start'], env, port));
      process.stdout.write(
        `round ${i + 1}: baseline ${results.baseline.at(-1)!.toFixed(2)} s, restart ${results.restart.at(-1)!.toFixed(2)} s, after a change ${results.touched.at(-1)!.toFixed(2)} s\n`,
      );
    }
    const base = median(results.baseline);
    for (const [name, xs] of Object.entries(results)) {
      process.stdout.write(`${name.padEnd(8)} median ${median(xs).toFixed(2)} s  (${(median(xs) / base).toFixed(2)} × baseline)\n`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`start-time bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
