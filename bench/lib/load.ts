import autocannon from 'autocannon';
import type { BenchRequest, Scenario } from './scenario';

/** Every request of the run gets the next number, so bodies stay unique across rounds and sides. */
let sequence = 0;

export function nextRequest(scenario: Scenario): BenchRequest {
  return scenario.request(++sequence);
}

export interface RunStats {
  /** Measured, seconds. */
  durationS: number;
  /** Responses received (any status). */
  completed: number;
  reqPerSec: number;
  /**
   * autocannon's percentiles come from its histogram in whole milliseconds; `p50Exact` is the median of the 2xx
   * responses' own times (what autocannon measured for each, before its histogram rounded it), in ms to 0.01: the
   * resolution a target of a couple of milliseconds needs.
   */
  latencyMs: { mean: number; p50: number; p50Exact: number; p90: number; p99: number; p99_9: number; max: number };
  ok: number;
  non2xx: number;
  /** Responses whose status is not the scenario's expectedStatus (non-2xx included). */
  unexpectedStatus: number;
  /** Socket errors, timeouts included. */
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /**
   * Server process CPU time (user + system) per completed request, in µs; set by the runner.
   * Less sensitive to a busy machine than req/s: a side that is starved of CPU serves fewer
   * requests but spends about the same CPU on each.
   */
  serverCpuUsPerRequest: number | null;
  /** CPU time of the PostgreSQL processes per completed request, in µs (bench/lib/db-cpu.ts); set by the runner. */
  dbCpuUsPerRequest: number | null;
}

/** Share of requests that failed: an unexpected status (any non-2xx among them) or a socket error/timeout. */
export function failureRate(s: Pick<RunStats, 'completed' | 'unexpectedStatus' | 'errors'>): number {
  const attempts = s.completed + s.errors;
  return attempts === 0 ? 1 : (s.unexpectedStatus + s.errors) / attempts;
}

interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  /** Fixed offered load in req/s (autocannon overallRate); absent: closed loop, as fast as the connections go. */
  rate?: number;
  signal?: AbortSignal;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** The median of the values (NaN for none); sorts a copy. */
export function medianOf(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = Float64Array.from(values).sort();
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * One autocannon run against 127.0.0.1. Bounded: autocannon stops itself after
 * `durationS`; a watchdog stops it 20 s later and gives up 40 s later.
 */
export async function runLoad(scenario: Scenario, o: LoadOptions): Promise<RunStats> {
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(o.url)) throw new Error(`load goes only to 127.0.0.1, not ${o.url}`);
  if (o.signal?.aborted) throw new Error('aborted');
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const timers: NodeJS.Timeout[] = [];
    const finish = (fn: () => void) => {
      timers.forEach(clearTimeout);
      o.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const instance = autocannon(
      {
        url: o.url,
        connections: o.connections,
        duration: o.durationS,
        pipelining: 1,
        timeout: 10,
        ...(o.rate ? { overallRate: o.rate } : {}),
        requests: [
          {
            setupRequest: (req) => {
              const r = nextRequest(scenario);
              return { ...req, method: r.method, path: r.path, headers: { ...req.headers, ...r.headers }, body: r.body ?? '' };
            },
          },
        ],
      },
      (err, res) => finish(() => (err ? reject(err) : resolve(res))),
    );
    // Every 2xx response's time, as autocannon measured it (hrtime, fractional ms): a few thousand numbers a run.
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
    });
    const onAbort = () => instance.stop();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    timers.push(setTimeout(() => instance.stop(), (o.durationS + 20) * 1000));
    timers.push(
      setTimeout(() => finish(() => reject(new Error(`load run did not finish within ${o.durationS + 40} s`))), (o.durationS + 40) * 1000),
    );
  });
  if (o.signal?.aborted) throw new Error('aborted');

  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) statusCodes[code] = count;
  const completed = result.requests.total;
  const durationS = result.duration > 0 ? result.duration : o.durationS;
  return {
    durationS,
    completed,
    reqPerSec: round1(completed / durationS),
    latencyMs: {
      mean: round1(result.latency.mean),
      p50: result.latency.p50,
      p50Exact: Math.round(medianOf(times) * 100) / 100,
      p90: result.latency.p90,
      p99: result.latency.p99,
      p99_9: result.latency.p99_9,
      max: result.latency.max,
    },
    ok: result['2xx'],
    non2xx: result.non2xx,
    unexpectedStatus: completed - (statusCodes[String(scenario.expectedStatus)] ?? 0),
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    serverCpuUsPerRequest: null,
    dbCpuUsPerRequest: null,
  };
}
