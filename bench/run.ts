/**
 * Benchmark harness: each scenario sends the same requests to a baseline
 * server and to the candidate (the application), alternating short rounds,
 * and reports candidate/baseline as a ratio measured in the same run.
 *
 *   npm run bench -- [--scenario NAME[,NAME]] [--duration S] [--connections N] [--rounds N]
 *
 * See bench/README.md.
 */
import { postgresCpuMicros } from './lib/db-cpu';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { killAllChildren, startServerChild, type ServerChild } from './lib/children';
import { openBenchDatabase, type BenchDatabase } from './lib/database';
import { failureRate, nextRequest, runLoad, type RunStats } from './lib/load';
import {
  checkTargets,
  formatScenario,
  gitInfo,
  machineInfo,
  MAX_FAILURE_RATE,
  summariseSide,
  writeResults,
  type RunReport,
  type RunSettings,
  type ScenarioReport,
} from './lib/report';
import { SIDES, type Scenario, type Side } from './lib/scenario';
import { findScenario, SCENARIOS } from './scenarios';

const HELP = `Usage: npm run bench -- [options]     (or: npx tsx bench/run.ts [options])

  --scenario NAME[,NAME]  scenarios to run (repeatable; default: all)     env BENCH_SCENARIO
  --duration S            measured seconds per side, split into rounds   env BENCH_DURATION_S (default 10)
  --connections N         concurrent connections                         env BENCH_CONNECTIONS (default 50)
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

interface Cli {
  scenarios: Scenario[];
  settings: RunSettings;
  checkTargets: boolean;
}

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
  return {
    scenarios,
    checkTargets: values['check-targets'] ?? false,
    settings: {
      connections: positive('--connections', values.connections ?? env.BENCH_CONNECTIONS, 50, { max: 1000 }),
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
    `${int.format(s.reqPerSec).padStart(7)} req/s  p50 ${String(s.latencyMs.p50).padStart(3)} ms  p99 ${String(s.latencyMs.p99).padStart(4)} ms  ` +
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
  console.log(`\n-- ${scenario.name}: starting baseline and candidate servers`);
  const children: ServerChild[] = [];
  try {
    const servers = {} as Record<Side, ServerChild>;
    for (const side of SIDES) {
      signal.throwIfAborted();
      const child = await startServerChild(scenario.name, side, db.url, settings.poolMax);
      children.push(child);
      servers[side] = child;
    }
    await scenario.setup?.({
      db: db.client,
      databaseUrl: db.url,
      urls: { baseline: servers.baseline.url, candidate: servers.candidate.url },
    });
    for (const side of SIDES) await smokeTest(scenario, side, servers[side].url);

    const load = async (side: Side, durationS: number) => {
      signal.throwIfAborted();
      await scenario.reset(db.client);
      await sleep(SETTLE_MS);
      const cpuBefore = await servers[side].cpuMicros();
      const dbCpuBefore = postgresCpuMicros();
      const stats = await runLoad(scenario, {
        url: servers[side].url,
        connections: settings.connections,
        durationS,
        rate: settings.rate,
        signal,
      });
      const cpu = (await servers[side].cpuMicros()) - cpuBefore;
      const dbCpuAfter = postgresCpuMicros();
      stats.serverCpuUsPerRequest = stats.completed > 0 ? Math.round(cpu / stats.completed) : null;
      stats.dbCpuUsPerRequest =
        stats.completed > 0 && dbCpuBefore !== null && dbCpuAfter !== null
          ? Math.round((dbCpuAfter - dbCpuBefore) / stats.completed)
          : null;
      return stats;
    };

    const warmup: Record<Side, RunStats | null> = { baseline: null, candidate: null };
    if (settings.warmupSeconds > 0) {
      for (const side of SIDES) {
        const w = await load(side, settings.warmupSeconds);
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

    const rounds: Record<Side, RunStats[]> = { baseline: [], candidate: [] };
    const problems: string[] = [];
    for (let i = 1; i <= settings.rounds; i++) {
      for (const side of SIDES) {
        const stats = await load(side, settings.roundSeconds);
        rounds[side].push(stats);
        console.log(`   round ${i}/${settings.rounds} ${side.padEnd(9)} ${describeRun(stats)}`);
        const problem = await scenario.verify?.(db.client, stats.completed - stats.unexpectedStatus, side);
        if (problem) problems.push(`${side}, round ${i}: ${problem}`);
      }
    }
    await scenario.reset(db.client);

    const baseline = summariseSide(scenario.sides.baseline.label, rounds.baseline, warmup.baseline);
    const candidate = summariseSide(scenario.sides.candidate.label, rounds.candidate, warmup.candidate);
    for (const [side, x] of [
      ['baseline', baseline],
      ['candidate', candidate],
    ] as const) {
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
    const ratio = {
      reqPerSec: Math.round((candidate.median.reqPerSec / baseline.median.reqPerSec) * 1000) / 1000,
      p99: Math.round((candidate.median.p99Ms / baseline.median.p99Ms) * 100) / 100,
      cpuPerRequest: Math.round((candidate.median.cpuUsPerRequest / baseline.median.cpuUsPerRequest) * 100) / 100,
    };
    return {
      scenario: scenario.name,
      description: scenario.description,
      startedAt,
      finishedAt: new Date().toISOString(),
      settings,
      baseline,
      candidate,
      ratio,
      // At a fixed rate both sides serve the same req/s: the targets (stated for a closed loop) are not judged.
      targets: settings.rate ? null : checkTargets(scenario.targets, settings, ratio.reqPerSec, candidate.median.p99Ms),
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
  const { scenarios, settings } = cli;

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
    `bench: ${scenarios.map((s) => s.name).join(', ')}; node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel}), ` +
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
    for (const scenario of scenarios) reports.push(await runScenario(scenario, db, settings, abort.signal));
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
      settings,
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
  const missed = reports.filter((r) => r.targets?.judged && !r.targets.pass);
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
