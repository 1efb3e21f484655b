import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ChildMessage, ParentMessage } from '../server';
import type { Side } from './scenario';

const BENCH_DIR = path.resolve(__dirname, '..');
const PROJECT_ROOT = path.resolve(BENCH_DIR, '..');
const SERVER_ENTRY = path.join(BENCH_DIR, 'server.ts');

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 6_000;

export interface ServerChild {
  side: Side;
  pid: number | undefined;
  url: string;
  /** The server process's CPU time so far (user + system), in µs. */
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();

/** Last resort (process exit, signal): SIGKILL every server child still running. */
export function killAllChildren(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}
process.on('exit', killAllChildren);

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Diagnostics: BENCH_PROFILE_SIDE=candidate (or baseline) runs that side under
 * `node --cpu-prof`; the .cpuprofile is written to BENCH_PROFILE_DIR (default
 * bench/results/profiles) when the server stops. Summarise it with
 * `npx tsx bench/profile-summary.ts <file>`.
 */
function profileArgs(side: Side): string[] {
  if (process.env.BENCH_PROFILE_SIDE !== side) return [];
  const dir = path.resolve(process.env.BENCH_PROFILE_DIR ?? path.join(BENCH_DIR, 'results', 'profiles'));
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200'];
}

/** Starts `bench/server.ts <scenario> <side>` under tsx and waits (bounded) until it listens. */
export async function startServerChild(scenario: string, side: Side, databaseUrl: string, poolMax: number): Promise<ServerChild> {
  const child = fork(SERVER_ENTRY, [scenario, side], {
    cwd: PROJECT_ROOT, // `--import tsx` resolves from here
    execArgv: ['--import', 'tsx', ...profileArgs(side)],
    // NODE_ENV for libraries that read it (Express's `env` setting); the app itself reads config, not the environment.
    env: { ...process.env, NODE_ENV: 'production', BENCH_CHILD_DATABASE_URL: databaseUrl, BENCH_POOL_MAX: String(poolMax) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));

  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${side} server did not start within ${START_TIMEOUT_MS / 1000} s`)),
        START_TIMEOUT_MS,
      );
      const done = (fn: () => void) => {
        clearTimeout(timer);
        fn();
      };
      child.on('message', (m: ChildMessage) => {
        if (m.type === 'ready') done(() => resolve(m.port));
        else if (m.type === 'failed') done(() => reject(new Error(`${side} server failed to start:\n${m.message}`)));
      });
      child.once('error', (err) => done(() => reject(err)));
      child.once('exit', (code, signal) =>
        done(() => reject(new Error(`${side} server exited (code ${code}, signal ${signal}) before it was ready`))),
      );
    });
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  let stopping: Promise<void> | undefined;
  let cpuQuery = 0;
  const cpuMicros = () =>
    new Promise<number>((resolve, reject) => {
      const id = ++cpuQuery;
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        reject(new Error(`${side} server did not report its CPU time`));
      }, 5_000);
      const onMessage = (m: ChildMessage) => {
        if (m.type !== 'cpu' || m.id !== id) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(m.micros);
      };
      child.on('message', onMessage);
      child.send({ type: 'cpu', id } satisfies ParentMessage);
    });
  return {
    side,
    pid: child.pid,
    url: `http://127.0.0.1:${port}`,
    cpuMicros,
    stop: () =>
      (stopping ??= (async () => {
        if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage, () => undefined);
        if (!(await exited(child, STOP_TIMEOUT_MS))) {
          child.kill('SIGKILL');
          await exited(child, 2_000);
        }
        live.delete(child);
      })()),
  };
}
