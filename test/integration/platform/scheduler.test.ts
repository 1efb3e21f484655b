import type { DataSource } from 'typeorm';
import { createScheduler, type DailyRun, type Scheduler } from '../../../src/platform/jobs';
import { capturingLogger } from '../../support/app';
import { openTestDataSource, truncateAll } from '../../support/db';

// Daily jobs (src/platform/jobs/scheduler.ts) on a real PostgreSQL, driven by an explicit clock:
// runDueWork(now) is what the job queue's tick calls in production with the real time.

let ds: DataSource;
let ds2: DataSource;
const { log, lines } = capturingLogger('info');

const at = (iso: string) => new Date(iso);

function scheduler(dataSource = ds): Scheduler {
  return createScheduler({ dataSource, log });
}

async function runRows(): Promise<{ job: string; slot: Date; status: string; attempts: number; last_error_code: string | null }[]> {
  return ds.query(`SELECT job, slot, status, attempts, last_error_code FROM scheduled_runs ORDER BY slot`);
}

beforeAll(async () => {
  ds = await openTestDataSource();
  ds2 = await openTestDataSource();
});

beforeEach(async () => {
  await truncateAll(ds);
  lines.length = 0;
});

afterAll(async () => {
  await ds2?.destroy();
  await ds?.destroy();
});

