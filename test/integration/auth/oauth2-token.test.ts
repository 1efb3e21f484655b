import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { disableClient, JWT_BEARER_ASSERTION_TYPE } from '../../../src/auth/api-clients';
import { jose } from '../../../src/auth/api-clients/jose';
import { newPkcs8Pem } from '../../../src/auth/api-clients/signing-keys';
import { startTestApp, type TestApp } from '../../support/app';
import {
  accessTokenFor,
  goodClaims,
  insertTestAgency,
  registerTestClient,
  signAssertion,
  tokenRequest,
  unsecuredJwt,
  untilStatus,
  type TestClient,
} from '../../support/api-clients';

// Who may call:
// - POST /oauth2/token: anyone (x-public); only a registered, enabled client presenting a valid
//   private_key_jwt assertion gets a token, every other request is refused (400/401) and audited.
// - With the token (Authorization: Bearer): what the client's scopes allow and nothing more
//   (directory:read → GET /v1/agencies 200, POST /v1/agencies 403); a malformed, expired, forged
//   or disabled client's token → 401 invalid_token, audited.

let t: TestApp;
let tokenUrl: string;
let serviceKeyPem: string;
const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdop-token-test-'));

beforeAll(async () => {
  // The service's signing key from a file, so tests can also mint (expired) tokens with it.
  serviceKeyPem = newPkcs8Pem();
  const keyFile = path.join(keyDir, 'access-token.pem');
  fs.writeFileSync(keyFile, serviceKeyPem, { mode: 0o600 });
  t = await startTestApp({ ACCESS_TOKEN_SIGNING_KEY_FILE: keyFile }, { realAuth: true });
  tokenUrl = `${t.config.publicBaseUrl}/oauth2/token`;
});
afterAll(async () => {
  await t.close();
  fs.rmSync(keyDir, { recursive: true, force: true });
});

let client: TestClient;
beforeEach(async () => {
  await t.reset();
  await insertTestAgency(t.ds);
  client = await registerTestClient(t.ds);
});

const good = (over: Record<string, unknown> = {}) =>
  signAssertion({
    key: client.signingKey,
    header: { alg: 'ES256', kid: client.kid, typ: 'JWT' },
    claims: goodClaims(client.clientId, tokenUrl, over),
  });

interface AuditRow {
  outcome: string;
  reason: string | null;
  actor_type: string;
  actor_id: string | null;
  resource_id: string | null;
  details: Record<string, unknown> | null;
}

async function lastAudit(action: string): Promise<AuditRow | undefined> {
  const rows: AuditRow[] = await t.ds.query(
    'SELECT outcome, reason, actor_type, actor_id, resource_id, details FROM audit_events WHERE action = $1 ORDER BY id DESC LIMIT 1',
    [action],
  );
  return rows[0];
}

async function expectRefused(res: request.Response, status: number, error: string, reason: string): Promise<void> {
  expect({ status: res.status, error: res.body.error }).toEqual({ status, error });
  expect(res.type).toBe('application/problem+json');
  expect(res.body.code).toBe(`OAUTH.${error.toUpperCase()}`);
  expect(res.body.error_description).toEqual(expect.any(String));
  expect(res.headers['cache-control']).toBe('no-store');
  expect(await lastAudit('auth.token')).toMatchObject({ outcome: 'denied', reason, actor_type: 'anonymous', actor_id: null });
}

