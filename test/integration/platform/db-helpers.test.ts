import { Column, Entity, PrimaryColumn, type DataSource } from 'typeorm';
import { ENTITIES, UNMAPPED_COLUMNS } from '../../../src/entities';
import { lockAll, tryLock } from '../../../src/platform/db/advisory-locks';
import { createDataSource } from '../../../src/platform/db/data-source';
import { compareEntitiesWithDatabase } from '../../../src/platform/db/schema-check';
import { inTransaction } from '../../../src/platform/db/transaction';
import { createLogger } from '../../../src/platform/logger';
import { openTestDataSource, workerDatabaseUrl } from '../../support/db';

// Platform helpers on a real PostgreSQL: advisory locks, and the check that entities describe the migrated schema.

let ds: DataSource;
beforeAll(async () => {
  ds = await openTestDataSource();
});
afterAll(() => ds.destroy());

describe('advisory locks', () => {
  it('when another transaction holds a name, then tryLock answers false at once; after it ends, true', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = inTransaction(ds, async (tx) => {
      expect(await tryLock(tx, 'idempotency:test:key')).toBe(true);
      locked();
      await held;
    });
    await isLocked;
    expect(await inTransaction(ds, (tx) => tryLock(tx, 'idempotency:test:key'))).toBe(false);
    release();
    await holder;
    expect(await inTransaction(ds, (tx) => tryLock(tx, 'idempotency:test:key'))).toBe(true);
  });

  it('when many transactions lock overlapping sets of names given in different orders, then none deadlocks', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `death:2025-03-${10 + i}:2026-11-02`);
    const order = (i: number) => (i % 2 ? [...names].reverse() : names.slice(i % 4).concat(names.slice(0, i % 4)));
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        inTransaction(ds, async (tx) => {
          await lockAll(tx, order(i));
          await tx.query('SELECT pg_sleep(0.01)');
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill('fulfilled'));
  });
});

describe('entities against the migrated schema (npm run check:schema)', () => {
  it('when every entity is registered, then they match the migrations exactly', async () => {
    expect(await compareEntitiesWithDatabase(ds, { unmapped: UNMAPPED_COLUMNS })).toEqual([]);
  });

  it('when an entity disagrees with its table, or a table has no entity, then each difference is named', async () => {
    // A deliberately wrong description of `panels`: a missing column, a wrong type, a wrong nullability, an extra column.
    @Entity({ name: 'panels' })
    class WrongPanel {
      @PrimaryColumn({ type: 'uuid' }) id!: string;
      @Column({ type: 'integer' }) code!: number;
      @Column({ type: 'text', nullable: true }) name!: string | null;
      @Column({ type: 'text', nullable: true }) contact_email!: string | null;
      @Column({ type: 'timestamptz', default: () => 'now()' }) created_at!: Date;
      @Column({ type: 'integer', default: 1 }) version!: number;
      @Column({ type: 'text' }) nickname!: string;
    }
    const wrong = createDataSource({
      url: workerDatabaseUrl(),
      poolMax: 1,
      connectTimeoutMs: 5000,
      statementTimeoutMs: 15000,
      log: createLogger('silent'),
      entities: [WrongPanel, ...ENTITIES.filter((e) => e.name !== 'PanelEntity' && e.name !== 'AgencyEntity')],
    });
    await wrong.initialize();
    try {
      const problems = (await compareEntitiesWithDatabase(wrong, { unmapped: UNMAPPED_COLUMNS })).map(
        (d) => `${d.table}${d.column ? `.${d.column}` : ''}: ${d.problem}`,
      );
      expect(problems).toEqual(
        expect.arrayContaining([
          'panels.id: generated uuid: entity says false, table has true',
          'panels.code: type: entity says integer, table has text',
          'panels.name: nullable: entity says true, table has false',
          'panels.nickname: in the entity but not in the table',
          'panels.updated_at: in the table but not in the entity',
          'agencies: no entity describes this table',
        ]),
      );
      expect(problems).toHaveLength(7); // the six above and panels.id's default
    } finally {
      await wrong.destroy();
    }
  });
});
