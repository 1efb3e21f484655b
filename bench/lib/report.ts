import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { failureRate, medianOf, type RunStats } from './load';
import type { Side, Targets } from './scenario';

const RESULTS_DIR = path.resolve(__dirname, '..', 'results');

/** Above this share of failed requests (unexpected status or error) a run measures nothing useful. */
export const MAX_FAILURE_RATE = 0.01;

export interface RunSettings {
  connections: number;
  /** --warmup (or BENCH_WARMUP_S) was given: it overrides a scenario's minWarmupSeconds. */
  warmupExplicit?: boolean;
  /** Fixed offered load (req/s per side, autocannon overallRate); absent: as fast as the connections go. */
  rate?: number;
  rounds: number;
  roundSeconds: number;
  warmupSeconds: number;
  poolMax: number;
}

export interface SideReport {
  label: string;
  /** Medians over the measured rounds. */
  median: {
    reqPerSec: number;
    p50Ms: number;
    /** The median of the rounds' exact p50s (RunStats.latencyMs.p50Exact), ms to 0.01. */
    p50ExactMs: number;
    p99Ms: number;
    cpuUsPerRequest: number;
    dbCpuUsPerRequest: number | null;
  };
  totals: {
    completed: number;
    ok: number;
    non2xx: number;
    unexpectedStatus: number;
    errors: number;
    timeouts: number;
    statusCodes: Record<string, number>;
  };
  failureRate: number;
  rounds: RunStats[];
  warmup: RunStats | null;
}

export interface TargetCheck {
  targets: Targets;
  results: { name: string; limit: number; measured: number; pass: boolean }[];
  pass: boolean;
}

/** candidate ÷ another side, medians of rounds. */
export interface Ratio {
  /** The number the throughput targets are written against (against the baseline). */
  reqPerSec: number;
  p99: number;
  /** Server CPU time per request: how much more work each request costs the candidate's process, however busy the machine. */
  cpuPerRequest: number;
  /** PostgreSQL CPU time per request: how much more work each request costs the database. */
  dbCpuPerRequest: number | null;
}

export interface ScenarioReport {
  scenario: string;
  description: string;
  startedAt: string;
  finishedAt: string;
  /** 1-, 5- and 15-minute load averages when the scenario started and finished. */
  loadAverage: { start: number[]; end: number[] };
  settings: RunSettings;
  baseline: SideReport;
  candidate: SideReport;
  /** The scenario's informative second baseline, if it has one (never judged). */
  informative?: SideReport;
  /** candidate ÷ baseline. */
  ratio: Ratio;
  /**
   * Candidate p50 − baseline p50 in ms (medians of the rounds' exact p50s), and the same difference round by round
   * (round i of the candidate against round i of the baseline, run one after the other): how far it wanders.
   */
  p50Delta: { ms: number; byRound: number[] };
  /** candidate ÷ informative, when there is an informative side. */
  informativeRatio?: Ratio;
  targets: TargetCheck | null;
  /** False when a side failed too many requests or the database did not show the work: ignore the numbers. */
  valid: boolean;
  problems: string[];
}

export interface RunReport {
  startedAt: string;
  finishedAt: string;
  machine: ReturnType<typeof machineInfo> & { loadAverageAtEnd: number[] };
  git: ReturnType<typeof gitInfo>;
  database: { kind: 'embedded' | 'external'; serverVersion: string };
  /** Settings of every run but the connection count (each scenario report has its own). */
  settings: Omit<RunSettings, 'connections'>;
  scenarios: ScenarioReport[];
}

const median = medianOf;