describe('POST /oauth2/token', () => {
  it('when a registered client sends a valid assertion, then it gets a short-lived token that reads the directory but cannot write', async () => {
    const res = await tokenRequest(t.app, await good());
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 300, scope: 'directory:read' });

    const { decodeJwt, decodeProtectedHeader } = await jose();
    expect(decodeProtectedHeader(res.body.access_token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    const claims = decodeJwt(res.body.access_token);
    expect(claims).toMatchObject({
      iss: t.config.publicBaseUrl,
      aud: 'cdop-api',
      sub: client.id,
      client_id: client.clientId,
      agency_id: client.agency.id,
      scope: 'directory:read',
    });
    expect(claims.exp! - claims.iat!).toBe(300);

    const audit = await lastAudit('auth.token');
    expect(audit).toMatchObject({ outcome: 'success', actor_type: 'client', actor_id: client.id, resource_id: client.id });
    expect(audit!.details).toMatchObject({ clientId: client.clientId, scopes: ['directory:read'], tokenId: claims.jti });

    const bearer = { Authorization: `Bearer ${res.body.access_token}` };
    const list = await request(t.app).get('/v1/agencies').set(bearer);
    expect(list.status).toBe(200);
    expect(list.body.items.map((a: { odsCode: string }) => a.odsCode)).toEqual(['RWP']);
    const write = await request(t.app).post('/v1/agencies').set(bearer).send({ name: 'Another trust', type: 'hospital_trust' });
    expect(write.status).toBe(403);
    expect(await lastAudit('access.denied')).toMatchObject({ actor_type: 'client', actor_id: client.id });
  });

  it('when the header names no kid and the client has one key, then that key is used', async () => {
    const assertion = await signAssertion({
      key: client.signingKey,
      header: { alg: 'ES256' },
      claims: goodClaims(client.clientId, tokenUrl),
    });
    expect((await tokenRequest(t.app, assertion)).status).toBe(200);
  });

  it('when the assertion is replayed, then the second use is refused (invalid_client, jti reused)', async () => {
    const assertion = await good();
    expect((await tokenRequest(t.app, assertion)).status).toBe(200);
    await expectRefused(await tokenRequest(t.app, assertion), 401, 'invalid_client', 'ASSERTION.JTI_REPLAYED');
  });

  it('when the same assertion is sent twice at once, then exactly one gets a token', async () => {
    const assertion = await good();
    const statuses = (await Promise.all([tokenRequest(t.app, assertion), tokenRequest(t.app, assertion)])).map((r) => r.status);
    expect(statuses.sort()).toEqual([200, 401]);
  });

  describe('refused assertions', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

    const cases: [string, () => Promise<string>, string][] = [
      [
        'alg none',
        async () => unsecuredJwt({ alg: 'none', typ: 'JWT' }, goodClaims(client.clientId, tokenUrl)),
        'ASSERTION.ALG_NOT_ALLOWED',
      ],
      [
        'HS256 with the registered public key as the HMAC secret',
        async () => {
          const publicPem = createPublicKey({ key: client.jwks.keys[0]!, format: 'jwk' } as never).export({ type: 'spki', format: 'pem' });
          return signAssertion({
            key: new TextEncoder().encode(String(publicPem)),
            header: { alg: 'HS256', kid: client.kid },
            claims: goodClaims(client.clientId, tokenUrl),
          });
        },
        'ASSERTION.ALG_NOT_ALLOWED',
      ],
      [
        'HS512 (outside the allow-list)',
        async () =>
          signAssertion({ key: new Uint8Array(64).fill(7), header: { alg: 'HS512' }, claims: goodClaims(client.clientId, tokenUrl) }),
        'ASSERTION.ALG_NOT_ALLOWED',
      ],
      [
        'ES512 (outside the allow-list)',
        async () => {
          const { generateKeyPair } = await jose();
          const { privateKey } = await generateKeyPair('ES512');
          return signAssertion({
            key: privateKey,
            header: { alg: 'ES512', kid: client.kid },
            claims: goodClaims(client.clientId, tokenUrl),
          });
        },
        'ASSERTION.ALG_NOT_ALLOWED',
      ],
      [
        'RS256-signed while the client registered an EC key',
        async () =>
          signAssertion({ key: rsa.privateKey, header: { alg: 'RS256', kid: client.kid }, claims: goodClaims(client.clientId, tokenUrl) }),
        'ASSERTION.KEY_MISMATCH',
      ],
      [
        'ES256-signed with another key',
        async () => {
          const { generateKeyPair } = await jose();
          const { privateKey } = await generateKeyPair('ES256');
          return signAssertion({
            key: privateKey,
            header: { alg: 'ES256', kid: client.kid },
            claims: goodClaims(client.clientId, tokenUrl),
          });
        },
        'ASSERTION.SIGNATURE_INVALID',
      ],
      [
        'a kid that is not registered',
        async () =>
          signAssertion({ key: client.signingKey, header: { alg: 'ES256', kid: 'other' }, claims: goodClaims(client.clientId, tokenUrl) }),
        'ASSERTION.KEY_NOT_FOUND',
      ],
      ['the wrong aud', () => good({ aud: 'https://elsewhere.example/oauth2/token' }), 'ASSERTION.AUDIENCE'],
      ['expired', () => good({ iat: Math.floor(Date.now() / 1000) - 600, exp: Math.floor(Date.now() / 1000) - 120 }), 'ASSERTION.EXPIRED'],
      ['too long-lived (exp an hour ahead)', () => good({ exp: Math.floor(Date.now() / 1000) + 3600 }), 'ASSERTION.TOO_LONG_LIVED'],
      ['too long-lived without iat', () => good({ iat: undefined, exp: Math.floor(Date.now() / 1000) + 3600 }), 'ASSERTION.TOO_LONG_LIVED'],
      ['no exp', () => good({ exp: undefined }), 'ASSERTION.EXP_MISSING'],
      ['no jti', () => good({ jti: undefined }), 'ASSERTION.JTI_MISSING'],
      ['iss ≠ sub', () => good({ sub: 'someone-else-entirely' }), 'ASSERTION.SUB_MISMATCH'],
      [
        'a tampered payload (scope widened after signing)',
        async () => {
          const [h, , s] = (await good()).split('.');
          const forged = Buffer.from(JSON.stringify({ ...goodClaims(client.clientId, tokenUrl), scope: 'directory:write' })).toString(
            'base64url',
          );
          return `${h}.${forged}.${s}`;
        },
        'ASSERTION.SIGNATURE_INVALID',
      ],
      ['not a JWT at all', async () => 'not-a-jwt', 'ASSERTION.MALFORMED'],
    ];

    it.each(cases)('when the assertion is %s, then 401 invalid_client, audited', async (_name, make, reason) => {
      const res = await tokenRequest(t.app, await make());
      await expectRefused(res, 401, 'invalid_client', reason);
      if (reason !== 'ASSERTION.MALFORMED' && reason !== 'ASSERTION.ALG_NOT_ALLOWED') {
        expect(await lastAudit('auth.token')).toMatchObject({
          resource_id: client.id,
          details: { clientId: client.clientId, error: 'invalid_client' },
        });
      }
    });
  });

  it('when the client is unknown, then 401 invalid_client, audited without the claimed client_id (caller-chosen text)', async () => {
    const assertion = await signAssertion({
      key: client.signingKey,
      header: { alg: 'ES256' },
      claims: goodClaims('Jane.Doe.9434765919', tokenUrl),
    });
    await expectRefused(
      await tokenRequest(t.app, assertion, { client_id: 'Jane.Doe.9434765919' }),
      401,
      'invalid_client',
      'CLIENT.UNKNOWN',
    );
    const audit = await lastAudit('auth.token');
    expect(audit).toMatchObject({ resource_id: null, details: { error: 'invalid_client' } });
    expect(JSON.stringify(audit)).not.toMatch(/Jane|9434765919/);
    expect(t.logLines.join('\n')).not.toMatch(/Jane|9434765919/);
  });

  it("when client_id differs from the assertion's iss, then neither is audited as text", async () => {
    await tokenRequest(t.app, await good(), { client_id: 'Jane.Doe.9434765919' });
    expect(JSON.stringify(await lastAudit('auth.token'))).not.toMatch(/Jane|9434765919/);
  });

  it('when the client has been disabled, then 401 invalid_client, audited', async () => {
    expect(await disableClient(t.ds, client.clientId)).toBe(true);
    await expectRefused(await tokenRequest(t.app, await good()), 401, 'invalid_client', 'CLIENT.DISABLED');
  });

  it('when a scope the client was not granted is asked for, then 400 invalid_scope; a granted one is issued', async () => {
    await expectRefused(
      await tokenRequest(t.app, await good(), { scope: 'directory:read directory:write' }),
      400,
      'invalid_scope',
      'SCOPE.NOT_GRANTED',
    );
    const ok = await tokenRequest(t.app, await good(), { scope: 'directory:read' });
    expect(ok.body.scope).toBe('directory:read');
  });

  it('when grant_type is not client_credentials, then 400 unsupported_grant_type', async () => {
    await expectRefused(
      await tokenRequest(t.app, await good(), { grant_type: 'password' }),
      400,
      'unsupported_grant_type',
      'GRANT_TYPE.UNSUPPORTED',
    );
  });

  it('when client_assertion_type is wrong, then 400 invalid_request', async () => {
    const res = await tokenRequest(t.app, await good(), {
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer',
    });
    await expectRefused(res, 400, 'invalid_request', 'ASSERTION_TYPE.UNSUPPORTED');
  });

  it("when a parameter is missing or repeated, then 400 invalid_request (never the validator's problem without `error`)", async () => {
    const missing = await request(t.app)
      .post('/oauth2/token')
      .type('form')
      .send({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_ASSERTION_TYPE });
    await expectRefused(missing, 400, 'invalid_request', 'REQUEST.MALFORMED');
    const assertion = await good();
    const repeated = await request(t.app)
      .post('/oauth2/token')
      .type('form')
      .send(
        `grant_type=client_credentials&grant_type=client_credentials&client_assertion_type=${encodeURIComponent(JWT_BEARER_ASSERTION_TYPE)}&client_assertion=${assertion}`,
      );
    await expectRefused(repeated, 400, 'invalid_request', 'REQUEST.MALFORMED');
    await expectRefused(await request(t.app).post('/oauth2/token'), 400, 'invalid_request', 'REQUEST.MALFORMED');
  });

  it("when the request carries a query string (found by test/fuzz), then 400 invalid_request, not the validator's problem without `error`", async () => {
    const assertion = await good();
    const res = await request(t.app)
      .post('/oauth2/token?debug=1')
      .type('form')
      .send({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: assertion });
    await expectRefused(res, 400, 'invalid_request', 'REQUEST.MALFORMED');
  });

  it('when the form or the query carries NUL characters (found by test/fuzz), then 400 invalid_request, not a problem without `error`', async () => {
    const assertion = await good();
    const form = { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: assertion };
    await expectRefused(
      await request(t.app)
        .post('/oauth2/token')
        .type('form')
        .send({ ...form, scope: 'directory:read\u0000' }),
      400,
      'invalid_request',
      'REQUEST.MALFORMED',
    );
    await expectRefused(
      await request(t.app).post('/oauth2/token?x=%00').type('form').send(form),
      400,
      'invalid_request',
      'REQUEST.MALFORMED',
    );
  });

  it("when client_id is sent and differs from the assertion's iss, then 401 invalid_client", async () => {
    await expectRefused(
      await tokenRequest(t.app, await good(), { client_id: 'rwp-someone-else' }),
      401,
      'invalid_client',
      'ASSERTION.CLIENT_ID_MISMATCH',
    );
    expect((await tokenRequest(t.app, await good(), { client_id: client.clientId })).status).toBe(200);
  });

  it('when the body is JSON, then 415 (the endpoint is form-encoded)', async () => {
    const res = await request(t.app).post('/oauth2/token').send({ grant_type: 'client_credentials' });
    expect(res.status).toBe(415);
  });

  it('when the body is labelled JSON but is not JSON (found by test/fuzz), then 415 too, not a JSON parse error without `error`', async () => {
    const res = await request(t.app)
      .post('/oauth2/token')
      .set('Content-Type', 'application/json')
      .send(`grant_type=client_credentials&client_assertion_type=${encodeURIComponent(JWT_BEARER_ASSERTION_TYPE)}&client_assertion=x`);
    expect({ status: res.status, type: res.type, code: res.body.code }).toEqual({
      status: 415,
      type: 'application/problem+json',
      code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
    });
  });

  it('when tokens are issued and refused, then neither the assertions nor the tokens reach the log or the audit trail', async () => {
    const ok = await good();
    const token = (await tokenRequest(t.app, ok)).body.access_token as string;
    await tokenRequest(t.app, ok); // replay
    await request(t.app).get('/v1/agencies').set('Authorization', `Bearer ${token}x`);
    const secrets = [ok, ok.split('.')[2]!, token, token.split('.')[2]!];
    const log = t.logLines.join('\n');
    const audit = JSON.stringify(await t.ds.query('SELECT * FROM audit_events'));
    for (const s of secrets) {
      expect(log).not.toContain(s);
      expect(audit).not.toContain(s);
    }
  });
});

