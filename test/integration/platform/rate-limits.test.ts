import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { as, principal } from '../../support/principals';

// Who may call: anyone may reach /auth/saml/* and /oauth2/token, and signed-in callers POST /v1/notifications;
// each is limited per address (and per client where there is one), and the limits are counted in PostgreSQL,
// so two instances on one database share them.

const LIMITS = {
  DEV_IDP: 'true',
  RATE_LIMIT_WINDOW_S: '60',
  RATE_LIMIT_SAML_PER_ADDRESS: '3',
  RATE_LIMIT_TOKEN_PER_ADDRESS: '4',
  RATE_LIMIT_TOKEN_PER_CLIENT: '2',
  RATE_LIMIT_NOTIFICATIONS_PER_CLIENT: '2',
  RATE_LIMIT_NOTIFICATIONS_PER_ADDRESS: '5',
};

let a: TestApp;
let b: TestApp;
let proxied: TestApp;
beforeAll(async () => {
  // Two instances of the service on the same database, as behind a load balancer.
  a = await startTestApp(LIMITS, { realAuth: true });
  b = await startTestApp(LIMITS, { realAuth: true });
  proxied = await startTestApp({ ...LIMITS, TRUST_PROXY: 'true' }, { realAuth: true });
});
afterAll(async () => {
  await a.close();
  await b.close();
  await proxied.close();
});
beforeEach(() => a.reset());

const tokenRequest = (app: TestApp, form: Record<string, string> = { grant_type: 'client_credentials' }) =>
  request(app.app).post('/oauth2/token').type('form').send(form);

function expectLimited(res: request.Response): void {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 429, code: 'RATE_LIMIT.EXCEEDED', requestId: res.headers['x-request-id'] });
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

describe('per address, across instances', () => {
  it('when one address signs in more often than the limit through two instances, then the next gets 429 from either', async () => {
    const statuses: number[] = [];
    for (const app of [a, b, a]) statuses.push((await request(app.app).get('/auth/saml/dev/login')).status);
    expect(statuses).toEqual([302, 302, 302]);
    expectLimited(await request(b.app).get('/auth/saml/metadata'));
    expectLimited(await request(a.app).post('/auth/saml/dev/acs').type('form').send({ SAMLResponse: 'x' }));
  });

  it('when one address asks for tokens more often than the limit, then 429 with Retry-After, and no-store', async () => {
    // Different claimed clients, so only the address limit applies.
    for (let i = 0; i < 4; i++) {
      const res = await tokenRequest(i % 2 ? a : b, { grant_type: 'client_credentials', client_id: `client-${i}-abcdefgh` });
      expect(res.status).toBe(400);
    }
    const res = await tokenRequest(a, { grant_type: 'client_credentials', client_id: 'client-9-abcdefgh' });
    expectLimited(res);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('when the limit is reached, then nothing of the refused request is done (no audit event)', async () => {
    for (let i = 0; i < 4; i++) await tokenRequest(i % 2 ? a : b, { grant_type: 'client_credentials', client_id: `client-${i}-abcdefgh` });
    const before = await a.ds.query(`SELECT count(*)::int AS n FROM audit_events`);
    expectLimited(await tokenRequest(b));
    expect(await a.ds.query(`SELECT count(*)::int AS n FROM audit_events`)).toEqual(before);
  });
});

describe('per client', () => {
  it('when one client asks for tokens more often than its limit, then 429, while another client may still ask', async () => {
    const form = { grant_type: 'client_credentials', client_id: 'rwp-0123456789abcdef' };
    expect((await tokenRequest(a, form)).status).toBe(400);
    expect((await tokenRequest(b, form)).status).toBe(400);
    expectLimited(await tokenRequest(a, form));
    expect((await tokenRequest(b, { ...form, client_id: 'rwp-fedcba9876543210' })).status).toBe(400);
  });

  it('when the client id is only in the assertion, then its iss is what is counted', async () => {
    const claims = Buffer.from(JSON.stringify({ iss: 'rwp-0123456789abcdef', sub: 'rwp-0123456789abcdef' })).toString('base64url');
    const form = {
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: `eyJhbGciOiJFUzI1NiJ9.${claims}.c2lnbmF0dXJl`,
    };
    expect((await tokenRequest(a, form)).status).toBe(401);
    expect((await tokenRequest(b, { grant_type: 'client_credentials', client_id: 'rwp-0123456789abcdef' })).status).toBe(400);
    expectLimited(await tokenRequest(a, form));
  });

  it('when a person or system sends notifications beyond its limit, then 429 from either instance; others are not held back', async () => {
    const sender = as(principal('cdop_coordinator'));
    // The limit is counted before the body is read: these bodies are invalid (400) and still count.
    const plainA = await startTestApp(LIMITS);
    const plainB = await startTestApp(LIMITS);
    try {
      expect((await request(plainA.app).post('/v1/notifications').set(sender).send({})).status).toBe(400);
      expect((await request(plainB.app).post('/v1/notifications').set(sender).send({})).status).toBe(400);
      expectLimited(await request(plainA.app).post('/v1/notifications').set(sender).send({}));
      const other = as(principal('cdop_coordinator'));
      expect((await request(plainB.app).post('/v1/notifications').set(other).send({})).status).toBe(400);
      // The address limit (5) binds everyone at this address: 4 counted so far (the refused one too).
      expect(
        (
          await request(plainA.app)
            .post('/v1/notifications')
            .set(as(principal('cdop_coordinator')))
            .send({})
        ).status,
      ).toBe(400);
      expectLimited(
        await request(plainB.app)
          .post('/v1/notifications')
          .set(as(principal('cdop_coordinator')))
          .send({}),
      );
      // Other operations are not limited.
      expect((await request(plainA.app).get('/v1/panels').set(sender)).status).toBe(200);
    } finally {
      await plainA.close();
      await plainB.close();
    }
  });
});

describe('the client address and TRUST_PROXY', () => {
  it('when the proxy is not trusted, then X-Forwarded-For cannot buy a fresh budget', async () => {
    for (let i = 0; i < 3; i++) await request(a.app).get('/auth/saml/metadata').set('X-Forwarded-For', `198.51.100.${i}`);
    expectLimited(await request(a.app).get('/auth/saml/metadata').set('X-Forwarded-For', '198.51.100.99'));
  });

  it('when the proxy is trusted, then each forwarded address has its own budget', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await request(proxied.app).get('/auth/saml/metadata').set('X-Forwarded-For', '198.51.100.7')).status).toBe(200);
    }
    expectLimited(await request(proxied.app).get('/auth/saml/metadata').set('X-Forwarded-For', '198.51.100.7'));
    expect((await request(proxied.app).get('/auth/saml/metadata').set('X-Forwarded-For', '198.51.100.8')).status).toBe(200);
  });
});

it('when limits are counted, then the table holds digests, never the client id or address as text', async () => {
  await tokenRequest(a, { grant_type: 'client_credentials', client_id: 'Jane-Doe-9434765919' });
  const rows: { key: string }[] = await a.ds.query(`SELECT key FROM rate_limits`);
  expect(rows.length).toBe(2);
  expect(JSON.stringify(rows)).not.toMatch(/Jane|9434765919|127\.0\.0\.1/);
});
