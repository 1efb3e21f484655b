import type { DataSource } from 'typeorm';
import { audit, flushAudit } from '../../../src/audit';
import { inTransaction } from '../../../src/platform/db/transaction';
import { openTestDataSource, truncateAll } from '../../support/db';

// The audit writer on a real PostgreSQL: events commit or roll back with their command, written in one statement.

let ds: DataSource;
beforeAll(async () => {
  ds = await openTestDataSource();
});
afterAll(() => ds.destroy());
beforeEach(() => truncateAll(ds));

const actions = async () => ((await ds.query(`SELECT action FROM audit_events ORDER BY id`)) as { action: string }[]).map((r) => r.action);

it('when a command records several events, then they are written in order, in one statement, when it commits', async () => {
  await inTransaction(ds, async (tx) => {
    await audit(tx, { action: 'test.first' });
    await audit(tx, { action: 'test.second' }, { action: 'test.third' });
    const [{ n }] = (await tx.query(`SELECT count(*)::int AS n FROM audit_events`)) as [{ n: number }];
    expect(n).toBe(0); // gathered, not yet written
  });
  expect(await actions()).toEqual(['test.first', 'test.second', 'test.third']);
  const [{ txs }] = (await ds.query(`SELECT count(DISTINCT tx_id)::int AS txs FROM audit_events`)) as [{ txs: number }];
  expect(txs).toBe(1);
});

it('when the command fails, then none of its events is written', async () => {
  await expect(
    inTransaction(ds, async (tx) => {
      await audit(tx, { action: 'test.lost' });
      throw new Error('refused');
    }),
  ).rejects.toThrow('refused');
  expect(await actions()).toEqual([]);
});

it('when flushAudit is called, then the events so far are written at once, and later ones at commit', async () => {
  await inTransaction(ds, async (tx) => {
    await audit(tx, { action: 'test.before_lock' });
    await flushAudit(tx);
    const [{ n }] = (await tx.query(`SELECT count(*)::int AS n FROM audit_events`)) as [{ n: number }];
    expect(n).toBe(1);
    await audit(tx, { action: 'test.after_lock' });
  });
  expect(await actions()).toEqual(['test.before_lock', 'test.after_lock']);
});

it('when the transaction was not opened by inTransaction, then events are written at once (never lost)', async () => {
  await ds.transaction(async (tx) => {
    await audit(tx, { action: 'test.immediate' });
    const [{ n }] = (await tx.query(`SELECT count(*)::int AS n FROM audit_events`)) as [{ n: number }];
    expect(n).toBe(1);
  });
  expect(await actions()).toEqual(['test.immediate']);
});
