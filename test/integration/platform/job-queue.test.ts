import type { DataSource } from 'typeorm';
import { createScheduler, JOBS_SCHEMA, startJobQueue, TICK_QUEUE, type JobQueue, type Scheduler } from '../../../src/platform/jobs';
import { capturingLogger } from '../../support/app';
import { openTestDataSource, truncateAll } from '../../support/db';

// The job queue (pg-boss 10, src/platform/jobs/job-queue.ts) on a real PostgreSQL: two instances,
// each with its own pool and its own pg-boss, ticking the same schedule. The scheduler's clock is
// fixed (a Monday, 09:00), so the daily job is due on every tick; pg-boss's own cron runs on real
// time, shortened here to a tick every second.

let ds: DataSource;
let ds2: DataSource;
const queues: JobQueue[] = [];
const { log } = capturingLogger('warn');

beforeAll(async () => {
  ds = await openTestDataSource();
  ds2 = await openTestDataSource();
  await truncateAll(ds);
});

afterAll(async () => {
  for (const q of queues.splice(0)) await q.stop(2_000);
  await ds2?.destroy();
  await ds?.destroy();
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('two instances running the job queue', () => {
  it('when the scheduled tick fires, then each tick job is handled by one instance, and the daily job due runs once in all', async () => {
    const fixedClock = () => new Date('2027-01-04T09:00:00Z');
    const ticks: { instance: string; now: Date }[] = [];
    const dailyRuns: { instance: string; date: string }[] = [];

    const instance = async (name: string, dataSource: DataSource) => {
      const scheduler = createScheduler({ dataSource, log });
      scheduler.daily('test-daily', { at: '08:00' }, async (run) => {
        dailyRuns.push({ instance: name, date: run.date });
        // Long enough that the other instance would overlap, were it given the same work.
        await new Promise((resolve) => setTimeout(resolve, 300));
      });
      // Count the ticks this instance handles.
      const counting: Scheduler = {
        jobs: scheduler.jobs,
        daily: scheduler.daily.bind(scheduler),
        runDueWork: (now) => {
          ticks.push({ instance: name, now });
          return scheduler.runDueWork(now);
        },
      };
      const queue = await startJobQueue({
        dataSource,
        scheduler: counting,
        log,
        clock: fixedClock,
        tickCron: '* * * * * *',
        pollingIntervalSeconds: 0.5,
        pgBoss: { cronMonitorIntervalSeconds: 1, cronWorkerIntervalSeconds: 1 },
      });
      queues.push(queue);
    };
    await Promise.all([instance('a', ds), instance('b', ds2)]);

    await waitFor(() => dailyRuns.length >= 1 && ticks.length >= 1);
    // Give both instances time to poll again: a second handling of the same tick, or a second daily run, would show now.
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    expect(dailyRuns).toHaveLength(1);
    expect(dailyRuns[0]!.date).toBe('2027-01-04');
    expect(ticks.every((t) => t.now.toISOString() === '2027-01-04T09:00:00.000Z')).toBe(true);
    // pg-boss made one tick job per cron window (a minute), however many instances evaluate the schedule,
    // and each was handled exactly once.
    const [{ jobs }] = await ds.query(
      `SELECT count(*)::int AS jobs FROM (SELECT id FROM ${JOBS_SCHEMA}.job WHERE name = $1 AND state = 'completed'
                                          UNION ALL SELECT id FROM ${JOBS_SCHEMA}.archive WHERE name = $1) j`,
      [TICK_QUEUE],
    );
    expect(ticks.length).toBe(jobs);
    expect(jobs).toBeGreaterThanOrEqual(1);
    expect(jobs).toBeLessThanOrEqual(2); // two if the test straddled a minute boundary
    const runs = await ds.query(`SELECT job, status, attempts FROM scheduled_runs`);
    expect(runs).toEqual([{ job: 'test-daily', status: 'done', attempts: 1 }]);

    // Stopping: each instance stops taking jobs and closes its own pool (pg-boss's connections, named `…:jobs`).
    const jobConnections = async (): Promise<number> =>
      (
        await ds.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cdop-api:jobs'`,
        )
      )[0].n;
    expect(await jobConnections()).toBeGreaterThan(0);
    for (const q of queues.splice(0)) await q.stop(2_000);
    await waitFor(async () => (await jobConnections()) === 0, 5_000);
  });
});
