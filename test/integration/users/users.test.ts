import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { as, principal } from '../../support/principals';

// Who may call:
// - GET /v1/me: any signed-in person (self:read);
// - GET/PATCH /v1/users: administrators only; others 403; anonymous 401.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());
beforeEach(() => t.reset());

const admin = as(principal('administrator'));

async function seedUser(): Promise<{ id: string }> {
  const [u] = await t.ds.query(
    `INSERT INTO users (idp_id, name_id, display_name, roles) VALUES ('nhs', 'jane.coordinator@nhs.example', 'Jane', '{cdop_coordinator}') RETURNING id`,
  );
  return u;
}

async function seedSession(userId: string): Promise<void> {
  await t.ds.query(`INSERT INTO user_sessions (sid, sess, expire) VALUES ($1, $2, now() + interval '1 hour')`, [
    `sid-${userId}`,
    JSON.stringify({ cookie: {}, userId }),
  ]);
}

describe('GET /v1/me', () => {
  it('when a panel member asks, then their roles, permissions, panels and agency come back', async () => {
    const p = principal('panel_member', { panelIds: ['6f1c2a4e-0000-4000-8000-000000000001'] });
    const res = await request(t.app).get('/v1/me').set(as(p));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      kind: 'user',
      id: p.id,
      roles: ['panel_member'],
      panelIds: p.panelIds,
      agencyId: null,
      csrfToken: null,
    });
    expect(res.body.permissions).toContain('directory:read');
    expect(res.body.permissions).not.toContain('directory:write');
  });

  it('when anonymous, then 401', async () => {
    expect((await request(t.app).get('/v1/me')).status).toBe(401);
  });
});

describe('user administration', () => {
  it.each(['cdop_coordinator', 'panel_chair', 'auditor', 'agency_contributor'] as const)('when a %s tries, then 403', async (role) => {
    const u = await seedUser();
    expect(
      (
        await request(t.app)
          .get('/v1/users')
          .set(as(principal(role)))
      ).status,
    ).toBe(403);
    expect(
      (
        await request(t.app)
          .patch(`/v1/users/${u.id}`)
          .set(as(principal(role)))
          .set('If-Match', '"v1"')
          .send({ disabled: true })
      ).status,
    ).toBe(403);
  });

  it('when an administrator disables a user, then their sessions end at once and it is audited', async () => {
    const u = await seedUser();
    await seedSession(u.id);
    const got = await request(t.app).get(`/v1/users/${u.id}`).set(admin);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ idpId: 'nhs', roles: ['cdop_coordinator'], disabled: false });
    const res = await request(t.app)
      .patch(`/v1/users/${u.id}`)
      .set(admin)
      .set('If-Match', String(got.headers.etag))
      .send({ disabled: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ disabled: true, version: 2 });
    expect(await t.ds.query(`SELECT count(*)::int AS n FROM user_sessions`)).toEqual([{ n: 0 }]);
    const [event] = await t.ds.query(`SELECT details FROM audit_events WHERE action = 'users.update'`);
    expect(event.details).toMatchObject({ disabled: true, sessionsEnded: 1, fields: ['disabled'] });
    const list = await request(t.app).get('/v1/users?disabled=true').set(admin);
    expect(list.body.items.map((x: { id: string }) => x.id)).toEqual([u.id]);
  });

  it('when panels that do not exist are assigned, then 400 and nothing changes', async () => {
    const u = await seedUser();
    const res = await request(t.app)
      .patch(`/v1/users/${u.id}`)
      .set(admin)
      .set('If-Match', '"v1"')
      .send({ panelIds: ['3b241101-e2bb-4255-8caf-4136c566a962'] });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('USER.UNKNOWN_PANEL');
    expect((await request(t.app).get(`/v1/users/${u.id}`).set(admin)).body.version).toBe(1);
  });

  it('when an unknown agency is assigned, then 400 names body.agencyId', async () => {
    const u = await seedUser();
    const res = await request(t.app)
      .patch(`/v1/users/${u.id}`)
      .set(admin)
      .set('If-Match', '"v1"')
      .send({ agencyId: '3b241101-e2bb-4255-8caf-4136c566a962' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('body.agencyId');
  });

  it('when the agency is named by its ODS code, then it is assigned; an unknown code names body.agencyOdsCode', async () => {
    const [agency] = await t.ds.query(
      `INSERT INTO agencies (name, type, ods_code) VALUES ('Example Trust', 'hospital_trust', 'RWP') RETURNING id`,
    );
    const u = await seedUser();
    const patch = (body: object, version = 1) =>
      request(t.app).patch(`/v1/users/${u.id}`).set(admin).set('If-Match', `"v${version}"`).send(body);
    const unknown = await patch({ agencyOdsCode: 'ZZZ99' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'USER.UNKNOWN_AGENCY', errors: [{ field: 'body.agencyOdsCode' }] });
    const both = await patch({ agencyOdsCode: 'RWP', agencyId: agency.id });
    expect(both.status).toBe(400);
    const ok = await patch({ agencyOdsCode: 'RWP' });
    expect(ok.status).toBe(200);
    expect(ok.body.agencyId).toBe(agency.id);
  });

  it('when If-Match is missing or stale, then 428 or 412; roles cannot be edited here', async () => {
    const u = await seedUser();
    expect((await request(t.app).patch(`/v1/users/${u.id}`).set(admin).send({ disabled: true })).status).toBe(428);
    expect((await request(t.app).patch(`/v1/users/${u.id}`).set(admin).set('If-Match', '"v5"').send({ disabled: true })).status).toBe(412);
    const roles = await request(t.app)
      .patch(`/v1/users/${u.id}`)
      .set(admin)
      .set('If-Match', '"v1"')
      .send({ roles: ['administrator'] });
    expect(roles.status).toBe(400);
    expect(roles.body.errors[0].field).toBe('body.roles');
    expect((await request(t.app).get(`/v1/users/nope`).set(admin)).status).toBe(400);
    expect((await request(t.app).get(`/v1/users/3b241101-e2bb-4255-8caf-4136c566a962`).set(admin)).status).toBe(404);
  });
});
