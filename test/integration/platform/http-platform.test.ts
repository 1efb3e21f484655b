import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { as, principal } from '../../support/principals';

// Who may call: the operational endpoints are public; everything else needs a principal.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());
beforeEach(() => t.reset());

const coordinator = as(principal('cdop_coordinator'));

function expectProblem(res: request.Response, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    status,
    code,
    type: expect.any(String),
    title: expect.any(String),
    requestId: res.headers['x-request-id'],
  });
}

describe('operational endpoints', () => {
  it('when the process is up, then /health/live is 200', async () => {
    const res = await request(t.app).get('/health/live');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('when the database answers, then /health/ready is 200 with the check', async () => {
    const res = await request(t.app).get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body.checks.database.status).toBe('ok');
  });

  it('when metrics are scraped, then request durations are labelled by route template, not the concrete URL', async () => {
    await request(t.app).get('/v1/panels/6f1c2a4e-0000-4000-8000-000000000001').set(coordinator);
    const res = await request(t.app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/v1\/panels\/\{panelId\}",status="404"\} 1/);
    expect(res.text).not.toContain('6f1c2a4e');
    expect(res.text).toContain('db_pool_connections_total');
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });

  it('when the contract is requested, then /openapi.json is the bundled OpenAPI 3.1 document', async () => {
    const res = await request(t.app).get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toContain('/v1/panels/{panelId}');
  });

  it('when /docs is requested, then a page loading local Swagger UI assets is served under a strict CSP', async () => {
    const page = await request(t.app).get('/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('/docs/swagger-ui-bundle.js');
    expect(page.text).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const bundle = await request(t.app).get('/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    const init = await request(t.app).get('/docs/init.js');
    expect(init.text).toContain("url: '/openapi.json'");
    // The package's own index page (pointing at the petstore) is not served.
    expect((await request(t.app).get('/docs/index.html')).status).toBe(404);
  });
});

describe('request ids', () => {
  it.each(['0b9e3c2a-6f1d-4c8e-9a7b-1d2e3f405162', '01JD8X3YQZ6W9K2M4N5P7R8S9T'])(
    'when the caller sends an opaque X-Request-Id (%s), then it is echoed',
    async (id) => {
      const res = await request(t.app).get('/health/live').set('X-Request-Id', id);
      expect(res.headers['x-request-id']).toBe(id);
    },
  );

  it('when the caller sends an unsafe X-Request-Id, then a fresh one is generated', async () => {
    const res = await request(t.app).get('/health/live').set('X-Request-Id', 'x<script>alert(1)</script>');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('errors are problem+json', () => {
  it('when the route is unknown, then 404 ROUTE.NOT_FOUND', async () => {
    expectProblem(await request(t.app).get('/v1/nothing-here').set(coordinator), 404, 'ROUTE.NOT_FOUND');
  });

  it('when the method is not allowed, then 405 with an Allow header', async () => {
    const res = await request(t.app).put('/v1/panels').set(coordinator).send({});
    expectProblem(res, 405, 'ROUTE.METHOD_NOT_ALLOWED');
    expect(res.headers.allow).toMatch(/GET/);
  });

  it('when the JSON is malformed, then 400 REQUEST.MALFORMED_JSON and nothing is written', async () => {
    const res = await request(t.app).post('/v1/agencies').set(coordinator).set('Content-Type', 'application/json').send('{"name": "x",');
    expectProblem(res, 400, 'REQUEST.MALFORMED_JSON');
    expect(await t.ds.query('SELECT count(*)::int AS n FROM agencies')).toEqual([{ n: 0 }]);
  });

  it('when the body is 2 MB, then 413 REQUEST.TOO_LARGE and nothing is written', async () => {
    const res = await request(t.app)
      .post('/v1/agencies')
      .set(coordinator)
      .send({ name: 'x'.repeat(2 * 1024 * 1024), type: 'other' });
    expectProblem(res, 413, 'REQUEST.TOO_LARGE');
    expect(await t.ds.query('SELECT count(*)::int AS n FROM agencies')).toEqual([{ n: 0 }]);
  });

  it('when a form body has more fields than the parser takes (found by test/fuzz), then 413 REQUEST.TOO_LARGE, not 500', async () => {
    const form = Array.from({ length: 51 }, (_, i) => `f${i}=x`).join('&');
    const v1 = await request(t.app)
      .post('/v1/agencies')
      .set(coordinator)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(form);
    expectProblem(v1, 413, 'REQUEST.TOO_LARGE');
    expect(await t.ds.query('SELECT count(*)::int AS n FROM agencies')).toEqual([{ n: 0 }]);
    const token = await request(t.app).post('/oauth2/token').set('Content-Type', 'application/x-www-form-urlencoded').send(form);
    expectProblem(token, 413, 'REQUEST.TOO_LARGE');
  });

  it('when a query value carries a NUL character (found by test/fuzz), then 400 REQUEST.INVALID_TEXT naming it, not 500', async () => {
    const admin = as(principal('administrator'));
    const res = await request(t.app).get('/v1/users?idpId=%00').set(admin);
    expectProblem(res, 400, 'REQUEST.INVALID_TEXT');
    expect(res.body.errors).toEqual([{ field: 'query.idpId', message: 'must not contain NUL characters', code: 'nul' }]);
    const nested = await request(t.app).get('/v1/users?idpId[a%00]=x').set(admin);
    expect(nested.status).toBe(400);
  });

  it('when the content type is wrong, then 415 and nothing is written', async () => {
    const res = await request(t.app).post('/v1/agencies').set(coordinator).set('Content-Type', 'text/plain').send('name=x');
    expectProblem(res, 415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE');
    expect(await t.ds.query('SELECT count(*)::int AS n FROM agencies')).toEqual([{ n: 0 }]);
  });

  it('when a body has an unknown property and a bad value, then 400 lists every offending field', async () => {
    const res = await request(t.app).post('/v1/agencies').set(coordinator).send({ name: '', type: 'spaceship', favouriteColour: 'blue' });
    expectProblem(res, 400, 'VALIDATION.FAILED');
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.name', 'body.type', 'body.favouriteColour']));
    expect(await t.ds.query('SELECT count(*)::int AS n FROM agencies')).toEqual([{ n: 0 }]);
  });

  it('when a query parameter is unknown or out of range, then 400 names it', async () => {
    const unknown = await request(t.app).get('/v1/panels?sort=name').set(coordinator);
    expectProblem(unknown, 400, 'VALIDATION.FAILED');
    expect(unknown.body.errors.map((e: { field: string }) => e.field)).toEqual(['query.sort']);
    const range = await request(t.app).get('/v1/agencies?limit=1000&type=spaceship').set(coordinator);
    expectProblem(range, 400, 'VALIDATION.FAILED');
    expect(range.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['query.limit', 'query.type']));
  });

  it('when an unexpected fault happens, then 500 shows only the request id and the log has the stack', async () => {
    await t.ds.query('ALTER TABLE agencies RENAME TO agencies_moved');
    try {
      const res = await request(t.app).get('/v1/agencies').set(coordinator);
      expect(res.status).toBe(500);
      expect(Object.keys(res.body).sort()).toEqual(['code', 'instance', 'requestId', 'status', 'title', 'type']);
      expect(res.body.code).toBe('INTERNAL.ERROR');
      expect(res.body.detail).toBeUndefined();
      expect(JSON.stringify(res.body)).not.toMatch(/relation|stack|QueryFailed/i);
      const logged = t.logLines.map((l) => JSON.parse(l)).find((l) => l.requestId === res.body.requestId && l.err);
      expect(logged.err.stack).toContain('QueryFailedError');
    } finally {
      await t.ds.query('ALTER TABLE agencies_moved RENAME TO agencies');
    }
  });
});
