/**
 * Benchmark harness: each scenario sends the same requests to a baseline
 * server and to the candidate (the application), alternating short rounds,
 * and reports candidate/baseline as a ratio measured in the same run.
 *
 *   npm run bench -- [--scenario NAME[,NAME]] [--duration S] [--connections N] [--rounds N]
 *
 * See bench/README.md.
 */
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { killAllChildren, startServerChild, type ServerChild } from './lib/children';
import { openBenchDatabase, type BenchDatabase } from './lib/database';
import { cpuBetween, cpuSnapshot } from './lib/db-cpu';
import { failureRate, nextRequest, runLoad, type RunStats } from './lib/load';
import { enablePgStats } from './lib/pg-stats';
import {
  checkTargets,
  formatScenario,
  gitInfo,
  p50DeltaOf,
  ratioOf,
  targetConnections,
  machineInfo,
  MAX_FAILURE_RATE,
  summariseSide,
  writeResults,
  type RunReport,
  type RunSettings,
  type ScenarioReport,
} from './lib/report';
import { sidesOf, type Scenario, type SetupContext, type Side } from './lib/scenario';
import { findScenario, SCENARIOS } from './scenarios';

const HELP = `Usage: npm run bench -- [options]     (or: npx tsx bench/run.ts [options])

  --scenario NAME[,NAME]  scenarios to run (repeatable; default: all)     env BENCH_SCENARIO
  --duration S            measured seconds per side, split into rounds   env BENCH_DURATION_S (default 10)
  --connections N[,N]     concurrent connections; each count is a run    env BENCH_CONNECTIONS (default: the counts
                          of its own                                     the scenario's targets are stated for, else 50)
  --rounds N              rounds per side, at least 2                    env BENCH_ROUNDS (default duration/2, 3..7)
  --warmup S              warm-up seconds per side, not measured         env BENCH_WARMUP_S (default duration/5, 1..3)
  --pool-max N            database pool size of both sides               env BENCH_POOL_MAX (default 10, the app's default)
  --rate N                fixed offered load, req/s per side (diagnostic: compares CPU µs/req of two code
                          versions at the same load; targets are not judged)            env BENCH_RATE
  --check-targets         exit 2 when a scenario misses its speed targets
  --list                  list scenarios and exit

Database: BENCH_DATABASE_URL (a fresh database is created on that server and dropped
afterwards), or else an embedded PostgreSQL in a temp dir, removed at the end.
Exit status: 0 ok, 1 failed or invalid run (more than 1% failed requests), 2 targets missed (--check-targets).`;

/** Pause after resetting the database, before the next load run. */
const SETTLE_MS = 300;

/**
 * After a load run, until the run's database has had no statement running and no transaction open
 * (but this connection's) at two looks 50 ms apart, at most 15 s: requests the load generator
 * stopped waiting for are still finishing in the server (some queued for a pooled connection), and
 * their rows must not reach the next run's tables or its verify().
 */
async function waitForQuiet(db: BenchDatabase): Promise<void> {
  const deadline = Date.now() + 15_000;
  let quietLooks = 0;
  while (quietLooks < 2 && Date.now() < deadline) {
    const { rows } = await db.client.query<{ busy: number }>(
      `SELECT count(*)::int AS busy FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')`,
    );
    quietLooks = rows[0]?.busy ? 0 : quietLooks + 1;
    await sleep(50);
  }
}

interface Cli {
  scenarios: Scenario[];
  /** Connection counts from the command line; absent: each scenario's own (its targets' counts). */
  connections: number[] | undefined;
  /** Every setting but the connection count, which each run sets. */
  settings: Omit<RunSettings, 'connections'>;
  checkTargets: boolean;
}

/** Without targets (or --connections), a scenario runs at this many connections. */
const DEFAULT_CONNECTIONS = 50;