export function summariseSide(label: string, rounds: RunStats[], warmup: RunStats | null): SideReport {
  const statusCodes: Record<string, number> = {};
  for (const r of rounds) for (const [code, n] of Object.entries(r.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  const sum = (f: (r: RunStats) => number) => rounds.reduce((acc, r) => acc + f(r), 0);
  const totals = {
    completed: sum((r) => r.completed),
    ok: sum((r) => r.ok),
    non2xx: sum((r) => r.non2xx),
    unexpectedStatus: sum((r) => r.unexpectedStatus),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    statusCodes,
  };
  return {
    label,
    median: {
      reqPerSec: Math.round(median(rounds.map((r) => r.reqPerSec)) * 10) / 10,
      p50Ms: median(rounds.map((r) => r.latencyMs.p50)),
      p50ExactMs: round2(median(rounds.map((r) => r.latencyMs.p50Exact))),
      p99Ms: median(rounds.map((r) => r.latencyMs.p99)),
      cpuUsPerRequest: median(rounds.flatMap((r) => (r.serverCpuUsPerRequest === null ? [] : [r.serverCpuUsPerRequest]))),
      dbCpuUsPerRequest: rounds.some((r) => r.dbCpuUsPerRequest === null) ? null : median(rounds.map((r) => r.dbCpuUsPerRequest as number)),
    },
    totals,
    failureRate: failureRate(totals),
    rounds,
    warmup,
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Candidate p50 − baseline p50 (medians of rounds, exact p50s), and round by round. */
export function p50DeltaOf(candidate: SideReport, baseline: SideReport): ScenarioReport['p50Delta'] {
  return {
    ms: round2(candidate.median.p50ExactMs - baseline.median.p50ExactMs),
    byRound: candidate.rounds.map((c, i) => round2(c.latencyMs.p50Exact - (baseline.rounds[i]?.latencyMs.p50Exact ?? Number.NaN))),
  };
}

export function ratioOf(candidate: SideReport, other: SideReport): Ratio {
  const c = candidate.median;
  const o = other.median;
  return {
    reqPerSec: Math.round((c.reqPerSec / o.reqPerSec) * 1000) / 1000,
    p99: Math.round((c.p99Ms / o.p99Ms) * 100) / 100,
    cpuPerRequest: Math.round((c.cpuUsPerRequest / o.cpuUsPerRequest) * 100) / 100,
    dbCpuPerRequest:
      c.dbCpuUsPerRequest === null || o.dbCpuUsPerRequest === null || o.dbCpuUsPerRequest === 0
        ? null
        : Math.round((c.dbCpuUsPerRequest / o.dbCpuUsPerRequest) * 100) / 100,
  };
}

/** The connection counts a scenario's targets are stated for, ascending order of appearance; [] without targets. */
export function targetConnections(all: readonly Targets[] | undefined): number[] {
  return [...new Set((all ?? []).map((t) => t.connections))];
}

/** Judges the targets stated for this run's connection count; null when none is. */
export function checkTargets(
  all: readonly Targets[] | undefined,
  settings: RunSettings,
  ratio: number,
  candidateP99: number,
  p50DeltaMs: number,
): TargetCheck | null {
  const targets = all?.find((t) => t.connections === settings.connections);
  if (!targets) return null;
  const results: TargetCheck['results'] = [];
  if (targets.minThroughputRatio !== undefined) {
    results.push({ name: 'req/s ratio ≥', limit: targets.minThroughputRatio, measured: ratio, pass: ratio >= targets.minThroughputRatio });
  }
  if (targets.maxCandidateP99Ms !== undefined) {
    results.push({
      name: 'candidate p99 ms ≤',
      limit: targets.maxCandidateP99Ms,
      measured: candidateP99,
      pass: candidateP99 <= targets.maxCandidateP99Ms,
    });
  }
  if (targets.maxP50DeltaMs !== undefined) {
    results.push({
      name: 'p50 candidate − baseline ms ≤',
      limit: targets.maxP50DeltaMs,
      measured: p50DeltaMs,
      pass: p50DeltaMs <= targets.maxP50DeltaMs,
    });
  }
  return { targets, results, pass: results.every((r) => r.pass) };
}

export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    availableParallelism: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    totalMemoryMiB: Math.round(os.totalmem() / 2 ** 20),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverageAtStart: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

export function gitInfo(): { commit: string | null; dirty: boolean | null } {
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: path.resolve(__dirname, '..', '..'),
      encoding: 'utf8',
      timeout: 5_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain').length > 0 };
  } catch {
    return { commit: null, dirty: null };
  }
}

function writeJson(file: string, data: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

/** bench/results/<scenario>-c<connections>-<timestamp>.json per scenario and connection count, and the whole run as bench/results/latest.json. */
export function writeResults(run: RunReport): string[] {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  // ISO 8601 basic-ish form: no colons, which some file systems refuse.
  const stamp = run.startedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '');
  const written: string[] = [];
  for (const s of run.scenarios) {
    const file = path.join(RESULTS_DIR, `${s.scenario}-c${s.settings.connections}-${stamp}.json`);
    writeJson(file, { ...s, machine: run.machine, git: run.git, database: run.database });
    written.push(file);
  }
  const latest = path.join(RESULTS_DIR, 'latest.json');
  writeJson(latest, run);
  written.push(latest);
  return written;
}

const int = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const pct = (n: number) => `${(n * 100).toFixed(2)}%`;

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

export function formatScenario(r: ScenarioReport): string {
  const s = r.settings;
  const lines: string[] = [];
  lines.push('');
  lines.push(`== ${r.scenario}: ${r.description}`);
  lines.push(
    `   ${s.connections} connections${s.rate ? ` at a fixed ${s.rate} req/s` : ''}, pool ${s.poolMax}; ${s.warmupSeconds} s warm-up, then ${s.rounds} rounds × ${s.roundSeconds} s per side, ` +
      'alternating baseline/candidate; medians of rounds',
  );
  const header = ['side', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'DB CPU µs/req', 'non-2xx', 'errors', 'fail %', 'req/s by round'];
  const sides = (['baseline', 'candidate', 'informative'] as const satisfies readonly Side[]).filter((side) => r[side] !== undefined);
  const rows = sides.map((side) => {
    const x = r[side]!;
    return [
      side,
      int.format(x.median.reqPerSec),
      x.median.p50ExactMs.toFixed(2),
      String(x.median.p99Ms),
      String(x.median.cpuUsPerRequest),
      String(x.median.dbCpuUsPerRequest ?? '-'),
      String(x.totals.non2xx),
      String(x.totals.errors),
      pct(x.failureRate),
      x.rounds.map((rd) => int.format(rd.reqPerSec)).join(' / '),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  lines.push(`   ${pad(header, widths)}`);
  for (const row of rows) lines.push(`   ${pad(row, widths)}`);
  const describeRatio = (name: string, x: Ratio) =>
    `   ratio candidate/${name} req/s: ${x.reqPerSec.toFixed(3)} (${(x.reqPerSec * 100).toFixed(1)}% of ${name}); ` +
    `p99 ${x.p99.toFixed(2)}×; server CPU per request ${x.cpuPerRequest.toFixed(2)}×; ` +
    `DB CPU per request ${x.dbCpuPerRequest === null ? '-' : `${x.dbCpuPerRequest.toFixed(2)}×`}`;
  lines.push(describeRatio('baseline', r.ratio));
  lines.push(
    `   p50 candidate − baseline: ${r.p50Delta.ms.toFixed(2)} ms (medians of rounds); round by round: ` +
      r.p50Delta.byRound.map((d) => d.toFixed(2)).join(' / '),
  );
  if (r.informativeRatio) lines.push(describeRatio('informative', r.informativeRatio));
  lines.push(`   baseline:    ${r.baseline.label}`);
  lines.push(`   candidate:   ${r.candidate.label}`);
  if (r.informative) lines.push(`   informative: ${r.informative.label} (not judged)`);
  lines.push(`   load average at start ${r.loadAverage.start.join(' ')}, at end ${r.loadAverage.end.join(' ')}`);
  if (!r.targets) {
    lines.push(s.rate ? '   targets: not judged at a fixed rate' : `   targets: none stated for ${s.connections} connections`);
  } else {
    const parts = r.targets.results.map(
      (x) =>
        `${x.name} ${x.limit}: ${x.measured.toFixed(x.name.includes('ratio') ? 3 : x.name.includes('p50') ? 2 : 0)} ${x.pass ? 'PASS' : 'MISS'}`,
    );
    lines.push(`   targets at ${s.connections} connections: ${parts.join('; ')}`);
  }
  for (const p of r.problems) lines.push(`   !! ${p}`);
  if (!r.valid) lines.push('   !! INVALID RUN: the numbers above do not measure the intended work');
  return lines.join('\n');
}
