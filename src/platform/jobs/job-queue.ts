import PgBoss from 'pg-boss';
import type { DataSource } from 'typeorm';
import { lockAll } from '../db/advisory-locks';
import { poolOf } from '../db/data-source';
import { inTransaction } from '../db/transaction';
import { connectionOf } from '../db/listener';
import type { Logger } from '../logger';
import type { Scheduler } from './scheduler';

/**
 * The job queue: pg-boss on the service's own database, in the schema
 * `pgboss`, which pg-boss creates and migrates itself at start (under its own
 * advisory lock; the service's role needs CREATE on the database, or a DBA
 * runs `PgBoss.getConstructionPlans('pgboss')` once beforehand).
 *
 * Its one job today is the scheduler's tick: a pg-boss cron schedule (once a
 * minute) puts one `scheduler-tick` job in the queue however many instances
 * run (pg-boss debounces cron across instances), one instance's worker takes
 * it and calls scheduler.runDueWork(clock()). The scheduler itself makes each
 * daily run happen once, so a tick delivered twice, late, or to two instances
 * would do no harm either.
 */
export interface JobQueueOptions {
  dataSource: DataSource;
  scheduler: Scheduler;
  log: Logger;
  /** The scheduler's clock. Default: the real one. */
  clock?: () => Date;
  /** Cron of the tick (pg-boss syntax, UTC; a sixth, leading field is seconds). Default every minute. */
  tickCron?: string;
  /** How often the tick worker polls, in seconds. Default 10. */
  pollingIntervalSeconds?: number;
  /**
   * pg-boss settings (tests shorten its cron intervals). Connection settings
   * are not taken: pg-boss always gets a small pool of its own on the
   * service's database, since it runs multi-statement transactions that must
   * never leave a connection of the service's pool mid-transaction.
   */
  pgBoss?: Pick<PgBoss.ConstructorOptions, 'cronMonitorIntervalSeconds' | 'cronWorkerIntervalSeconds' | 'clockMonitorIntervalSeconds'>;
}

export interface JobQueue {
  /** Stops taking jobs, waits (up to timeoutMs) for the ones in hand, then closes pg-boss's pool. */
  stop(timeoutMs?: number): Promise<void>;
}

export const TICK_QUEUE = 'scheduler-tick';
export const JOBS_SCHEMA = 'pgboss';
const POOL_MAX = 3;

export async function startJobQueue(options: JobQueueOptions): Promise<JobQueue> {
  const { scheduler, log } = options;
  const clock = options.clock ?? (() => new Date());
  const connection = connectionOf(poolOf(options.dataSource));
  const boss = new PgBoss({
    ...options.pgBoss,
    connectionString: connection.connectionString,
    host: connection.host,
    port: connection.port,
    user: connection.user,
    password: typeof connection.password === 'string' ? connection.password : undefined,
    database: connection.database,
    ssl: connection.ssl,
    application_name: `${connection.application_name ?? 'node'}:jobs`.slice(0, 63),
    max: POOL_MAX,
    schema: JOBS_SCHEMA,
  });
  // pg-boss reports trouble (a lost connection, a failed poll) as events and carries on.
  boss.on('error', (err) => log.warn({ err }, 'job queue error'));
  try {
    // One instance at a time sets up (pg-boss's schema, its queues, the schedule): two instances creating a
    // queue at once can deadlock in pg-boss's DDL. The lock is held on a connection of the service's pool.
    await inTransaction(options.dataSource, async (tx) => {
      await lockAll(tx, ['platform.jobs.setup']);
      await boss.start();
      // stately: at most one tick waiting and one running; ticks never pile up behind a slow run.
      await boss.createQueue(TICK_QUEUE, { name: TICK_QUEUE, policy: 'stately', retryLimit: 0, expireInSeconds: 60 * 60 });
      await boss.schedule(TICK_QUEUE, options.tickCron ?? '* * * * *', {}, { tz: 'UTC' });
    });
    await boss.work(TICK_QUEUE, { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 10 }, async () => {
      await scheduler.runDueWork(clock());
    });
  } catch (err) {
    await boss.stop({ graceful: false, close: true }).catch(() => undefined);
    throw err;
  }
  log.info({ schema: JOBS_SCHEMA, jobs: scheduler.jobs }, 'job queue started');

  let stopping: Promise<void> | undefined;
  return {
    stop: (timeoutMs = 10_000) =>
      (stopping ??= (async () => {
        await boss.stop({ graceful: true, wait: true, close: true, timeout: timeoutMs });
        log.info('job queue stopped');
      })()),
  };
}
