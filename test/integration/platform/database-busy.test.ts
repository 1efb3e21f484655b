import { ENTITIES } from '../../../src/entities';
import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import pg from 'pg';
import request from 'supertest';
import type { DataSource, QueryRunner } from 'typeorm';
import { createApp } from '../../../src/app';
import { createAuthMechanisms, type AuthMechanism } from '../../../src/auth';
import { createDataSource } from '../../../src/platform/db/data-source';
import { loadOpenApi } from '../../../src/platform/http/openapi';
import { capturingLogger, testConfig } from '../../support/app';
import { openTestDataSource, truncateAll, workerDatabaseUrl } from '../../support/db';
import { as, principal, testAuthenticator } from '../../support/principals';
import { authnRequestFrom, encode, sessionCookie, TEST_ATTR, writeTestIdps, type TestIdps } from '../../support/saml-idp';

// Who may call: coordinators read agencies, anyone reads the probes, a signed-in person uses a session cookie.
// When the database is busy or unreachable (statement timeout, a held lock, no free connection, a server or role
// out of connection slots), every answer is 503 with Retry-After, readiness says so, and no session ends.

const coordinator = as(principal('cdop_coordinator'));
const BASE = 'http://cdop.test';

interface BusyApp {
  app: Express;
  ds: DataSource;
  close(): Promise<void>;
}

/** The app on its own DataSource with the given database settings (the usual test app has fixed ones). */
async function appWith(env: Record<string, string>, realAuth = false): Promise<BusyApp> {
  const config = testConfig(env);
  const { log } = capturingLogger('silent');
  const ds = createDataSource({ ...config.database, url: config.database.url!, log, entities: ENTITIES });
  await ds.initialize();
  const auth: AuthMechanism[] = realAuth
    ? await createAuthMechanisms({ config, log, dataSource: ds })
    : [{ authenticators: [testAuthenticator] }];
  const app = createApp({ config, log, dataSource: ds, openapi: await loadOpenApi(config.openapiPath), auth });
  return {
    app,
    ds,
    close: async () => {
      for (const m of auth) await m.close?.();
      await ds.destroy();
    },
  };
}

function expectBusy(res: request.Response): void {
  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe('SERVICE.UNAVAILABLE');
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
}

/** A connection of the test's own that takes a lock and keeps it until released. */
async function holdLock(sql: string): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: workerDatabaseUrl() });
  await client.connect();
  await client.query('BEGIN');
  await client.query(sql);
  return {
    release: async () => {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

let admin: DataSource;
beforeAll(async () => {
  admin = await openTestDataSource();
});
afterAll(() => admin.destroy());
beforeEach(() => truncateAll(admin));

describe('a statement that runs out of time', () => {
  it('when a table is locked by another connection past the statement timeout, then 503 with Retry-After, soon', async () => {
    const a = await appWith({ DB_STATEMENT_TIMEOUT_MS: '300' });
    const lock = await holdLock('LOCK TABLE agencies IN ACCESS EXCLUSIVE MODE');
    try {
      const started = Date.now();
      expectBusy(await request(a.app).get('/v1/agencies').set(coordinator));
      expectBusy(await request(a.app).post('/v1/agencies').set(coordinator).send({ name: 'Blocked', type: 'other' }));
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await lock.release();
    }
    expect((await request(a.app).get('/v1/agencies').set(coordinator)).status).toBe(200);
    expect(await admin.query(`SELECT count(*)::int AS n FROM agencies`)).toEqual([{ n: 0 }]);
    await a.close();
  });
});

describe('no free connection in the pool', () => {
  it('when every pooled connection is held, then requests get 503 and readiness 503; both recover when one is free', async () => {
    const a = await appWith({ DB_POOL_MAX: '1', DB_CONNECT_TIMEOUT_MS: '300' });
    const held: QueryRunner = a.ds.createQueryRunner();
    await held.connect();
    try {
      expectBusy(await request(a.app).get('/v1/agencies').set(coordinator));
      const ready = await request(a.app).get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.checks.database.status).toBe('unavailable');
    } finally {
      await held.release();
    }
    expect((await request(a.app).get('/v1/agencies').set(coordinator)).status).toBe(200);
    expect((await request(a.app).get('/health/ready')).status).toBe(200);
    await a.close();
  });
});

describe('a server or role out of connection slots (53300)', () => {
  const role = `cdop_limited_${randomBytes(4).toString('hex')}`;
  let limitedUrl: string;
  beforeAll(async () => {
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'limited' CONNECTION LIMIT 1`);
    await admin.query(`GRANT ALL ON SCHEMA public TO ${role}`);
    await admin.query(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${role}`);
    const url = new URL(workerDatabaseUrl());
    url.username = role;
    url.password = 'limited';
    limitedUrl = url.toString();
  });
  afterAll(async () => {
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [role]);
    await admin.query(`DROP OWNED BY ${role}`);
    await admin.query(`DROP ROLE ${role}`);
  });

  it('when the role has no connection left, then requests needing one get 503 with Retry-After, and readiness 503', async () => {
    const a = await appWith({ DATABASE_URL: limitedUrl, DB_POOL_MAX: '4', DB_CONNECT_TIMEOUT_MS: '1000' });
    // The pool's one connection (the role's only slot) is busy elsewhere: the pool must open another.
    const held = a.ds.createQueryRunner();
    await held.connect();
    try {
      expectBusy(await request(a.app).get('/v1/agencies').set(coordinator));
      expect((await request(a.app).get('/health/ready')).status).toBe(503);
    } finally {
      await held.release();
    }
    // An idle pooled connection still answers a request, but no new connection can be had: not ready.
    expect((await request(a.app).get('/v1/agencies').set(coordinator)).status).toBe(200);
    expect((await request(a.app).get('/health/ready')).status).toBe(503);
    await a.close();
  });
});

