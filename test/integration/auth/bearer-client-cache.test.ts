import type { Express } from 'express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { createApp } from '../../../src/app';
import type { AuthMechanism } from '../../../src/auth';
import { createApiClientsMechanism } from '../../../src/auth/api-clients';
import { findEnabledClientById } from '../../../src/auth/api-clients/api-clients.repository';
import type { Config } from '../../../src/config';
import { loadOpenApi } from '../../../src/platform/http/openapi';
import { capturingLogger, testConfig } from '../../support/app';
import { openTestDataSource, truncateAll } from '../../support/db';
import { accessTokenFor, insertTestAgency, registerTestClient, untilStatus, type TestClient } from '../../support/api-clients';

// Who may call: an agency system with a bearer token, within its client's
// current scopes, while the client is enabled (GET /v1/agencies needs
// directory:read). Here: the per-instance cache of the client lookup. It must
// never let a disabled client (or a withdrawn scope) through for longer than
// the api_clients_changed notification takes to arrive, however the row was
// changed, and must fall back to a lookup per request while it cannot hear
// the notifications.

const LISTENER_APP = 'cdop-api:listen:api_clients_changed';

let config: Config;
let ds: DataSource;
let app: Express;
let mechanism: AuthMechanism;
let logLines: string[];
let lookups = 0;

beforeAll(async () => {
  config = testConfig();
  const { log, lines } = capturingLogger();
  logLines = lines;
  ds = await openTestDataSource(config.database.url);
  mechanism = await createApiClientsMechanism({
    config,
    log,
    dataSource: ds,
    findClient: (d, id) => {
      lookups += 1;
      return findEnabledClientById(d, id);
    },
    // Slow to reconnect, so a test can act while the listener is down.
    listener: { retryMinMs: 4000, retryMaxMs: 4000 },
  });
  app = createApp({ config, log, dataSource: ds, openapi: await loadOpenApi(config.openapiPath), auth: [mechanism] });
});
afterAll(async () => {
  await mechanism.close?.();
  await ds.destroy();
});

let client: TestClient;
let token: string;
beforeEach(async () => {
  await truncateAll(ds);
  await insertTestAgency(ds);
  client = await registerTestClient(ds, { scopes: ['directory:read', 'notifications:write'] });
  token = await accessTokenFor(app, client, `${config.publicBaseUrl}/oauth2/token`);
});

const listAgencies = () => request(app).get('/v1/agencies').set('Authorization', `Bearer ${token}`);

async function until(what: string, check: () => Promise<boolean>, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() >= deadline) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** True when a request was answered 200 without a client lookup (`cached`), or with one (`!cached`). */
async function servedOk(cached: boolean): Promise<boolean> {
  const before = lookups;
  expect((await listAgencies()).status).toBe(200);
  return (lookups === before) === cached;
}

/** Calls until a request is answered 200 without looking the client up: the cache is in use. */
const untilCached = () => until('the client lookup cached', () => servedOk(true));

const listenerBackends = async () =>
  Number(
    (
      await ds.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`, [
        LISTENER_APP,
      ])
    )[0].n,
  );

async function lastBearerRefusal(): Promise<string | undefined> {
  const rows: { reason: string }[] = await ds.query(
    `SELECT reason FROM audit_events WHERE action = 'auth.bearer' AND outcome = 'denied' ORDER BY id DESC LIMIT 1`,
  );
  return rows[0]?.reason;
}

describe('bearer authentication: the cached client lookup', () => {
  it('when the listener is connected, then repeated requests with a token do not look its client up again', async () => {
    await untilCached();
    const before = lookups;
    for (let i = 0; i < 20; i++) expect((await listAgencies()).status).toBe(200);
    expect(lookups).toBe(before);
  });

  it('when the client is disabled by plain SQL (not through the service), then its token is refused shortly after, and accepted again once re-enabled', async () => {
    await untilCached();
    await ds.query('UPDATE api_clients SET disabled_at = now() WHERE id = $1', [client.id]);
    const refused = await untilStatus(listAgencies, 401);
    expect(refused.body.code).toBe('AUTH.INVALID_TOKEN');
    expect(await lastBearerRefusal()).toBe('CLIENT.DISABLED');

    await ds.query('UPDATE api_clients SET disabled_at = NULL WHERE id = $1', [client.id]);
    await untilStatus(listAgencies, 200);
  });

  it('when the client row is deleted by plain SQL, then its token is refused shortly after', async () => {
    await untilCached();
    await ds.query('DELETE FROM api_clients WHERE id = $1', [client.id]);
    await untilStatus(listAgencies, 401);
    expect(await lastBearerRefusal()).toBe('CLIENT.DISABLED');
  });

  it('when a scope is withdrawn from the client by plain SQL, then its token can no longer use it, although the token still lists it', async () => {
    await untilCached();
    await ds.query(`UPDATE api_clients SET scopes = '{notifications:write}' WHERE id = $1`, [client.id]);
    const res = await untilStatus(listAgencies, 403);
    expect(res.body.code).toBe('AUTH.FORBIDDEN');
  });

  it('when the listener loses its connection, then every request looks the client up (a client disabled meanwhile is refused at once), and once it is back, caching resumes and notifications are heard again', async () => {
    await untilCached();
    const terminated: { ok: boolean }[] = await ds.query(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
      [LISTENER_APP],
    );
    expect(terminated).toEqual([{ ok: true }]);

    // Once the loss is noticed (at once: the backend says so as it goes), each request does its own lookup.
    await until('the cache set aside', () => servedOk(false), 2000);
    const before = lookups;
    for (let i = 0; i < 3; i++) expect((await listAgencies()).status).toBe(200);
    expect(lookups).toBe(before + 3);

    // Nobody is listening now, so no notification reaches this instance; the lookup refuses at once.
    await ds.query('UPDATE api_clients SET disabled_at = now() WHERE id = $1', [client.id]);
    expect((await listAgencies()).status).toBe(401);
    await ds.query('UPDATE api_clients SET disabled_at = NULL WHERE id = $1', [client.id]);
    expect((await listAgencies()).status).toBe(200);
    expect(logLines.some((l) => l.includes('listener connection failed or lost; reconnecting'))).toBe(true);

    // The listener reconnects by itself (2-4 s here) and the cache is used again...
    await untilCached();
    // ...and kept exact by notifications again.
    await ds.query('UPDATE api_clients SET disabled_at = now() WHERE id = $1', [client.id]);
    await untilStatus(listAgencies, 401);
  }, 20_000);

  it('when the mechanism is closed, then its listener connection is gone', async () => {
    await untilCached();
    expect(await listenerBackends()).toBe(1);
    const other = await createApiClientsMechanism({ config, log: capturingLogger().log, dataSource: ds });
    await until('a second listener connected', async () => (await listenerBackends()) === 2);
    await other.close?.();
    await until('the second listener gone', async () => (await listenerBackends()) === 1, 2000);
  });
});
