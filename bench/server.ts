/**
 * One side (baseline or candidate) of a scenario as an HTTP server on
 * 127.0.0.1, in its own process, so the load generator does not share an
 * event loop with it. Both sides run through this file: same process
 * arrangement, same http.Server settings.
 *
 * Started by bench/run.ts (fork with IPC): answers { type: 'ready', port } and
 * stops on { type: 'stop' } or when the parent goes away.
 *
 * By hand, for profiling one side against an existing migrated database:
 *   BENCH_CHILD_DATABASE_URL=postgres://... node --import tsx --cpu-prof bench/server.ts directory-create candidate
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSide } from './lib/scenario';
import { countRequest, installSqlCounter, sqlCountReport } from './lib/sql-count';
import { findScenario } from './scenarios';

export type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'failed'; message: string }
  /** process.cpuUsage() of the server, user + system, in µs. */
  | { type: 'cpu'; id: number; micros: number };
export type ParentMessage = { type: 'stop' } | { type: 'cpu'; id: number };

const STOP_TIMEOUT_MS = 5_000;

async function main(): Promise<void> {
  const [name = '', side] = process.argv.slice(2);
  const scenario = findScenario(name);
  if (!scenario) throw new Error(`unknown scenario "${name}"`);
  if (!isSide(side)) throw new Error(`side must be baseline, candidate or informative, not "${side}"`);
  const databaseUrl = process.env.BENCH_CHILD_DATABASE_URL;
  if (!databaseUrl) throw new Error('BENCH_CHILD_DATABASE_URL is not set');
  const poolMax = Number(process.env.BENCH_POOL_MAX ?? '10');

  // Diagnostics (BENCH_COUNT_SQL=1): SQL statements per HTTP request, printed when the server stops.
  const countSql = process.env.BENCH_COUNT_SQL === '1';
  if (countSql) installSqlCounter();
  const sideOfScenario = scenario.sides[side];
  if (!sideOfScenario) throw new Error(`scenario ${scenario.name} has no ${side} side`);
  const handle = await sideOfScenario.start({ databaseUrl, poolMax });
  const handler: http.RequestListener = countSql
    ? (req, res) => {
        countRequest();
        handle.handler(req, res);
      }
    : handle.handler;
  const server = http.createServer(handler);
  server.keepAliveTimeout = 5_000; // as src/server.ts
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    if (countSql) console.error(sqlCountReport(`${scenario.name} ${side}`));
    setTimeout(() => process.exit(0), STOP_TIMEOUT_MS).unref();
    server.close();
    server.closeAllConnections();
    handle.close().then(
      () => process.exit(0),
      () => process.exit(0),
    );
  };

  if (process.send) {
    process.on('message', (m: ParentMessage) => {
      if (m?.type === 'stop') stop();
      else if (m?.type === 'cpu') {
        const { user, system } = process.cpuUsage();
        process.send?.({ type: 'cpu', id: m.id, micros: user + system } satisfies ChildMessage);
      }
    });
    process.on('disconnect', stop); // the parent died or closed the channel
    process.send({ type: 'ready', port } satisfies ChildMessage);
  } else {
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    console.log(`${scenario.name} ${side} listening on http://127.0.0.1:${port}`);
  }
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  if (process.send) process.send({ type: 'failed', message } satisfies ChildMessage, () => process.exit(1));
  else {
    console.error(message);
    process.exit(1);
  }
});