function positive(name: string, raw: string | undefined, fallback: number, { integer = true, min = 1, max = 100_000 } = {}): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    throw new UsageError(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, not "${raw}"`);
  }
  return n;
}

class UsageError extends Error {}

function parseCli(argv: string[], env: NodeJS.ProcessEnv): Cli | 'help' | 'list' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        scenario: { type: 'string', multiple: true },
        duration: { type: 'string' },
        connections: { type: 'string' },
        rounds: { type: 'string' },
        warmup: { type: 'string' },
        'pool-max': { type: 'string' },
        rate: { type: 'string' },
        'check-targets': { type: 'boolean', default: false },
        list: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return 'help';
  if (values.list) return 'list';

  const names = (values.scenario ?? (env.BENCH_SCENARIO ? [env.BENCH_SCENARIO] : []))
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  const scenarios = names.length
    ? names.map((n) => findScenario(n) ?? throwUsage(`unknown scenario "${n}" (known: ${SCENARIOS.map((s) => s.name).join(', ')})`))
    : [...SCENARIOS];

  const durationS = positive('--duration', values.duration ?? env.BENCH_DURATION_S, 10, { integer: false, min: 1, max: 600 });
  // Default: rounds of about 2 s, 3 to 7 of them, so the median shrugs off a noisy round or two.
  const defaultRounds = Math.min(7, Math.max(3, Math.round(durationS / 2)));
  const rounds = positive('--rounds', values.rounds ?? env.BENCH_ROUNDS, defaultRounds, { min: 2, max: 20 });
  const defaultWarmup = Math.min(3, Math.max(1, Math.round(durationS / 5)));
  const connectionsRaw = values.connections ?? env.BENCH_CONNECTIONS;
  const connections = connectionsRaw
    ? [...new Set(connectionsRaw.split(',').map((c) => positive('--connections', c.trim(), DEFAULT_CONNECTIONS, { max: 1000 })))]
    : undefined;
  return {
    scenarios,
    connections,
    checkTargets: values['check-targets'] ?? false,
    settings: {
      rounds,
      roundSeconds: Math.max(1, Math.round(durationS / rounds)),
      warmupSeconds: positive('--warmup', values.warmup ?? env.BENCH_WARMUP_S, defaultWarmup, { min: 0, max: 60 }),
      warmupExplicit: (values.warmup ?? env.BENCH_WARMUP_S) !== undefined,
      poolMax: positive('--pool-max', values['pool-max'] ?? env.BENCH_POOL_MAX, 10, { max: 50 }),
      ...((values.rate ?? env.BENCH_RATE) ? { rate: positive('--rate', values.rate ?? env.BENCH_RATE, 0, { max: 100_000 }) } : {}),
    },
  };
}

function throwUsage(message: string): never {
  throw new UsageError(message);
}

const int = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

function describeRun(s: RunStats): string {
  return (
    `${int.format(s.reqPerSec).padStart(7)} req/s  p50 ${s.latencyMs.p50Exact.toFixed(2).padStart(6)} ms  p99 ${String(s.latencyMs.p99).padStart(4)} ms  ` +
    `CPU ${String(s.serverCpuUsPerRequest ?? '-').padStart(5)} µs/req  DB CPU ${String(s.dbCpuUsPerRequest ?? '-').padStart(5)} µs/req  non-2xx ${s.non2xx}  errors ${s.errors}`
  );
}

function statusSummary(s: RunStats): string {
  return Object.entries(s.statusCodes)
    .map(([code, n]) => `${code}×${n}`)
    .join(', ');
}

/** One request to each side before any load: a wrong status here would make the whole run meaningless. */
async function smokeTest(scenario: Scenario, side: Side, baseUrl: string): Promise<void> {
  const r = nextRequest(scenario);
  const res = await fetch(`${baseUrl}${r.path}`, {
    method: r.method,
    headers: r.headers,
    body: r.body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (res.status !== scenario.expectedStatus) {
    throw new Error(
      `${scenario.name}: the ${side} answered ${res.status} instead of ${scenario.expectedStatus} to ${r.method} ${r.path}:\n${text.slice(0, 1500)}`,
    );
  }
}

async function runScenario(scenario: Scenario, db: BenchDatabase, runSettings: RunSettings, signal: AbortSignal): Promise<ScenarioReport> {
  const startedAt = new Date().toISOString();
  // A scenario may ask for a longer warm-up than the default (slow candidates need more requests before the JIT settles).
  const settings: RunSettings = runSettings.warmupExplicit
    ? runSettings
    : { ...runSettings, warmupSeconds: Math.max(runSettings.warmupSeconds, scenario.minWarmupSeconds ?? 0) };
  const loadAverageAtStart = os.loadavg().map((n) => Math.round(n * 100) / 100);
  const SIDES = sidesOf(scenario);
  console.log(`\n-- ${scenario.name}, ${settings.connections} connections: starting ${SIDES.join(', ')} servers`);
  const children: ServerChild[] = [];
  try {
    const servers: Partial<Record<Side, ServerChild>> = {};
    for (const side of SIDES) {
      signal.throwIfAborted();
      const child = await startServerChild(scenario.name, side, db.url, settings.poolMax);
      children.push(child);
      servers[side] = child;
    }
    const server = (side: Side): ServerChild => servers[side]!;
    await scenario.setup?.({
      db: db.client,
      databaseUrl: db.url,
      urls: Object.fromEntries(SIDES.map((side) => [side, server(side).url])) as SetupContext['urls'],
    });
    for (const side of SIDES) await smokeTest(scenario, side, server(side).url);
    const pgStats = await enablePgStats(db.client);

    const load = async (side: Side, durationS: number, measured: boolean) => {
      signal.throwIfAborted();
      await scenario.reset(db.client);
      await sleep(SETTLE_MS);
      if (measured) await pgStats?.reset();
      const cpuBefore = await server(side).cpuMicros();
      const dbCpuBefore = cpuSnapshot(await db.processes());
      const stats = await runLoad(scenario, {
        url: server(side).url,
        connections: settings.connections,
        durationS,
        rate: settings.rate,
        signal,
      });
      const cpu = (await server(side).cpuMicros()) - cpuBefore;
      const dbCpu = cpuBetween(dbCpuBefore, cpuSnapshot(await db.processes()));
      // Measured before the requests still in flight finish: they are not counted as completed either.
      await waitForQuiet(db);
      stats.serverCpuUsPerRequest = stats.completed > 0 ? Math.round(cpu / stats.completed) : null;
      stats.dbCpuUsPerRequest = stats.completed > 0 && dbCpuBefore.size > 0 ? Math.round(dbCpu / stats.completed) : null;
      if (measured) await pgStats?.collect(side, stats.completed);
      return stats;
    };

    const warmup: Record<Side, RunStats | null> = { baseline: null, candidate: null, informative: null };
    if (settings.warmupSeconds > 0) {
      for (const side of SIDES) {
        const w = await load(side, settings.warmupSeconds, false);
        warmup[side] = w;
        console.log(`   warm-up   ${side.padEnd(9)} ${describeRun(w)}`);
        if (failureRate(w) > MAX_FAILURE_RATE) {
          throw new Error(
            `${scenario.name}: ${(failureRate(w) * 100).toFixed(1)}% of the ${side}'s warm-up requests failed ` +
              `(statuses: ${statusSummary(w) || 'none'}; errors ${w.errors}, timeouts ${w.timeouts}); expected ${scenario.expectedStatus}`,
          );
        }
      }
    }

    const rounds: Record<Side, RunStats[]> = { baseline: [], candidate: [], informative: [] };
    const problems: string[] = [];
    for (let i = 1; i <= settings.rounds; i++) {
      for (const side of SIDES) {
        const stats = await load(side, settings.roundSeconds, true);
        rounds[side].push(stats);
        console.log(`   round ${i}/${settings.rounds} ${side.padEnd(9)} ${describeRun(stats)}`);
        const problem = await scenario.verify?.(db.client, stats.completed - stats.unexpectedStatus, side);
        if (problem) problems.push(`${side}, round ${i}: ${problem}`);
      }
    }
    await scenario.reset(db.client);
    if (pgStats) console.log(pgStats.report(scenario.name));

    const baseline = summariseSide(scenario.sides.baseline.label, rounds.baseline, warmup.baseline);
    const candidate = summariseSide(scenario.sides.candidate.label, rounds.candidate, warmup.candidate);
    const informative = scenario.sides.informative
      ? summariseSide(scenario.sides.informative.label, rounds.informative, warmup.informative)
      : undefined;
    for (const [side, x] of [
      ['baseline', baseline],
      ['candidate', candidate],
      ['informative', informative],
    ] as const) {
      if (!x) continue;
      if (x.failureRate > MAX_FAILURE_RATE) {
        const codes = Object.entries(x.totals.statusCodes)
          .map(([c, n]) => `${c}×${n}`)
          .join(', ');
        problems.push(
          `${side}: ${(x.failureRate * 100).toFixed(2)}% of requests failed (over ${MAX_FAILURE_RATE * 100}%): ` +
            `statuses ${codes || 'none'}, errors ${x.totals.errors}, timeouts ${x.totals.timeouts}; expected ${scenario.expectedStatus}`,
        );
      }
    }
    const ratio = ratioOf(candidate, baseline);
    const p50Delta = p50DeltaOf(candidate, baseline);
    return {
      scenario: scenario.name,
      description: scenario.description,
      startedAt,
      finishedAt: new Date().toISOString(),
      loadAverage: { start: loadAverageAtStart, end: os.loadavg().map((n) => Math.round(n * 100) / 100) },
      settings,
      baseline,
      candidate,
      ...(informative ? { informative, informativeRatio: ratioOf(candidate, informative) } : {}),
      ratio,
      p50Delta,
      // At a fixed rate both sides serve the same req/s: the targets (stated for a closed loop) are not judged.
      targets: settings.rate ? null : checkTargets(scenario.targets, settings, ratio.reqPerSec, candidate.median.p99Ms, p50Delta.ms),
      valid: problems.length === 0,
      problems,
    };
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
}