describe('sessions when the database falters', () => {
  let idps: TestIdps;
  beforeAll(() => {
    idps = writeTestIdps(BASE);
  });
  afterAll(() => idps.cleanup());

  const env = (more: Record<string, string> = {}) => ({
    SAML_IDPS_FILE: idps.file,
    PUBLIC_BASE_URL: BASE,
    DEV_IDP: 'false',
    DB_POOL_MAX: '2',
    DB_CONNECT_TIMEOUT_MS: '300',
    DB_STATEMENT_TIMEOUT_MS: '500',
    ...more,
  });

  async function signIn(app: Express): Promise<string> {
    await admin.query(`INSERT INTO panels (code, name) VALUES ('WOR', 'Worcestershire CDOP') ON CONFLICT DO NOTHING`);
    const login = await request(app).get('/auth/saml/nhs/login');
    const { id } = authnRequestFrom(login.headers.location!);
    const attributes = { [TEST_ATTR.roles]: ['CDOP-COORDINATOR'], [TEST_ATTR.panels]: ['WOR'] };
    const res = await request(app)
      .post('/auth/saml/nhs/acs')
      .type('form')
      .send({ SAMLResponse: encode(idps.nhs.response({ inResponseTo: id, nameId: 'nhs-user-1', attributes })) });
    expect(res.status).toBe(303);
    return sessionCookie(res.headers['set-cookie'])!;
  }

  it('when the pool is full during a cookie request, then 503 and the session survives the outage', async () => {
    const a = await appWith(env(), true);
    const cookie = await signIn(a.app);
    expect((await request(a.app).get('/v1/me').set('Cookie', cookie)).status).toBe(200);
    const held = [a.ds.createQueryRunner(), a.ds.createQueryRunner()];
    for (const r of held) await r.connect();
    try {
      const res = await request(a.app).get('/v1/me').set('Cookie', cookie);
      expectBusy(res);
      expect(String(res.headers['set-cookie'] ?? '')).not.toMatch(/cdop\.sid=;/);
    } finally {
      for (const r of held) await r.release();
    }
    expect(await admin.query(`SELECT count(*)::int AS n FROM user_sessions`)).toEqual([{ n: 1 }]);
    expect((await request(a.app).get('/v1/me').set('Cookie', cookie)).status).toBe(200);
    await a.close();
  });

  it('when the session lookup fails for want of a connection and the pool frees up right after, then the session is not deleted', async () => {
    const a = await appWith(env({ DB_CONNECT_TIMEOUT_MS: '1000' }), true);
    const cookie = await signIn(a.app);
    const held = [a.ds.createQueryRunner(), a.ds.createQueryRunner()];
    for (const r of held) await r.connect();
    // The lookup gives up waiting for a connection after 1 s; the connections come free at 1.5 s, while
    // anything the failed request still did to its session (deleting it) would be waiting for one.
    const freed = new Promise<void>((resolve) =>
      setTimeout(() => {
        void Promise.all(held.map((r) => r.release())).then(() => resolve());
      }, 1500),
    );
    const res = await request(a.app).get('/v1/me').set('Cookie', cookie);
    await freed;
    expectBusy(res);
    expect(await admin.query(`SELECT count(*)::int AS n FROM user_sessions`)).toEqual([{ n: 1 }]);
    expect((await request(a.app).get('/v1/me').set('Cookie', cookie)).status).toBe(200);
    await a.close();
  });

  it('when a statement of the session lookup fails for a moment, then 503, and the session survives', async () => {
    const a = await appWith(env(), true);
    const cookie = await signIn(a.app);
    const lock = await holdLock('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
    try {
      expectBusy(await request(a.app).get('/v1/me').set('Cookie', cookie));
    } finally {
      await lock.release();
    }
    expect(await admin.query(`SELECT count(*)::int AS n FROM user_sessions`)).toEqual([{ n: 1 }]);
    expect((await request(a.app).get('/v1/me').set('Cookie', cookie)).status).toBe(200);
    await a.close();
  });

  it('when the sessions table is locked, then cookie requests are answered 503 after one statement timeout, and recover', async () => {
    const a = await appWith(env({ DB_STATEMENT_TIMEOUT_MS: '1500' }), true);
    const cookie = await signIn(a.app);
    const lock = await holdLock('LOCK TABLE user_sessions IN ACCESS EXCLUSIVE MODE');
    try {
      const started = Date.now();
      const answers = await Promise.all([1, 2, 3].map(() => request(a.app).get('/v1/me').set('Cookie', cookie)));
      for (const res of answers) expectBusy(res);
      // One statement timeout (1.5 s) and change, not two (the lookup, then deleting the session it could not read).
      expect(Date.now() - started).toBeLessThan(2900);
    } finally {
      await lock.release();
    }
    expect((await request(a.app).get('/v1/me').set('Cookie', cookie)).status).toBe(200);
    await a.close();
  });
});