describe('a daily job at 08:00 London', () => {
  it('when the clock reaches 08:00, then it runs once for that day, and not again until 08:00 the next day', async () => {
    const runs: DailyRun[] = [];
    const s = scheduler();
    s.daily('test-daily', { at: '08:00' }, async (run) => void runs.push(run));

    const first = await s.runDueWork(at('2027-01-04T08:00:00Z'));
    expect(first).toEqual([{ job: 'test-daily', slot: at('2027-01-04T08:00:00Z'), outcome: 'ran' }]);
    for (const now of ['2027-01-04T08:00:00Z', '2027-01-04T17:30:00Z', '2027-01-05T07:59:59Z']) {
      expect((await s.runDueWork(at(now)))[0]!.outcome).toBe('skipped');
    }
    expect((await s.runDueWork(at('2027-01-05T08:00:01Z')))[0]!.outcome).toBe('ran');

    expect(runs.map((r) => [r.date, r.slot.toISOString(), r.attempt])).toEqual([
      ['2027-01-04', '2027-01-04T08:00:00.000Z', 1],
      ['2027-01-05', '2027-01-05T08:00:00.000Z', 1],
    ]);
    expect(runs[1]!.now).toEqual(at('2027-01-05T08:00:01Z'));
    expect((await runRows()).map((r) => r.status)).toEqual(['done', 'done']);
  });

  it('when London is on summer time, then 08:00 is 07:00 UTC, across both clock changes', async () => {
    const slots: string[] = [];
    const s = scheduler();
    s.daily('test-daily', { at: '08:00' }, async (run) => void slots.push(`${run.date} ${run.slot.toISOString()}`));
    // The clocks go forward on Sunday 28 March 2027 and back on Sunday 31 October 2027.
    for (const now of ['2027-03-27T08:00:00Z', '2027-03-28T07:00:00Z', '2027-10-30T07:00:00Z', '2027-10-31T08:00:00Z']) {
      await s.runDueWork(at(now));
    }
    expect(slots).toEqual([
      '2027-03-27 2027-03-27T08:00:00.000Z',
      '2027-03-28 2027-03-28T07:00:00.000Z',
      '2027-10-30 2027-10-30T07:00:00.000Z',
      '2027-10-31 2027-10-31T08:00:00.000Z',
    ]);
    // A minute before 08:00 BST it is not yet the day's run.
    const early = await s.runDueWork(at('2027-06-01T06:59:00Z'));
    expect(early[0]!.slot).toEqual(at('2027-05-31T07:00:00Z'));
  });

  it('when no instance ran at 08:00 (all were down), then the next call catches the day up, once, and older days are not replayed', async () => {
    const dates: string[] = [];
    const s = scheduler();
    s.daily('test-daily', { at: '08:00' }, async (run) => void dates.push(run.date));
    await s.runDueWork(at('2027-01-04T08:00:00Z'));
    // Down from the 5th to the 7th at noon.
    await s.runDueWork(at('2027-01-07T12:00:00Z'));
    await s.runDueWork(at('2027-01-07T12:01:00Z'));
    expect(dates).toEqual(['2027-01-04', '2027-01-07']);
  });

  it('when two instances ask at the same moment, then the job runs on one of them only', async () => {
    let running = 0;
    let ran = 0;
    const handler = async () => {
      running++;
      ran++;
      expect(running).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      running--;
    };
    const a = scheduler(ds);
    const b = scheduler(ds2);
    a.daily('test-daily', { at: '08:00' }, handler);
    b.daily('test-daily', { at: '08:00' }, handler);
    const now = at('2027-01-04T08:00:00Z');
    const outcomes = (await Promise.all([a.runDueWork(now), b.runDueWork(now), a.runDueWork(now), b.runDueWork(now)])).flat();
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['ran', 'skipped', 'skipped', 'skipped']);
    expect(ran).toBe(1);
    expect(await runRows()).toMatchObject([{ status: 'done', attempts: 1 }]);
  });

  it('when a run fails, then its error code is kept, it is retried after the wait (doubling), and given up after maxAttempts', async () => {
    let calls = 0;
    const s = scheduler();
    s.daily('test-daily', { at: '08:00', retryAfterMs: 60_000, maxAttempts: 3 }, async () => {
      calls++;
      throw Object.assign(new Error('the upstream system did not answer'), { code: 'UPSTREAM_DOWN' });
    });
    const t0 = at('2027-01-04T08:00:00Z').getTime();
    const after = (ms: number) => new Date(t0 + ms);
    expect((await s.runDueWork(after(0)))[0]!.outcome).toBe('failed');
    expect(await runRows()).toMatchObject([{ status: 'failed', attempts: 1, last_error_code: 'UPSTREAM_DOWN' }]);
    expect((await s.runDueWork(after(30_000)))[0]!.outcome).toBe('skipped');
    expect((await s.runDueWork(after(61_000)))[0]!.outcome).toBe('failed');
    // Second wait: 2 minutes after the second failure.
    expect((await s.runDueWork(after(61_000 + 100_000)))[0]!.outcome).toBe('skipped');
    expect((await s.runDueWork(after(61_000 + 121_000)))[0]!.outcome).toBe('failed');
    // Three attempts: no more for this day.
    expect((await s.runDueWork(after(3_600_000)))[0]!.outcome).toBe('skipped');
    expect(calls).toBe(3);
    expect(await runRows()).toMatchObject([{ status: 'failed', attempts: 3 }]);
    // The row keeps the code, never the message.
    expect(JSON.stringify(await ds.query(`SELECT * FROM scheduled_runs`))).not.toContain('did not answer');
    expect(lines.some((l) => l.includes('scheduled run failed'))).toBe(true);
    // The next day is a fresh slot.
    expect((await s.runDueWork(at('2027-01-05T08:00:00Z')))[0]!.outcome).toBe('failed');
  });

  it('when a runner holds a slot past its lease (presumed dead), then another instance takes it over, and the late runner does not overwrite the outcome', async () => {
    let releaseFirst!: () => void;
    const firstBlocked = new Promise<void>((resolve) => (releaseFirst = resolve));
    const attempts: number[] = [];
    const a = scheduler(ds);
    const b = scheduler(ds2);
    a.daily('test-daily', { at: '08:00', leaseMs: 60_000 }, async (run) => {
      attempts.push(run.attempt);
      await firstBlocked;
    });
    b.daily('test-daily', { at: '08:00', leaseMs: 60_000 }, async (run) => void attempts.push(run.attempt));
    const t0 = at('2027-01-04T08:00:00Z').getTime();

    const first = a.runDueWork(new Date(t0));
    await waitFor(() => attempts.length === 1);
    expect((await b.runDueWork(new Date(t0 + 30_000)))[0]!.outcome).toBe('skipped');
    expect((await b.runDueWork(new Date(t0 + 61_000)))[0]!.outcome).toBe('ran');
    releaseFirst();
    await first;
    expect(attempts).toEqual([1, 2]);
    expect(await runRows()).toMatchObject([{ status: 'done', attempts: 2 }]);
    expect(lines.some((l) => l.includes('outlived its lease'))).toBe(true);
  });
});

describe('registering a daily job', () => {
  it('when the time is malformed or in the hour the clocks change, the name is malformed, or the name is taken, then it is refused', () => {
    const s = scheduler();
    const noop = async () => undefined;
    expect(() => s.daily('x', { at: '8:00' }, noop)).toThrow(RangeError);
    expect(() => s.daily('x', { at: '24:00' }, noop)).toThrow(RangeError);
    expect(() => s.daily('x', { at: '01:30' }, noop)).toThrow(/01:00 to 01:59/);
    expect(() => s.daily('Daily Job', { at: '08:00' }, noop)).toThrow(RangeError);
    s.daily('x', { at: '00:30' }, noop);
    expect(() => s.daily('x', { at: '08:00' }, noop)).toThrow(/already registered/);
    expect(s.jobs).toEqual(['x']);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