async function main(): Promise<number> {
  let cli: ReturnType<typeof parseCli>;
  try {
    cli = parseCli(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n\n${HELP}`);
    return 1;
  }
  if (cli === 'help') {
    console.log(HELP);
    return 0;
  }
  if (cli === 'list') {
    for (const s of SCENARIOS) console.log(`${s.name.padEnd(24)} ${s.description}`);
    return 0;
  }
  const { scenarios } = cli;
  // Each scenario at each connection count: the command line's, or the counts its targets are stated for.
  const runs = scenarios.flatMap((scenario) => {
    const counts =
      cli.connections ?? (targetConnections(scenario.targets).length ? targetConnections(scenario.targets) : [DEFAULT_CONNECTIONS]);
    return counts.map((connections) => ({ scenario, settings: { ...cli.settings, connections } satisfies RunSettings }));
  });

  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (abort.signal.aborted) {
      killAllChildren();
      process.exit(130);
    }
    console.error(`\n${sig}: stopping the benchmark`);
    abort.abort(new Error(`stopped by ${sig}`));
    setTimeout(() => {
      killAllChildren();
      process.exit(130);
    }, 20_000).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  console.log(
    `bench: ${runs.map((r) => `${r.scenario.name} (${r.settings.connections} connections)`).join(', ')}; node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel}), ` +
      `load average ${machine.loadAverageAtStart.join(' ')}`,
  );
  if (machine.loadAverageAtStart[0]! > machine.cpus * 0.5) {
    console.warn(
      `warning: the machine is busy (1-minute load average ${machine.loadAverageAtStart[0]} on ${machine.cpus} CPUs): ` +
        'absolute numbers will be low and ratios noisy; rerun when it is idle, or use more --rounds',
    );
  }
  const db = await openBenchDatabase();
  console.log(
    `database: ${db.info.kind === 'embedded' ? 'embedded PostgreSQL (temp dir)' : 'BENCH_DATABASE_URL server'} ${db.info.serverVersion}, ` +
      `fresh database ${db.info.database}, migrated`,
  );

  const reports: ScenarioReport[] = [];
  let fatal: unknown;
  try {
    for (const run of runs) reports.push(await runScenario(run.scenario, db, run.settings, abort.signal));
  } catch (err) {
    fatal = err;
  } finally {
    await db.close();
  }

  if (reports.length) {
    const run: RunReport = {
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: { ...machine, loadAverageAtEnd: os.loadavg().map((n) => Math.round(n * 100) / 100) },
      git: gitInfo(),
      database: { kind: db.info.kind, serverVersion: db.info.serverVersion },
      settings: cli.settings,
      scenarios: reports,
    };
    const files = writeResults(run);
    for (const r of reports) console.log(formatScenario(r));
    console.log(`\nresults: ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
  }
  if (fatal) throw fatal instanceof Error ? fatal : new Error('benchmark failed', { cause: fatal });

  const invalid = reports.filter((r) => !r.valid);
  if (invalid.length) {
    console.error(`\nFAILED: invalid run for ${invalid.map((r) => r.scenario).join(', ')} (see the !! lines above)`);
    return 1;
  }
  const missed = reports.filter((r) => r.targets && !r.targets.pass);
  if (missed.length) {
    console.log(`\ntargets missed: ${missed.map((r) => r.scenario).join(', ')}`);
    if (cli.checkTargets) return 2;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`\nbench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    killAllChildren();
    process.exit(1);
  },
);
