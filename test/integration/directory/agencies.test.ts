import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { as, principal } from '../../support/principals';

// Who may call:
// - read (list, get): every role;
// - write (create, update, delete): CDOP coordinators and administrators; others 403; anonymous 401.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());
beforeEach(() => t.reset());

const coordinator = as(principal('cdop_coordinator'));
const contributor = as(principal('agency_contributor'));

const trust = {
  name: 'Worcestershire Acute Hospitals NHS Trust',
  type: 'hospital_trust',
  odsCode: 'RWP',
  contactEmail: 'cdop.notify@nhs.example',
};

async function create(body: object = trust) {
  const res = await request(t.app).post('/v1/agencies').set(coordinator).send(body);
  expect(res.status).toBe(201);
  return res.body as { id: string; version: number };
}

describe('authorization', () => {
  it('when anonymous, then 401; when an agency contributor writes, then 403; reading is allowed', async () => {
    const a = await create();
    expect((await request(t.app).get('/v1/agencies')).status).toBe(401);
    expect((await request(t.app).post('/v1/agencies').set(contributor).send({ name: 'X', type: 'other' })).status).toBe(403);
    expect(
      (await request(t.app).patch(`/v1/agencies/${a.id}`).set(contributor).set('If-Match', '"v1"').send({ active: false })).status,
    ).toBe(403);
    expect((await request(t.app).delete(`/v1/agencies/${a.id}`).set(contributor).set('If-Match', '"v1"')).status).toBe(403);
    expect((await request(t.app).get(`/v1/agencies/${a.id}`).set(contributor)).status).toBe(200);
  });
});

describe('agencies', () => {
  it('when created without optional fields, then defaults apply (active, no ODS code)', async () => {
    const res = await request(t.app).post('/v1/agencies').set(coordinator).send({ name: 'West Mercia Police', type: 'police' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'West Mercia Police',
      type: 'police',
      odsCode: null,
      contactEmail: null,
      active: true,
      version: 1,
    });
  });

  it('when two agencies share an ODS code, then 409 AGENCY.ODS_CODE_TAKEN', async () => {
    await create();
    const res = await request(t.app)
      .post('/v1/agencies')
      .set(coordinator)
      .send({ ...trust, name: 'Another trust' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('AGENCY.ODS_CODE_TAKEN');
  });

  it('when listing by type and ODS code, then only matching agencies are returned', async () => {
    await create();
    await create({ name: 'Example GP', type: 'gp_practice', odsCode: 'M81001' });
    await create({ name: 'Example Police', type: 'police' });
    const gps = await request(t.app).get('/v1/agencies?type=gp_practice').set(contributor);
    expect(gps.body.items.map((a: { name: string }) => a.name)).toEqual(['Example GP']);
    const byOds = await request(t.app).get('/v1/agencies?odsCode=RWP').set(contributor);
    expect(byOds.body.items).toHaveLength(1);
    expect(byOds.body.nextCursor).toBeNull();
    const page = await request(t.app).get('/v1/agencies?limit=2').set(contributor);
    expect(page.body.items).toHaveLength(2);
    const rest = await request(t.app).get(`/v1/agencies?limit=2&cursor=${page.body.nextCursor}`).set(contributor);
    expect(rest.body.items).toHaveLength(1);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('when updated with the current ETag, then the change applies; a second writer with the old ETag gets 412', async () => {
    const a = await create();
    const res = await request(t.app)
      .patch(`/v1/agencies/${a.id}`)
      .set(coordinator)
      .set('If-Match', '"v1"')
      .send({ active: false, odsCode: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ active: false, odsCode: null, version: 2, name: trust.name });
    const stale = await request(t.app).patch(`/v1/agencies/${a.id}`).set(coordinator).set('If-Match', '"v1"').send({ name: 'Lost update' });
    expect(stale.status).toBe(412);
    expect((await request(t.app).get(`/v1/agencies/${a.id}`).set(contributor)).body.name).toBe(trust.name);
  });

  it('when merge-patch content type is used, then it is accepted', async () => {
    const a = await create();
    const res = await request(t.app)
      .patch(`/v1/agencies/${a.id}`)
      .set(coordinator)
      .set('If-Match', '"v1"')
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ contactEmail: 'new@nhs.example' }));
    expect(res.status).toBe(200);
    expect(res.body.contactEmail).toBe('new@nhs.example');
  });

  it('when the ODS code or type is invalid, then 400 names the fields and nothing is written', async () => {
    const res = await request(t.app).post('/v1/agencies').set(coordinator).send({ name: 'X', type: 'school', odsCode: 'rwp!' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['body.type', 'body.odsCode']));
    expect((await t.ds.query('SELECT count(*)::int AS n FROM agencies'))[0].n).toBe(0);
  });

  it('when deleted with If-Match, then it is gone', async () => {
    const a = await create();
    expect((await request(t.app).delete(`/v1/agencies/${a.id}`).set(coordinator).set('If-Match', '"v1"')).status).toBe(204);
    expect((await request(t.app).get(`/v1/agencies/${a.id}`).set(coordinator)).status).toBe(404);
  });
});
