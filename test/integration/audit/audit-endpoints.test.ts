import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { sealEverything } from '../../support/audit';
import { as, principal } from '../../support/principals';

// Who may call: auditors only (audit:read). Everyone else gets 403, and the
// refusal is itself audited. Reading the trail is audited too.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());
beforeEach(() => t.reset());

const auditor = as(principal('auditor'));
const coordinatorPrincipal = principal('cdop_coordinator');
const coordinator = as(coordinatorPrincipal);

it.each(['cdop_coordinator', 'administrator', 'panel_chair', 'panel_member', 'agency_contributor'] as const)(
  'when a %s asks for the audit trail, then 403 and the refusal is audited',
  async (role) => {
    const who = principal(role);
    const res = await request(t.app).get('/v1/audit-events').set(as(who));
    expect(res.status).toBe(403);
    expect(await t.ds.query(`SELECT action, outcome, actor_id FROM audit_events`)).toEqual([
      { action: 'access.denied', outcome: 'denied', actor_id: who.id },
    ]);
    expect((await request(t.app).get('/v1/audit/verify').set(as(who))).status).toBe(403);
  },
);

it('when anonymous, then 401', async () => {
  expect((await request(t.app).get('/v1/audit-events')).status).toBe(401);
});

it('when directory changes happen, then the auditor sees who did what, filterable and paginated, newest first', async () => {
  for (const name of ['A', 'B', 'C']) {
    expect((await request(t.app).post('/v1/agencies').set(coordinator).send({ name, type: 'other' })).status).toBe(201);
  }
  const first = await request(t.app).get('/v1/audit-events?limit=2&action=directory.agency.create').set(auditor);
  expect(first.status).toBe(200);
  expect(first.body.items).toHaveLength(2);
  expect(first.body.items[0]).toMatchObject({
    action: 'directory.agency.create',
    actorType: 'user',
    actorId: coordinatorPrincipal.id,
    outcome: 'success',
    resourceType: 'agency',
  });
  expect(first.body.items[0].requestId).toEqual(expect.any(String));
  expect(first.body.items[0].id).toBeGreaterThan(first.body.items[1].id);
  const second = await request(t.app)
    .get(`/v1/audit-events?limit=2&action=directory.agency.create&cursor=${first.body.nextCursor}`)
    .set(auditor);
  expect(second.body.items).toHaveLength(1);
  expect(second.body.nextCursor).toBeNull();
  const byActor = await request(t.app).get(`/v1/audit-events?actorId=${coordinatorPrincipal.id}&outcome=success`).set(auditor);
  expect(byActor.body.items.filter((e: { action: string }) => e.action === 'directory.agency.create')).toHaveLength(3);
  // The auditor's own searches are in the trail.
  const reads = await request(t.app).get('/v1/audit-events?action=audit.events.read').set(auditor);
  expect(reads.body.items.length).toBeGreaterThanOrEqual(3);
});

it('when the chain is intact, then verify says ok with sealed and unsealed counts; after tampering it reports the break', async () => {
  await request(t.app).post('/v1/agencies').set(coordinator).send({ name: 'A', type: 'other' });
  await sealEverything(t.ds);
  const ok = await request(t.app).get('/v1/audit/verify').set(auditor);
  expect(ok.status).toBe(200);
  expect(ok.body).toEqual({ ok: true, sealed: 1, unsealed: 0 });
  await t.ds.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await tx.query(`UPDATE audit_events SET outcome = 'failure'`);
  });
  const broken = await request(t.app).get('/v1/audit/verify').set(auditor);
  expect(broken.body).toMatchObject({ ok: false, brokenAt: { seq: 1, problem: 'sealed event was altered' } });
});

it('when filters are malformed, then 400 names them', async () => {
  const res = await request(t.app).get('/v1/audit-events?outcome=maybe&from=yesterday&action=DROP TABLE').set(auditor);
  expect(res.status).toBe(400);
  expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(
    expect.arrayContaining(['query.outcome', 'query.from', 'query.action']),
  );
});
