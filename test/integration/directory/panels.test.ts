import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { as, principal } from '../../support/principals';

// Who may call:
// - read (list, get): every role;
// - write (create, update, delete): CDOP coordinators and administrators only; others get 403;
// - no credentials: 401.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());
beforeEach(() => t.reset());

const coordinator = as(principal('cdop_coordinator'));
const member = as(principal('panel_member'));

const worcestershire = {
  code: 'WOR',
  name: 'Worcestershire CDOP',
  localAuthorities: [{ code: 'E10000034', name: 'Worcestershire' }],
  contactEmail: 'cdop@worcestershire.example',
};

async function create(body: object = worcestershire) {
  const res = await request(t.app).post('/v1/panels').set(coordinator).send(body);
  expect(res.status).toBe(201);
  return res;
}

const count = async (table: string) => (await t.ds.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;

describe('authorization', () => {
  it('when no credentials are sent, then every operation is 401', async () => {
    const { body } = await create();
    for (const res of [
      await request(t.app).get('/v1/panels'),
      await request(t.app).get(`/v1/panels/${body.id}`),
      await request(t.app).post('/v1/panels').send(worcestershire),
      await request(t.app).patch(`/v1/panels/${body.id}`).set('If-Match', '"v1"').send({ name: 'x' }),
      await request(t.app).delete(`/v1/panels/${body.id}`).set('If-Match', '"v1"'),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('AUTH.UNAUTHENTICATED');
    }
  });

  it.each(['panel_member', 'panel_chair', 'agency_contributor', 'hospital_system', 'auditor'] as const)(
    'when a %s writes, then 403 and nothing changes',
    async (role) => {
      const { body } = await create();
      const who = as(principal(role));
      expect(
        (
          await request(t.app)
            .post('/v1/panels')
            .set(who)
            .send({ ...worcestershire, code: 'ABC', localAuthorities: [{ code: 'E06000019', name: 'Herefordshire' }] })
        ).status,
      ).toBe(403);
      expect((await request(t.app).patch(`/v1/panels/${body.id}`).set(who).set('If-Match', '"v1"').send({ name: 'x' })).status).toBe(403);
      expect((await request(t.app).delete(`/v1/panels/${body.id}`).set(who).set('If-Match', '"v1"')).status).toBe(403);
      expect(await count('panels')).toBe(1);
      expect((await request(t.app).get(`/v1/panels/${body.id}`).set(who)).status).toBe(200);
    },
  );

  it('when an administrator writes, then it is allowed', async () => {
    const res = await request(t.app)
      .post('/v1/panels')
      .set(as(principal('administrator')))
      .send(worcestershire);
    expect(res.status).toBe(201);
  });
});

describe('create and read', () => {
  it('when a panel is created, then it is returned with an ETag and a Location, and GET returns the same', async () => {
    const res = await create();
    expect(res.body).toMatchObject({ ...worcestershire, version: 1 });
    expect(res.headers.etag).toBe('"v1"');
    expect(res.headers.location).toBe(`/v1/panels/${res.body.id}`);
    const got = await request(t.app).get(String(res.headers.location)).set(member);
    expect(got.status).toBe(200);
    expect(got.headers.etag).toBe('"v1"');
    expect(got.body).toEqual(res.body);
  });

  it('when the panel code is taken, then 409 PANEL.CODE_TAKEN and nothing is written', async () => {
    await create();
    const res = await request(t.app)
      .post('/v1/panels')
      .set(coordinator)
      .send({ ...worcestershire, localAuthorities: [{ code: 'E06000019', name: 'Herefordshire' }] });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('PANEL.CODE_TAKEN');
    expect(await count('panel_local_authorities')).toBe(1);
  });

  it('when a local authority is already covered by another panel, then 409 and the new panel is not half-written', async () => {
    await create();
    const res = await request(t.app)
      .post('/v1/panels')
      .set(coordinator)
      .send({ ...worcestershire, code: 'HWC' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('PANEL.LOCAL_AUTHORITY_TAKEN');
    expect(await count('panels')).toBe(1);
  });

  it('when required fields are missing or malformed, then 400 names each one', async () => {
    const res = await request(t.app)
      .post('/v1/panels')
      .set(coordinator)
      .send({ code: 'wor', localAuthorities: [{ code: 'X1', name: 'Nowhere' }], contactEmail: 'not-an-email' });
    expect(res.status).toBe(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.code', 'body.name', 'body.localAuthorities[0].code', 'body.contactEmail']));
    expect(await count('panels')).toBe(0);
  });

  it('when the id is not a uuid, then 400; when it does not exist, then 404', async () => {
    expect((await request(t.app).get('/v1/panels/not-a-uuid').set(member)).status).toBe(400);
    const res = await request(t.app).get('/v1/panels/3b241101-e2bb-4255-8caf-4136c566a962').set(member);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('RESOURCE.NOT_FOUND');
  });
});

describe('keyset pagination', () => {
  it('when there are more panels than the limit, then pages follow the cursor in name order without gaps or repeats', async () => {
    const names = ['Delta', 'Alpha', 'Charlie', 'Bravo', 'Echo', 'Foxtrot', 'Golf'];
    for (const [i, name] of names.entries()) {
      await create({ code: `P${'ABCDEFG'[i]}`, name, localAuthorities: [{ code: `E0600000${i}`, name: `LA ${i}` }] });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: request.Response = await request(t.app)
        .get('/v1/panels')
        .query(cursor ? { limit: 3, cursor } : { limit: 3 })
        .set(member);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((p: { name: string }) => p.name));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...names].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('when the cursor is forged, then 400 names query.cursor', async () => {
    const res = await request(t.app).get('/v1/panels?cursor=bm90LWpzb24').set(member);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('query.cursor');
  });
});

describe('update and delete with If-Match', () => {
  it('when If-Match is missing, then 428 and nothing changes', async () => {
    const { body } = await create();
    const res = await request(t.app).patch(`/v1/panels/${body.id}`).set(coordinator).send({ name: 'Renamed' });
    expect(res.status).toBe(428);
    expect(res.body.code).toBe('PRECONDITION.REQUIRED');
    expect((await request(t.app).get(`/v1/panels/${body.id}`).set(member)).body.name).toBe(worcestershire.name);
  });

  it('when If-Match is stale, then 412 and nothing changes', async () => {
    const { body } = await create();
    const first = await request(t.app).patch(`/v1/panels/${body.id}`).set(coordinator).set('If-Match', '"v1"').send({ name: 'First' });
    expect(first.status).toBe(200);
    expect(first.headers.etag).toBe('"v2"');
    const second = await request(t.app)
      .patch(`/v1/panels/${body.id}`)
      .set(coordinator)
      .set('If-Match', '"v1"')
      .send({ name: 'Second', localAuthorities: [{ code: 'E06000019', name: 'Herefordshire' }] });
    expect(second.status).toBe(412);
    expect(second.body.code).toBe('PRECONDITION.FAILED');
    const now = await request(t.app).get(`/v1/panels/${body.id}`).set(member);
    expect(now.body).toMatchObject({ name: 'First', version: 2, localAuthorities: worcestershire.localAuthorities });
  });

  it('when If-Match is garbage or a wildcard, then 412', async () => {
    const { body } = await create();
    for (const tag of ['*', 'v1', '"abc"']) {
      expect((await request(t.app).patch(`/v1/panels/${body.id}`).set(coordinator).set('If-Match', tag).send({ name: 'x' })).status).toBe(
        412,
      );
    }
  });

  it('when the update is valid, then fields change, local authorities are replaced and the version moves on', async () => {
    const { body } = await create();
    const las = [
      { code: 'E06000019', name: 'Herefordshire' },
      { code: 'E10000034', name: 'Worcestershire' },
    ];
    const res = await request(t.app)
      .patch(`/v1/panels/${body.id}`)
      .set(coordinator)
      .set('If-Match', '"v1"')
      .send({ name: 'Herefordshire and Worcestershire CDOP', localAuthorities: las, contactEmail: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      code: 'WOR',
      name: 'Herefordshire and Worcestershire CDOP',
      localAuthorities: las,
      contactEmail: null,
      version: 2,
    });
  });

  it('when the patch carries an unknown property or the code, then 400 and nothing changes', async () => {
    const { body } = await create();
    const res = await request(t.app).patch(`/v1/panels/${body.id}`).set(coordinator).set('If-Match', '"v1"').send({ code: 'NEW' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('body.code');
    expect((await request(t.app).get(`/v1/panels/${body.id}`).set(member)).body.version).toBe(1);
  });

  it('when a panel is deleted with the current ETag, then it is gone with its local authorities', async () => {
    const { body } = await create();
    expect((await request(t.app).delete(`/v1/panels/${body.id}`).set(coordinator)).status).toBe(428);
    expect((await request(t.app).delete(`/v1/panels/${body.id}`).set(coordinator).set('If-Match', '"v9"')).status).toBe(412);
    expect((await request(t.app).delete(`/v1/panels/${body.id}`).set(coordinator).set('If-Match', '"v1"')).status).toBe(204);
    expect((await request(t.app).get(`/v1/panels/${body.id}`).set(member)).status).toBe(404);
    expect(await count('panel_local_authorities')).toBe(0);
    expect((await request(t.app).delete(`/v1/panels/${body.id}`).set(coordinator).set('If-Match', '"v1"')).status).toBe(404);
  });
});
