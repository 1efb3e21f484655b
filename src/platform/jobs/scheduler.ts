import type { DataSource } from 'typeorm';
import type { LocalDate } from '../time';
import type { Logger } from '../logger';
import { assertDailyTime, latestDailySlot } from './daily-slot';

/** What a daily job's handler is told about the run. */
export interface DailyRun {
  job: string;
  /** The instant the run was due (e.g. 08:00 London on `date`). */
  slot: Date;
  /** The London date of the slot: "today", for the job. */
  date: LocalDate;
  /** The scheduler's clock when the run started (later than `slot` when the run catches up). */
  now: Date;
  /** 1 for the first attempt at this slot; more after a failure or a takeover. */
  attempt: number;
}

export interface DailyJobOptions {
  /** London wall-clock time, `HH:MM` (not 01:00–01:59: see daily-slot.ts). */
  at: string;
  /**
   * How long a run may take before another instance presumes its runner dead
   * and takes the slot over. Default 15 minutes.
   */
  leaseMs?: number;
  /** Attempts at one slot before it is left failed. Default 5. */
  maxAttempts?: number;
  /** Wait after the first failure before the next attempt, doubled each time. Default 5 minutes. */
  retryAfterMs?: number;
}

export type DailyHandler = (run: DailyRun) => Promise<void>;

export interface RunOutcome {
  job: string;
  slot: Date;
  /** ran: this call ran it and it succeeded; failed: this call ran it and it threw; skipped: done, running elsewhere, or not yet to be retried. */
  outcome: 'ran' | 'failed' | 'skipped';
}

/**
 * Work that happens once a day at a London time, once in all: however many
 * instances ask, each (job, slot) runs on one of them. The clock is explicit:
 * production calls runDueWork(new Date()) on every tick of the job queue
 * (job-queue.ts), tests call it with any instant they like.
 */
export interface Scheduler {
  /**
   * Registers a daily job. The handler does its own transactions, and must be
   * safe to run again for the same slot (after a failure, or when a runner
   * died mid-way): make each item's effect idempotent, e.g. with an outbox
   * dedupe key or a state check.
   */
  daily(name: string, options: DailyJobOptions, handler: DailyHandler): void;
  /**
   * Runs, one after another, every registered job whose latest slot at or
   * before `now` has not run yet (a slot missed while no instance was running
   * is caught up once; older missed slots are not replayed). Returns what
   * happened to each job; a handler's error is recorded and logged, not thrown.
   */
  runDueWork(now: Date): Promise<RunOutcome[]>;
  /** The registered jobs' names. */
  readonly jobs: readonly string[];
}

const NAME = /^[a-z][a-z0-9_.-]{0,63}$/;
const DEFAULTS = { leaseMs: 15 * 60_000, maxAttempts: 5, retryAfterMs: 5 * 60_000 };

interface Registered {
  name: string;
  at: string;
  leaseMs: number;
  maxAttempts: number;
  retryAfterMs: number;
  handler: DailyHandler;
}

/** An error's code or class name, safe to store: never its message (which may quote data). */
function errorCodeOf(err: unknown): string {
  const e = (err ?? {}) as { code?: unknown; name?: unknown };
  if (typeof e.code === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(e.code)) return e.code;
  if (typeof e.name === 'string' && /^[A-Za-z0-9_]{1,64}$/.test(e.name)) return e.name;
  return 'Error';
}

export function createScheduler(options: { dataSource: DataSource; log: Logger }): Scheduler {
  const { dataSource: ds, log } = options;
  const registered = new Map<string, Registered>();

  /** Takes the slot, or answers undefined when it is done, held by a live runner, or not yet to be retried. */
  async function claim(job: Registered, slot: Date, now: Date): Promise<number | undefined> {
    const rows: { attempts: number }[] = await ds.query(
      `INSERT INTO scheduled_runs AS r (job, slot, status, attempts, started_at, lease_until)
       VALUES ($1, $2, 'running', 1, $3, $4)
       ON CONFLICT (job, slot) DO UPDATE
          SET status = 'running', attempts = r.attempts + 1, started_at = EXCLUDED.started_at,
              lease_until = EXCLUDED.lease_until, retry_at = NULL, finished_at = NULL
        WHERE r.attempts < $5
          AND ((r.status = 'failed' AND r.retry_at <= EXCLUDED.started_at)
            OR (r.status = 'running' AND r.lease_until <= EXCLUDED.started_at))
       RETURNING attempts`,
      [job.name, slot, now, new Date(now.getTime() + job.leaseMs), job.maxAttempts],
    );
    return rows[0]?.attempts;
  }

  async function finish(job: Registered, slot: Date, attempt: number, at: Date, err?: unknown): Promise<void> {
    const code = err === undefined ? null : errorCodeOf(err);
    const retryAt = err === undefined ? null : new Date(at.getTime() + job.retryAfterMs * 2 ** (attempt - 1));
    // Only if the slot is still this attempt's: a runner that outlived its lease does not overwrite its successor.
    const [row]: { updated: number }[] = await ds.query(
      `WITH u AS (
         UPDATE scheduled_runs SET status = $4, finished_at = $5, retry_at = $6, last_error_code = $7
          WHERE job = $1 AND slot = $2 AND attempts = $3 AND status = 'running'
         RETURNING 1)
       SELECT count(*)::int AS updated FROM u`,
      [job.name, slot, attempt, err === undefined ? 'done' : 'failed', at, retryAt, code],
    );
    if (!row?.updated) log.warn({ job: job.name, slot, attempt }, 'scheduled run outlived its lease: another runner took the slot over');
  }

  return {
    get jobs() {
      return [...registered.keys()];
    },
    daily(name, opts, handler) {
      if (!NAME.test(name)) throw new RangeError(`a job name must match ${NAME.source}`);
      if (registered.has(name)) throw new Error(`daily job ${name} is already registered`);
      assertDailyTime(opts.at);
      registered.set(name, {
        name,
        at: opts.at,
        leaseMs: opts.leaseMs ?? DEFAULTS.leaseMs,
        maxAttempts: opts.maxAttempts ?? DEFAULTS.maxAttempts,
        retryAfterMs: opts.retryAfterMs ?? DEFAULTS.retryAfterMs,
        handler,
      });
    },
    async runDueWork(now) {
      const outcomes: RunOutcome[] = [];
      for (const job of registered.values()) {
        const { slot, date } = latestDailySlot(now, job.at);
        const attempt = await claim(job, slot, now);
        if (attempt === undefined) {
          outcomes.push({ job: job.name, slot, outcome: 'skipped' });
          continue;
        }
        // The run's own clock moves on from `now` as real time passes, so a test's clock stays in charge.
        const started = Date.now();
        const clock = () => new Date(now.getTime() + (Date.now() - started));
        log.info({ job: job.name, slot, attempt }, 'scheduled run started');
        try {
          await job.handler({ job: job.name, slot, date, now, attempt });
        } catch (err) {
          await finish(job, slot, attempt, clock(), err);
          log.error({ err, job: job.name, slot, attempt }, 'scheduled run failed');
          outcomes.push({ job: job.name, slot, outcome: 'failed' });
          continue;
        }
        await finish(job, slot, attempt, clock());
        log.info({ job: job.name, slot, attempt, ms: Date.now() - started }, 'scheduled run done');
        outcomes.push({ job: job.name, slot, outcome: 'ran' });
      }
      return outcomes;
    },
  };
}
