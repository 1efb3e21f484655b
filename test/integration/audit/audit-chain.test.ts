import type { DataSource } from 'typeorm';
import { audit, sealPending, verifyChain } from '../../../src/audit';
import { inTransaction } from '../../../src/platform/db/transaction';
import { sealEverything } from '../../support/audit';
import { openTestDataSource, truncateAll } from '../../support/db';

// The audit trail is append-only and tamper-evident. Writers never queue on a
// shared lock; the sealer links finished transactions into a SHA-256 chain,
// never skipping a row from a transaction still in flight. Tampering by
// someone with direct SQL access (here: a superuser switching triggers off)
// is found by verify.

let ds: DataSource;
beforeAll(async () => {
  ds = await openTestDataSource();
});
afterAll(() => ds.destroy());
beforeEach(() => truncateAll(ds));

const event = (i: number) => ({
  action: 'case.read',
  resourceType: 'case',
  resourceId: `case-${i}`,
  actor: { type: 'user' as const, id: `user-${i % 7}`, idpId: 'nhs' },
});

async function writeEvents(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await inTransaction(ds, (tx) => audit(tx, event(i)));
}

/** Runs `sql` as a superuser with triggers (and the FK) switched off: what an attacker with DB access could do. */
async function tamper(statement: string): Promise<void> {
  await ds.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await tx.query(statement);
  });
}

const sealAll = () => sealEverything(ds);

describe('append-only', () => {
  it('when the application updates, deletes or truncates audit rows, then the database refuses', async () => {
    await writeEvents(2);
    await sealAll();
    await expect(ds.query(`UPDATE audit_events SET action = 'case.delete'`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`TRUNCATE audit_events CASCADE`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM audit_chain`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`UPDATE audit_chain SET hash = prev_hash`)).rejects.toThrow(/append-only/);
  });
});

describe('sealing under concurrency', () => {
  it('when 50 concurrent clients write 10,000 events while the sealer runs, then every event is sealed once and verify passes', async () => {
    const clients = 50;
    const perClient = 20; // transactions per client
    const perTx = 10; // events per transaction
    let writing = true;
    const sealer = (async () => {
      let sealed = 0;
      while (writing) {
        sealed += await sealPending(ds);
        await new Promise((r) => setTimeout(r, 5));
      }
      return sealed;
    })();
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        for (let t = 0; t < perClient; t++) {
          await inTransaction(ds, async (tx) => {
            await audit(tx, ...Array.from({ length: perTx }, (_, k) => event(c * 1000 + t * perTx + k)));
            // Some transactions stay open a moment, so the sealer sees ids committed out of order.
            if ((c + t) % 9 === 0) await tx.query('SELECT pg_sleep(0.005)');
          });
        }
      }),
    );
    writing = false;
    await sealer;
    await sealAll();
    const [{ n, distinct }] = await ds.query(`SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct FROM audit_chain`);
    expect(n).toBe(clients * perClient * perTx);
    expect(distinct).toBe(n);
    expect(await verifyChain(ds)).toEqual({ ok: true, sealed: 10_000, unsealed: 0 });
  }, 60_000);

  it('when a transaction is still in flight, then its event is not skipped: it is sealed after it commits', async () => {
    await writeEvents(3);
    await sealAll();
    const runner = ds.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await audit(runner.manager, event(99));
      await writeEvents(3); // committed after the open one started
      for (let i = 0; i < 5; i++) await sealPending(ds);
      // The sealer stops at the oldest transaction still running: the three later
      // events wait with it rather than the open one being passed over for ever.
      expect(await verifyChain(ds)).toEqual({ ok: true, sealed: 3, unsealed: 3 });
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
    expect(await verifyChain(ds)).toEqual({ ok: true, sealed: 3, unsealed: 4 });
    await sealAll();
    expect(await verifyChain(ds)).toEqual({ ok: true, sealed: 7, unsealed: 0 });
  });
});

describe('tamper evidence', () => {
  beforeEach(async () => {
    await writeEvents(20);
    await sealAll();
    expect(await verifyChain(ds)).toEqual({ ok: true, sealed: 20, unsealed: 0 });
  });

  it('when a sealed event is edited, then verify reports the link where it was altered', async () => {
    const [{ id }] = await ds.query(`SELECT event_id AS id FROM audit_chain WHERE seq = 8`);
    await tamper(`UPDATE audit_events SET actor_id = 'someone-else' WHERE id = ${id}`);
    expect(await verifyChain(ds)).toMatchObject({ ok: false, sealed: 7, brokenAt: { seq: 8, problem: 'sealed event was altered' } });
  });

  it('when a sealed event is deleted, then verify reports it missing', async () => {
    const [{ id }] = await ds.query(`SELECT event_id AS id FROM audit_chain WHERE seq = 12`);
    await tamper(`DELETE FROM audit_events WHERE id = ${id}`);
    expect(await verifyChain(ds)).toMatchObject({ ok: false, brokenAt: { seq: 12, problem: 'sealed event is missing' } });
  });

  it('when an event and its link are both deleted, then verify reports the gap', async () => {
    const [{ id }] = await ds.query(`SELECT event_id AS id FROM audit_chain WHERE seq = 5`);
    await tamper(`DELETE FROM audit_chain WHERE seq = 5; DELETE FROM audit_events WHERE id = ${id}`);
    expect(await verifyChain(ds)).toMatchObject({ ok: false, sealed: 4, brokenAt: { problem: 'link 5 is missing' } });
  });

  it('when an event is inserted into the chain with a forged link, then verify finds the break', async () => {
    // Shift the tail up by one and splice a forged event in at seq 10, with a self-consistent hash.
    await tamper(`
      INSERT INTO audit_events (actor_type, actor_id, action, outcome) VALUES ('user', 'forger', 'case.read', 'success');
      UPDATE audit_chain SET seq = seq + 1000 WHERE seq >= 10;
      UPDATE audit_chain SET seq = seq - 999 WHERE seq >= 1010;
      INSERT INTO audit_chain (seq, event_id, prev_hash, hash, watermark)
        SELECT 10, (SELECT max(id) FROM audit_events), c.hash, sha256(c.hash), c.watermark FROM audit_chain c WHERE c.seq = 9;`);
    const r = await verifyChain(ds);
    expect(r.ok).toBe(false);
    expect(r).toMatchObject({ brokenAt: { seq: 10 } });
  });

  it('when an event is inserted directly behind the sealer, then verify flags it even before it could be sealed', async () => {
    const [{ wm }] = await ds.query(`SELECT (watermark::text::bigint - 1)::text AS wm FROM audit_chain ORDER BY seq DESC LIMIT 1`);
    await tamper(
      `INSERT INTO audit_events (actor_type, actor_id, action, outcome, tx_id) VALUES ('user', 'forger', 'case.read', 'success', '${wm}'::xid8)`,
    );
    expect(await verifyChain(ds)).toMatchObject({
      ok: false,
      unsealed: 1,
      brokenAt: { seq: null, problem: 'event inserted behind the sealed part of the chain' },
    });
  });
});
