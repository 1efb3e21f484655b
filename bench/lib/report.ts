import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { failureRate, type RunStats } from './load';
import type { Side, Targets } from './scenario';

export const RESULTS_DIR = path.resolve(__dirname, '..', 'results');

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
  median: { reqPerSec: number; p50Ms: number; p99Ms: number; cpuUsPerRequest: number; dbCpuUsPerRequest: number | null };
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
  judged: boolean;
  results: { name: string; limit: number; measured: number; pass: boolean }[];
  pass: boolean;
}

export interface ScenarioReport {
  scenario: string;
  description: string;
  startedAt: string;
  finishedAt: string;
  settings: RunSettings;
  baseline: SideReport;
  candidate: SideReport;
  ratio: {
    /** candidate ÷ baseline, medians of rounds: the number the targets are written against. */
    reqPerSec: number;
    p99: number;
    /** Server CPU time per request, candidate ÷ baseline: how much more work each request costs, however busy the machine. */
    cpuPerRequest: number;
  };
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
  settings: RunSettings;
  scenarios: ScenarioReport[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

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

export function checkTargets(targets: Targets | undefined, settings: RunSettings, ratio: number, candidateP99: number): TargetCheck | null {
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
  const judged = targets.connections === undefined || targets.connections === settings.connections;
  return { targets, judged, results, pass: results.every((r) => r.pass) };
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

/** bench/results/<scenario>-<timestamp>.json per scenario, and the whole run as bench/results/latest.json. */
export function writeResults(run: RunReport): string[] {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  // ISO 8601 basic-ish form: no colons, which some file systems refuse.
  const stamp = run.startedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '');
  const written: string[] = [];
  for (const s of run.scenarios) {
    const file = path.join(RESULTS_DIR, `${s.scenario}-${stamp}.json`);
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
  const rows = (['baseline', 'candidate'] as const satisfies readonly Side[]).map((side) => {
    const x = r[side];
    return [
      side,
      int.format(x.median.reqPerSec),
      String(x.median.p50Ms),
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
  lines.push(
    `   ratio candidate/baseline req/s: ${r.ratio.reqPerSec.toFixed(3)} (${(r.ratio.reqPerSec * 100).toFixed(1)}% of baseline); ` +
      `p99 ${r.ratio.p99.toFixed(2)}× baseline; server CPU per request ${r.ratio.cpuPerRequest.toFixed(2)}× baseline`,
  );
  lines.push(`   baseline:  ${r.baseline.label}`);
  lines.push(`   candidate: ${r.candidate.label}`);
  if (!r.targets) lines.push(s.rate ? '   targets: not judged at a fixed rate' : '   targets: none for this scenario');
  else {
    const t = r.targets;
    const parts = t.results.map(
      (x) => `${x.name} ${x.limit}: ${x.measured.toFixed(x.name.includes('ratio') ? 3 : 0)} ${x.pass ? 'PASS' : 'MISS'}`,
    );
    lines.push(`   targets${t.judged ? '' : ` (stated for ${t.targets.connections} connections: not judged)`}: ${parts.join('; ')}`);
  }
  for (const p of r.problems) lines.push(`   !! ${p}`);
  if (!r.valid) lines.push('   !! INVALID RUN: the numbers above do not measure the intended work');
  return lines.join('\n');
}
