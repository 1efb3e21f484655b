import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { notification, seedDirectory } from '../../support/notifications';
import { as, principal } from '../../support/principals';

// Who may call: /v1 needs a principal (an anonymous caller gets 401 whatever it sends, before its body is
// read); the public endpoints (/auth/*, /oauth2/token, probes) judge the body of anyone. Hostile bodies,
// headers and values get a bounded 4xx, never a 500, and nothing a caller chooses reaches the log or the audit trail.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());
beforeEach(() => t.reset());

const coordinator = as(principal('cdop_coordinator'));
const auditor = as(principal('auditor'));

/** `depth` nested arrays around a number, as JSON text (never built as an object: no recursion here either). */
const deepArrays = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const deepObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

function post(path: string, json: string, headers: Record<string, string> = {}) {
  return request(t.app).post(path).set(headers).set('Content-Type', 'application/json').send(json);
}

describe('deeply nested JSON', () => {
  it.each([
    ['arrays 10,000 deep', deepArrays(10_000)],
    ['objects 10,000 deep', deepObjects(10_000)],
    ['arrays as deep as 1 MB allows', deepArrays(500_000)],
  ])('when a signed-in caller sends %s, then 400 REQUEST.TOO_DEEP and nothing is written', async (_what, json) => {
    const res = await post('/v1/agencies', json, coordinator);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'REQUEST.TOO_DEEP', errors: [{ code: 'depth' }] });
    expect(await t.ds.query('SELECT count(*)::int AS n FROM agencies')).toEqual([{ n: 0 }]);
  });

  it('when an anonymous caller sends it to /v1, then 401', async () => {
    const res = await post('/v1/agencies', deepArrays(10_000));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('AUTH.UNAUTHENTICATED');
  });

  it('when an anonymous caller sends it to a public endpoint, then a 4xx', async () => {
    for (const path of ['/auth/logout', '/oauth2/token', '/auth/saml/dev/acs', '/health/live']) {
      const res = await post(path, deepObjects(10_000));
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
  });

  it('when a body is nested within the limit, then it is judged on its content as before', async () => {
    const res = await request(t.app)
      .post('/v1/agencies')
      .set(coordinator)
      .send({ name: 'Deep but fine', type: 'other', extra: JSON.parse(deepArrays(20)) as unknown });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION.FAILED');
  });
});

describe('the size of error responses', () => {
  const badItems = () => ({ code: 'WOR', name: 'x', localAuthorities: Array.from({ length: 5000 }, () => ({ code: 12, junk: true })) });

  it('when 200 kB of bad items are sent, then at most 50 field errors come back with the count of the rest', async () => {
    const body = badItems();
    expect(JSON.stringify(body).length).toBeGreaterThan(100_000);
    const res = await request(t.app).post('/v1/panels').set(coordinator).send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION.FAILED');
    expect(res.body.errors).toHaveLength(50);
    expect(res.body.errorsOmitted).toBeGreaterThan(5000);
    expect(res.text.length).toBeLessThan(20_000);
    expect(res.body.detail).toMatch(/and \d+ more\.$/);
  });

  it('when an anonymous caller sends them to /v1, then a short 401', async () => {
    const res = await request(t.app).post('/v1/panels').send(badItems());
    expect(res.status).toBe(401);
    expect(res.text.length).toBeLessThan(1000);
  });

  it('when many strings carry NUL characters, then the text check is capped the same way', async () => {
    const res = await request(t.app)
      .post('/v1/agencies')
      .set(coordinator)
      .send({ name: 'x', type: 'other', notes: Array.from({ length: 500 }, () => 'a\u0000b') });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('REQUEST.INVALID_TEXT');
    expect(res.body.errors).toHaveLength(50);
    expect(res.body.errorsOmitted).toBe(450);
  });
});

describe('anonymous callers', () => {
  it.each([
    ['a malformed body', '{"name": "x",'],
    ['a body failing validation', JSON.stringify({ name: '', type: 'spaceship' })],
    ['a valid body', JSON.stringify({ name: 'Fine', type: 'other' })],
    ['a body with a NUL character', JSON.stringify({ name: 'a\u0000b', type: 'other' })],
  ])('when one sends %s to /v1, then 401 and nothing about the body', async (_what, json) => {
    const res = await post('/v1/agencies', json);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('AUTH.UNAUTHENTICATED');
    expect(res.body.errors).toBeUndefined();
  });

  it('when one asks for an unknown /v1 path, then 401 (not which routes exist)', async () => {
    expect((await request(t.app).get('/v1/nothing-here')).status).toBe(401);
  });

  it('when one sends a bad body to a public endpoint, then 400 with the field details', async () => {
    const res = await request(t.app).post('/auth/logout').set('X-CSRF-Token', 'x'.repeat(200)).send({});
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('headers.x-csrf-token');
  });
});

