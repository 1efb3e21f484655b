import fc from 'fast-check';
import request from 'supertest';
import { CASE_ACTIONS, HOLD_REASONS } from '../../../src/modules/cases';
import { startTestApp, type TestApp } from '../../support/app';
import { insertCase, seedCaseWorld, type CaseWorld } from '../../support/cases';
import { as, principal } from '../../support/principals';

// Who may call: a CDOP coordinator of the case's panel (cases:write); authorization itself is covered in
// actions.test.ts. The property: whatever sequence of actions is tried (allowed or refused), the status stored on
// the case is always the to_status of its latest log entry, the log chains (each entry starts where the last one
// ended), and the ETag version moves exactly once per accepted action.

let t: TestApp;
let w: CaseWorld;
beforeAll(async () => {
  t = await startTestApp();
  await t.reset();
  w = await seedCaseWorld(t.ds);
});
afterAll(() => t.close());

const coordinator = () => as(principal('cdop_coordinator', { panelIds: [w.panels.wor.id] }));

/** Actions a coordinator can send on their own, with the fields each needs. */
const SIMPLE_ACTIONS = CASE_ACTIONS.filter((a) => !['dismiss_flag', 'restore_flag', 'merge_duplicate', 'unmerge'].includes(a));
const actionArb = fc
  .constantFrom(...SIMPLE_ACTIONS)
  .chain((action): fc.Arbitrary<{ action: string; reason?: string; holdReason?: string }> => {
    switch (action) {
      case 'reopen':
        return fc.constant({ action, reason: 'New evidence from the coroner' });
      case 'place_hold':
        return fc.constantFrom(...HOLD_REASONS).map((holdReason) => ({ action, holdReason }));
      default:
        return fc.constant({ action });
    }
  });

interface LogRow {
  from_status: string | null;
  to_status: string;
}

test('when random action sequences are applied, then the stored status always equals the latest log entry', async () => {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(actionArb, { minLength: 1, maxLength: 12 }), async (actions) => {
      runs++;
      const c = await insertCase(t.ds, { panelId: w.panels.wor.id, notifierAgencyId: w.agencies.hospital, nhsNumber: null });
      let accepted = 0;
      for (const body of actions) {
        const res = await request(t.app).post(`/v1/cases/${c.id}/actions`).set(coordinator()).send(body);
        expect([200, 409]).toContain(res.status);
        if (res.status === 200) accepted++;
      }
      const [row] = await t.ds.query<{ status: string; version: number }[]>(`SELECT status, version FROM cases WHERE id = $1`, [c.id]);
      const log = await t.ds.query<LogRow[]>(`SELECT from_status, to_status FROM case_actions WHERE case_id = $1 ORDER BY id`, [c.id]);
      expect(row!.status).toBe(log[log.length - 1]!.to_status);
      for (let i = 1; i < log.length; i++) expect(log[i]!.from_status).toBe(log[i - 1]!.to_status);
      const [seeded] = await t.ds.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM case_actions WHERE case_id = $1 AND actor_type = 'system'`,
        [c.id],
      );
      // One log entry per accepted action (after the seeded ones), and the version moved with each.
      expect(log.length - 1 - seeded!.n).toBe(accepted);
      expect(row!.version).toBe(1 + accepted);
    }),
    { numRuns: 25, seed: 20261130 },
  );
  expect(runs).toBe(25);
});