describe('Authorization: Bearer', () => {
  async function mint(key: Parameters<typeof signAssertion>[0]['key'], over: Record<string, unknown> = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: t.config.publicBaseUrl,
      aud: 'cdop-api',
      sub: client.id,
      client_id: client.clientId,
      agency_id: client.agency.id,
      scope: 'directory:read',
      jti: randomUUID(),
      iat: now,
      exp: now + 300,
      ...over,
    };
    return signAssertion({ key, header: { alg: 'ES256', typ: 'at+jwt' }, claims });
  }
  const serviceKey = async () => (await jose()).importPKCS8(serviceKeyPem, 'ES256');

  async function expectInvalidToken(authorization: string, reason: string): Promise<void> {
    const res = await request(t.app).get('/v1/agencies').set('Authorization', authorization);
    expect(res.status).toBe(401);
    expect(res.type).toBe('application/problem+json');
    expect(res.body.code).toBe('AUTH.INVALID_TOKEN');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    expect(await lastAudit('auth.bearer')).toMatchObject({ outcome: 'denied', reason, actor_type: 'anonymous' });
  }

  it('when a token minted with the service key is presented, then it is accepted (the control for the cases below)', async () => {
    expect(
      (
        await request(t.app)
          .get('/v1/agencies')
          .set('Authorization', `Bearer ${await mint(await serviceKey())}`)
      ).status,
    ).toBe(200);
  });

  it('when the access token has expired, then 401 invalid_token', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectInvalidToken(`Bearer ${await mint(await serviceKey(), { iat: now - 600, exp: now - 120 })}`, 'TOKEN.EXPIRED');
    expect(await lastAudit('auth.bearer')).toMatchObject({ resource_id: client.id });
  });

  it('when the access token is signed by another key, then 401 invalid_token', async () => {
    const { generateKeyPair } = await jose();
    await expectInvalidToken(`Bearer ${await mint((await generateKeyPair('ES256')).privateKey)}`, 'TOKEN.SIGNATURE_INVALID');
  });

  it('when the client has been disabled since the token was issued, then 401 invalid_token', async () => {
    const token = await accessTokenFor(t.app, client, tokenUrl);
    expect((await request(t.app).get('/v1/agencies').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    await disableClient(t.ds, client.clientId);
    // Refused as soon as the api_clients_changed notification reaches the instance (see bearer.authenticator.ts).
    await untilStatus(() => request(t.app).get('/v1/agencies').set('Authorization', `Bearer ${token}`), 401);
    await expectInvalidToken(`Bearer ${token}`, 'CLIENT.DISABLED');
  });

  it('when the access token says alg none, then 401 invalid_token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: t.config.publicBaseUrl,
      aud: 'cdop-api',
      sub: client.id,
      client_id: client.clientId,
      agency_id: client.agency.id,
      scope: 'directory:read',
      jti: randomUUID(),
      iat: now,
      exp: now + 300,
    };
    await expectInvalidToken(`Bearer ${unsecuredJwt({ alg: 'none', typ: 'at+jwt' }, claims)}`, 'TOKEN.ALG_NOT_ALLOWED');
  });

  it("when the client's own assertion is presented as an access token, then 401 invalid_token", async () => {
    await expectInvalidToken(`Bearer ${await good()}`, 'TOKEN.SIGNATURE_INVALID');
  });

  it('when the token is for another audience or issuer, then 401 invalid_token', async () => {
    await expectInvalidToken(`Bearer ${await mint(await serviceKey(), { aud: 'another-api' })}`, 'TOKEN.CLAIMS_INVALID');
    await expectInvalidToken(`Bearer ${await mint(await serviceKey(), { iss: 'https://elsewhere.example' })}`, 'TOKEN.CLAIMS_INVALID');
  });

  it.each([
    ['garbage', 'Bearer garbage', 'TOKEN.MALFORMED'],
    ['an empty token', 'Bearer ', 'TOKEN.MALFORMED'],
    ['two tokens', 'Bearer a.b.c d.e.f', 'TOKEN.MALFORMED'],
  ])('when the bearer token is %s, then 401 invalid_token', async (_name, header, reason) => {
    await expectInvalidToken(header, reason);
  });

  it('when another scheme is used, then it is not treated as a bearer token (401 unauthenticated, no invalid_token)', async () => {
    const res = await request(t.app).get('/v1/agencies').set('Authorization', 'Basic dXNlcjpwYXNz');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('AUTH.UNAUTHENTICATED');
  });
});
