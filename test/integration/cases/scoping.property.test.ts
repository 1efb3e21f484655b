import fc from 'fast-check';
import request from 'supertest';
import { ROLES, type Role } from '../../../src/access/roles';
import { canIdentifyChild, canSeeCase } from '../../../src/modules/cases/case-scope';
import { startTestApp, type TestApp } from '../../support/app';
import { caseFingerprint, insertCase, insertFlag, seedCaseWorld, type CaseWorld } from '../../support/cases';
import { as, principal } from '../../support/principals';

// Who may call: anyone; the property varies the caller. It proves row scoping end to end, through the real app and
// database: for every role (and pairs of roles) × panels × agency × operation, a case outside the caller's panels (or
// outside the unassigned queue, for administrators) is 404 and left untouched, a caller lacking the operation's
// permission is 403, and an in-scope caller is served — identified only when canIdentifyChild says so.

let t: TestApp;
let w: CaseWorld;
let cases: { id: string; panelId: string | null }[];

beforeAll(async () => {
  t = await startTestApp();
  await t.reset(); // once: the seeded cases are reused by every run
  w = await seedCaseWorld(t.ds);
  cases = [];
  for (const panelId of [
    w.panels.wor.id,
    w.panels.her.id,
    w.panels.shr.id,
    null,
    w.panels.wor.id,
    w.panels.her.id,
    w.panels.shr.id,
    null,
  ]) {
    const c = await insertCase(t.ds, {
      panelId,
      notifierAgencyId: w.agencies.hospital,
      agencyIds: [w.agencies.hospital, w.agencies.police],
      localAuthority: panelId ? 'E10000034' : 'E09000033',
    });
    cases.push({ id: c.id, panelId });
  }
  await insertFlag(t.ds, cases[1]!.id, { relatedCaseId: cases[0]!.id }); // a pair flag across two panels
});
afterAll(() => t.close());

const OPERATIONS = ['get', 'patch', 'action', 'history', 'notifications', 'list'] as const;
type Operation = (typeof OPERATIONS)[number];
const NEEDS: Record<Operation, 'cases:read' | 'cases:write'> = {
  get: 'cases:read',
  patch: 'cases:write',
  action: 'cases:write',
  history: 'cases:read',
  notifications: 'cases:read',
  list: 'cases:read',
};
const NOT_A_PANEL = '9d5e2c4b-1a3f-4e6d-8b7c-0f1e2d3c4b5a';

async function everything(): Promise<string[]> {
  return Promise.all(cases.map((c) => caseFingerprint(t.ds, c.id)));
}

it('when any caller tries any case operation, then out-of-scope cases are 404 and unchanged, missing permissions are 403, and in-scope calls are served', async () => {
  const seen = { notFound: 0, forbidden: 0, served: 0 };
  const panelIdsArb = fc.subarray([w.panels.wor.id, w.panels.her.id, w.panels.shr.id, NOT_A_PANEL]);
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<Role>(...ROLES),
      fc.option(fc.constantFrom<Role>(...ROLES), { nil: undefined }),
      panelIdsArb,
      fc.option(fc.constantFrom(w.agencies.hospital, w.agencies.gp, w.agencies.police), { nil: null }),
      fc.constantFrom(...OPERATIONS),
      fc.nat({ max: 7 }),
      fc.integer({ min: 1, max: 10 }),
      async (role, extra, panelIds, agencyId, op, index, category) => {
        const roles = extra && extra !== role ? [role, extra] : [role];
        const p = principal(role, { roles, panelIds, agencyId });
        const who = as(p);
        const target = cases[index]!;
        const before = await everything();
        const visible = canSeeCase(p, target);
        const permitted = p.permissions.has(NEEDS[op]);

        if (op === 'list') {
          const res = await request(t.app).get('/v1/cases').query({ limit: 100 }).set(who);
          if (!permitted) {
            expect(res.status).toBe(403);
            seen.forbidden++;
            return;
          }
          expect(res.status).toBe(200);
          const ids = res.body.items.map((i: { id: string }) => i.id).sort();
          expect(ids).toEqual(
            cases
              .filter((c) => canSeeCase(p, c))
              .map((c) => c.id)
              .sort(),
          );
          for (const item of res.body.items as { panelId: string | null; child?: unknown }[]) {
            expect(item.child !== undefined).toBe(canIdentifyChild(p, item));
          }
          seen.served++;
          return;
        }

        const path = `/v1/cases/${target.id}`;
        const [{ version }] = await t.ds.query(`SELECT version FROM cases WHERE id = $1`, [target.id]);
        const [{ held }] = await t.ds.query(`SELECT hold_reason IS NOT NULL AS held FROM cases WHERE id = $1`, [target.id]);
        const res =
          op === 'get'
            ? await request(t.app).get(path).set(who)
            : op === 'patch'
              ? await request(t.app).patch(path).set(who).set('If-Match', `"v${version}"`).send({ category })
              : op === 'action'
                ? await request(t.app)
                    .post(`${path}/actions`)
                    .set(who)
                    .send(held ? { action: 'lift_hold' } : { action: 'place_hold', holdReason: 'awaiting_inquest' })
                : await request(t.app).get(`${path}/${op}`).set(who);

        if (!permitted) {
          expect(res.status).toBe(403);
          expect(await everything()).toEqual(before);
          seen.forbidden++;
        } else if (!visible) {
          expect(res.status).toBe(404);
          expect(res.body.code).toBe('CASE.NOT_FOUND');
          expect(await everything()).toEqual(before);
          seen.notFound++;
        } else {
          // Served. Holds cannot be placed on a queued case, which is a 409 from the workflow, not an access refusal.
          expect(op === 'action' && target.panelId === null ? [409] : [200]).toContain(res.status);
          if (op === 'get') expect(res.body.child !== undefined).toBe(canIdentifyChild(p, target));
          if (op === 'notifications') for (const n of res.body.items) expect(n.form !== undefined).toBe(canIdentifyChild(p, target));
          // Nothing but the target changed.
          const after = await everything();
          cases.forEach((c, i) => {
            if (c.id !== target.id) expect(after[i]).toBe(before[i]);
          });
          seen.served++;
        }
      },
    ),
    { numRuns: 60 },
  );
  // The runs reached every branch (the generators make each likely; 60 runs make missing one vanishingly rare).
  expect(seen.notFound).toBeGreaterThan(0);
  expect(seen.forbidden).toBeGreaterThan(0);
  expect(seen.served).toBeGreaterThan(0);
});
