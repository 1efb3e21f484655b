import request from 'supertest';
import { accessTokenFor, registerTestClient } from '../../support/api-clients';
import { startTestApp, type TestApp } from '../../support/app';
import { notification, nhsNumberFrom, seedDirectory, type Directory } from '../../support/notifications';
import { as, principal } from '../../support/principals';

// Who may call GET /v1/notifications and GET /v1/notifications/{notificationId} (notifications:read):
// - agency contributors and agency systems (scope notifications:read): their own agency's notifications only;
// - CDOP coordinators: the notifications of their panels' cases;
// - panel members, chairs, auditors, administrators: 403; a system without the scope: 403; anonymous: 401;
// - any notification outside the caller's reach: 404, whether or not it exists.

let t: TestApp;
/** The same service with its real authentication (bearer tokens), for the scope check. */
let real: TestApp;
let dir: Directory;
beforeAll(async () => {
  t = await startTestApp();
  real = await startTestApp({}, { realAuth: true });
});
afterAll(async () => {
  await real.close();
  await t.close();
});
beforeEach(async () => {
  await t.reset();
  dir = await seedDirectory(t.ds);
});

const hospital = () => as(principal('hospital_system', { agencyId: dir.hospitalId }));
const gp = () => as(principal('agency_contributor', { agencyId: dir.gpId }));
let n = 0;
async function notify(who: Record<string, string>, notifier = dir.hospitalId): Promise<{ notificationId: string; caseId: string }> {
  n++;
  const res = await request(t.app)
    .post('/v1/notifications')
    .set(who)
    .set('Idempotency-Key', `read-back-${n}`)
    .send(notification(dir, { nhsNumber: nhsNumberFrom(3000 + n * 17), givenName: `Child${'a'.repeat(n)}` }, notifier));
  expect(res.status).toBe(201);
  return res.body;
}
const read = (id: string, who: Record<string, string>) => request(t.app).get(`/v1/notifications/${id}`).set(who);

describe('authorization', () => {
  it('when anonymous, then 401; when a panel member, chair, auditor or administrator, then 403', async () => {
    const { notificationId } = await notify(hospital());
    expect((await request(t.app).get(`/v1/notifications/${notificationId}`)).status).toBe(401);
    expect((await request(t.app).get('/v1/notifications')).status).toBe(401);
    for (const role of ['panel_member', 'panel_chair', 'auditor', 'administrator'] as const) {
      expect((await read(notificationId, as(principal(role, { panelIds: [dir.panelId] })))).status).toBe(403);
    }
  });

  it('when an agency system’s token lacks notifications:read, then 403; with it, then its own notification', async () => {
    const agencyOds = 'RWP';
    const without = await registerTestClient(t.ds, { agency: agencyOds, scopes: ['notifications:write'] });
    const withScope = await registerTestClient(t.ds, { agency: agencyOds, scopes: ['notifications:write', 'notifications:read'] });
    const tokenUrl = `${real.config.publicBaseUrl}/oauth2/token`;
    const bearer = async (c: typeof without) => ({ Authorization: `Bearer ${await accessTokenFor(real.app, c, tokenUrl)}` });
    const readReal = (id: string, who: Record<string, string>) => request(real.app).get(`/v1/notifications/${id}`).set(who);
    const sent = await request(real.app)
      .post('/v1/notifications')
      .set(await bearer(withScope))
      .set('Idempotency-Key', 'scope-check-0001')
      .send(notification(dir));
    expect(sent.status).toBe(201);
    expect(sent.headers.location).toBe(`/v1/notifications/${sent.body.notificationId}`);
    expect((await readReal(sent.body.notificationId, await bearer(without))).status).toBe(403);
    const back = await readReal(sent.body.notificationId, await bearer(withScope));
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ id: sent.body.notificationId, caseId: sent.body.caseId, notifierAgency: { odsCode: 'RWP' } });
  });
});

describe('reading back', () => {
  it('when a hospital reads its notification at the Location it was given, then it gets the form as sent and where it went', async () => {
    const sent = await notify(hospital());
    const res = await read(sent.notificationId, hospital());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: sent.notificationId,
      caseId: sent.caseId,
      caseReference: expect.stringMatching(/^WOR-\d{4}-\d{4}$/),
      notifierAgency: { id: dir.hospitalId, odsCode: 'RWP' },
      match: 'new_case',
      form: { child: { name: { givenName: expect.any(String) } } },
    });
    const [event] = await t.ds.query(`SELECT action, resource_id FROM audit_events WHERE action = 'notification.read'`);
    expect(event).toEqual({ action: 'notification.read', resource_id: sent.notificationId });
  });

  it('when another agency asks for it, or the id does not exist, then 404 either way', async () => {
    const sent = await notify(hospital());
    const other = await read(sent.notificationId, gp());
    expect(other.status).toBe(404);
    const none = await read('5b0c2e6a-9d3f-4b1e-8a7c-2f4d6e8a0b1c', hospital());
    expect(none.status).toBe(404);
    expect(other.body.code).toBe(none.body.code);
  });

  it('when a coordinator reads notifications, then those of their panels’ cases, and no other panel’s', async () => {
    const sent = await notify(hospital());
    expect((await read(sent.notificationId, as(principal('cdop_coordinator', { panelIds: [dir.panelId] })))).status).toBe(200);
    const elsewhere = as(principal('cdop_coordinator', { panelIds: ['0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f'] }));
    expect((await read(sent.notificationId, elsewhere)).status).toBe(404);
  });

  it('when an agency lists, then only its own, oldest first, a page at a time, and since filters by receipt', async () => {
    const mine = [await notify(hospital()), await notify(hospital()), await notify(hospital())];
    await notify(gp(), dir.gpId);
    const page1 = await request(t.app).get('/v1/notifications').query({ limit: 2 }).set(hospital());
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((x: { id: string }) => x.id)).toEqual(mine.slice(0, 2).map((m) => m.notificationId));
    const page2 = await request(t.app).get('/v1/notifications').query({ limit: 2, cursor: page1.body.nextCursor }).set(hospital());
    expect(page2.body).toMatchObject({ items: [{ id: mine[2]!.notificationId }], nextCursor: null });
    const since = page1.body.items[1].receivedAt as string;
    const fromSecond = await request(t.app).get('/v1/notifications').query({ since }).set(hospital());
    expect(fromSecond.body.items.map((x: { id: string }) => x.id)).toEqual(mine.slice(1).map((m) => m.notificationId));
    const gpList = await request(t.app).get('/v1/notifications').set(gp());
    expect(gpList.body.items).toHaveLength(1);
  });

  it('when the cursor or since is not valid, then 400 names the parameter', async () => {
    const bad = await request(t.app).get('/v1/notifications').query({ cursor: 'bm90LWEtY3Vyc29y' }).set(hospital());
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('query.cursor');
    const badSince = await request(t.app).get('/v1/notifications').query({ since: '2026-02-30T00:00:00Z' }).set(hospital());
    expect(badSince.status).toBe(400);
    expect(badSince.body.errors[0].field).toBe('query.since');
  });
});