describe('calendar dates and date-times, for every operation', () => {
  it.each(['2026-02-30T00:00:00Z', '2026-04-31T10:00:00Z', '2025-02-29T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T10:00:00'])(
    'when a query date-time is %s, then 400 naming it',
    async (from) => {
      const res = await request(t.app).get('/v1/audit-events').query({ from }).set(auditor);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['query.from']);
    },
  );

  it('when a query date-time is real (a leap day), then it is accepted', async () => {
    const res = await request(t.app).get('/v1/audit-events').query({ from: '2028-02-29T23:59:59.5+01:00' }).set(auditor);
    expect(res.status).toBe(200);
  });

  it.each([
    ['2026-02-30', 'dateOfDeath'],
    ['2026-04-31', 'dateOfDeath'],
    ['2025-02-29', 'dateOfBirth'],
  ])('when a body date is %s, then 400 naming the field and nothing is written', async (date, which) => {
    const dir = await seedDirectory(t.ds);
    const body = notification(dir, which === 'dateOfBirth' ? { dateOfBirth: date } : { dateOfDeath: date });
    const res = await request(t.app)
      .post('/v1/notifications')
      .set(as(principal('cdop_coordinator', { panelIds: [dir.panelId] })))
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(
      which === 'dateOfBirth' ? 'body.child.dateOfBirth' : 'body.death.dateOfDeath',
    );
    expect(await t.ds.query('SELECT count(*)::int AS n FROM notifications')).toEqual([{ n: 0 }]);
  });
});

describe('Cache-Control', () => {
  // The real authentication mechanisms, so the /auth and /oauth2 routes are there.
  let real: TestApp;
  beforeAll(async () => {
    real = await startTestApp({ DEV_IDP: 'true' }, { realAuth: true });
  });
  afterAll(() => real.close());

  it.each([
    ['GET', '/v1/panels', coordinator, 200],
    ['GET', '/v1/panels', {}, 401],
    ['GET', '/v1/panels/6f1c2a4e-0000-4000-8000-000000000001', coordinator, 404],
    ['POST', '/v1/agencies', coordinator, 415],
  ] as const)('when %s %s answers %#, then it is no-store', async (method, path, headers, status) => {
    const res = await request(t.app)[method === 'GET' ? 'get' : 'post'](path).set(headers);
    expect(res.status).toBe(status);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it.each([
    ['GET', '/auth/saml/metadata', 200],
    ['GET', '/auth/saml/dev/login', 302],
    ['GET', '/auth/saml/nowhere/login', 404],
    ['POST', '/auth/logout', 204],
    ['POST', '/oauth2/token', 400],
  ] as const)('when %s %s answers, then it is no-store', async (method, path, status) => {
    const res = await request(real.app)[method === 'GET' ? 'get' : 'post'](path);
    expect(res.status).toBe(status);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('when a probe answers, then it may be cached as the defaults say', async () => {
    expect((await request(t.app).get('/health/live')).headers['cache-control']).toBeUndefined();
  });
});

describe('caller-chosen values never reach the log or the audit trail', () => {
  it.each(['Jane Doe 943 476 5919', '9434765919', 'trace-abc-12345', '0b9e3c2a6f1d4c8e9a7b1d2e3f405162'])(
    'when X-Request-Id is %s, then a fresh UUID replaces it in the response, the log and the audit trail',
    async (sent) => {
      const res = await request(t.app).get('/v1/audit-events').set(auditor).set('X-Request-Id', sent);
      expect(res.status).toBe(200);
      const id = res.headers['x-request-id'];
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(t.logLines.join('\n')).not.toContain(sent);
      const rows: { request_id: string }[] = await t.ds.query(`SELECT request_id FROM audit_events WHERE action = 'audit.events.read'`);
      expect(rows).toEqual([{ request_id: id }]);
    },
  );
});
