import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { SignedXml } from 'xml-crypto';
import { createApp } from '../../../src/app';
import { createSamlMechanism } from '../../../src/auth/saml';
import { purgeExpiredSamlState } from '../../../src/auth/saml/saml-request.cache';
import { endSessionsOfUser } from '../../../src/auth/sessions';
import { loadConfig } from '../../../src/config';
import { inTransaction } from '../../../src/platform/db/transaction';
import { loadOpenApi } from '../../../src/platform/http/openapi';
import { capturingLogger, startTestApp, type TestApp } from '../../support/app';
import { openTestDataSource, workerDatabaseUrl } from '../../support/db';
import { authnRequestFrom, encode, newKeyPair, sessionCookie, TEST_ATTR, writeTestIdps, type TestIdps } from '../../support/saml-idp';

// Who may call: anyone may start a sign-in or fetch the SP metadata; a session cookie from a
// sign-in authenticates the person (roles re-read from users on every request) until logout,
// the idle or absolute timeout, or their account is disabled. A state-changing request made
// with the cookie also needs the session's X-CSRF-Token (403 AUTH.CSRF); POST /auth/logout too.

const BASE = 'http://cdop.test';
const coordinator = { [TEST_ATTR.roles]: ['CDOP-COORDINATOR'], [TEST_ATTR.panels]: ['WOR'] };

let t: TestApp;
let idps: TestIdps;
beforeAll(async () => {
  idps = writeTestIdps(BASE);
  t = await startTestApp({ SAML_IDPS_FILE: idps.file, PUBLIC_BASE_URL: BASE, DEV_IDP: 'false' }, { realAuth: true });
});
afterAll(async () => {
  await t.close();
  idps.cleanup();
});
beforeEach(async () => {
  await t.reset();
  await t.ds.query(`INSERT INTO panels (code, name) VALUES ('WOR', 'Worcestershire CDOP')`);
});

async function signInResponse(idpId: 'nhs' | 'police' = 'nhs', cookie?: string): Promise<request.Response> {
  const login = await request(t.app).get(`/auth/saml/${idpId}/login`);
  const { id } = authnRequestFrom(login.headers.location!);
  const attributes = idpId === 'nhs' ? coordinator : { [TEST_ATTR.roles]: ['CDOP-MEMBER'] };
  const req = request(t.app)
    .post(`/auth/saml/${idpId}/acs`)
    .type('form')
    .send({ SAMLResponse: encode(idps[idpId].response({ inResponseTo: id, nameId: `${idpId}-user-1`, attributes })) });
  if (cookie) req.set('Cookie', cookie);
  const res = await req;
  expect(res.status).toBe(303);
  return res;
}

async function signIn(idpId: 'nhs' | 'police' = 'nhs'): Promise<string> {
  return sessionCookie((await signInResponse(idpId)).headers['set-cookie'])!;
}

interface SessionRow {
  sid: string;
  user_id: string;
  csrf: string;
  expire: Date;
}
// Typed as non-empty for destructuring; tests that expect none check the length.
const sessions = () =>
  t.ds.query<[SessionRow, ...SessionRow[]]>(`SELECT sid, user_id, sess->>'csrfToken' AS csrf, expire FROM user_sessions`);
const panels = (cookie: string) => request(t.app).get('/v1/panels').set('Cookie', cookie);
const newPanel = { code: 'HWC', name: 'Herefordshire CDOP', localAuthorities: [{ code: 'E06000019', name: 'Herefordshire' }] };

describe('the session cookie', () => {
  it('when a person signs in, then cdop.sid is HttpOnly, SameSite=Lax, Path=/, rolls over 30 minutes, and is not Secure in development/test', async () => {
    const line = ([] as string[]).concat((await signInResponse()).headers['set-cookie'] ?? []).find((c) => c.startsWith('cdop.sid='))!;
    expect(line).toMatch(/; HttpOnly/);
    expect(line).toMatch(/; SameSite=Lax/);
    expect(line).toMatch(/; Path=\//);
    expect(line).not.toMatch(/; Secure/);
    const expires = Date.parse(/Expires=([^;]+)/.exec(line)![1]!);
    expect(Math.abs(expires - (Date.now() + 30 * 60_000))).toBeLessThan(60_000);
    // The row stores ids and the CSRF token only: userId at the top level, so user_id is generated from it.
    const [row] = await t.ds.query(`SELECT sess, user_id FROM user_sessions`);
    expect(Object.keys(row.sess).sort()).toEqual([
      'cookie',
      'createdAt',
      'csrfToken',
      'idpId',
      'samlNameIdFormat',
      'samlSessionIndex',
      'userId',
    ]);
    expect(row.user_id).toBe(row.sess.userId);
  });

  it('when NODE_ENV=production (behind a TLS proxy), then the cookie is also Secure', async () => {
    const prodBase = 'https://cdop.example.nhs.uk';
    const prodIdps = writeTestIdps(prodBase);
    const sp = newKeyPair('CDOP SP');
    fs.writeFileSync(path.join(prodIdps.dir, 'sp.key.pem'), sp.privateKeyPem);
    fs.writeFileSync(path.join(prodIdps.dir, 'sp.cert.pem'), sp.certPem);
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: workerDatabaseUrl(),
      PUBLIC_BASE_URL: prodBase,
      SESSION_SECRET: crypto.randomBytes(32).toString('hex'),
      SAML_SP_KEY_FILE: path.join(prodIdps.dir, 'sp.key.pem'),
      SAML_SP_CERT_FILE: path.join(prodIdps.dir, 'sp.cert.pem'),
      SAML_IDPS_FILE: prodIdps.file,
      ACCESS_TOKEN_SIGNING_KEY_FILE: '/not/used/by/this/test',
      MAIL_ENABLED: 'false',
      TRUST_PROXY: 'true',
      LOG_LEVEL: 'silent',
      OPENAPI_VALIDATE_RESPONSES: 'true',
    });
    const { log } = capturingLogger('silent');
    const ds = await openTestDataSource(config.database.url);
    const saml = createSamlMechanism({ config, log, dataSource: ds });
    try {
      const app = createApp({ config, log, dataSource: ds, openapi: await loadOpenApi(config.openapiPath), auth: [saml] });
      const login = await request(app).get('/auth/saml/nhs/login').set('X-Forwarded-Proto', 'https');
      const { id } = authnRequestFrom(login.headers.location!);
      const res = await request(app)
        .post('/auth/saml/nhs/acs')
        .set('X-Forwarded-Proto', 'https')
        .type('form')
        .send({ SAMLResponse: encode(prodIdps.nhs.response({ inResponseTo: id, attributes: coordinator })) });
      expect(res.status).toBe(303);
      const line = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('cdop.sid='))!;
      expect(line).toMatch(/; Secure/);
      expect(line).toMatch(/; HttpOnly/);
      expect(line).toMatch(/; SameSite=Lax/);
    } finally {
      await saml.close?.();
      await ds.destroy();
      prodIdps.cleanup();
    }
  });

  it('when a person signs in while holding a session, then the session id is rotated and the old one no longer works', async () => {
    const before = await signIn();
    expect((await panels(before)).status).toBe(200);
    const after = sessionCookie((await signInResponse('nhs', before)).headers['set-cookie'])!;
    expect(after).not.toBe(before);
    expect((await panels(before)).status).toBe(401);
    expect((await panels(after)).status).toBe(200);
    expect(await sessions()).toHaveLength(1);
  });

  it('when the cookie is forged (unsigned or unknown id), then it authenticates nothing', async () => {
    await signIn();
    const [{ sid }] = await sessions();
    expect((await panels(`cdop.sid=${sid}`)).status).toBe(401); // the raw id without the signature
    expect((await panels('cdop.sid=s%3Anot-a-session.forged')).status).toBe(401);
  });
});

describe('timeouts', () => {
  it('when the session has been idle past its expiry, then the next request is 401', async () => {
    const cookie = await signIn();
    await t.ds.query(`UPDATE user_sessions SET expire = now() + interval '1 minute'`);
    expect((await panels(cookie)).status).toBe(200);
    const [touched] = await sessions();
    expect(touched.expire.getTime()).toBeGreaterThan(Date.now() + 25 * 60_000); // rolling: activity extends it
    await t.ds.query(`UPDATE user_sessions SET expire = now() - interval '1 second'`);
    expect((await panels(cookie)).status).toBe(401);
  });

  it('when the absolute timeout (10 h) has passed, even with constant activity, then 401 and the session is deleted', async () => {
    const cookie = await signIn();
    expect((await panels(cookie)).status).toBe(200);
    const elevenHoursAgo = Date.now() - 11 * 3_600_000;
    await t.ds.query(`UPDATE user_sessions SET sess = jsonb_set(sess::jsonb, '{createdAt}', to_jsonb($1::bigint))::json`, [elevenHoursAgo]);
    expect((await panels(cookie)).status).toBe(401);
    expect(await sessions()).toHaveLength(0);
  });
});

describe('disabled people', () => {
  it('when a signed-in person is disabled, then their next request is 401 and the session is deleted', async () => {
    const cookie = await signIn();
    await t.ds.query(`UPDATE users SET disabled_at = now()`);
    expect((await panels(cookie)).status).toBe(401);
    expect(await sessions()).toHaveLength(0);
  });

  it('when endSessionsOfUser runs (in the disabling transaction), then every session of that person ends and others stay', async () => {
    const a1 = await signIn('nhs');
    const a2 = await signIn('nhs');
    const other = await signIn('police');
    const [{ id }] = await t.ds.query(`SELECT id FROM users WHERE idp_id = 'nhs'`);
    expect(await inTransaction(t.ds, (tx) => endSessionsOfUser(tx, id))).toBe(2);
    expect((await panels(a1)).status).toBe(401);
    expect((await panels(a2)).status).toBe(401);
    expect((await panels(other)).status).toBe(200);
  });

  it('when the IdP stops giving a role, then an open session loses every permission at once (roles are re-read per request)', async () => {
    const cookie = await signIn();
    await t.ds.query(`UPDATE users SET roles = '{}'`);
    expect((await panels(cookie)).status).toBe(403);
  });
});

describe('CSRF', () => {
  it('when a state-changing request carries the session but no X-CSRF-Token, then 403 AUTH.CSRF and nothing changes', async () => {
    const cookie = await signIn();
    const res = await request(t.app).post('/v1/panels').set('Cookie', cookie).send(newPanel);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'AUTH.CSRF' });
    expect(await t.ds.query(`SELECT code FROM panels`)).toEqual([{ code: 'WOR' }]);
  });

  it("when the X-CSRF-Token is wrong (or another session's), then 403 AUTH.CSRF", async () => {
    const cookie = await signIn();
    const [{ csrf: mine }] = await sessions();
    await signIn('police');
    const theirs = (await sessions()).find((x) => x.csrf !== mine)!.csrf;
    for (const token of ['nope', theirs, mine.slice(1), 'x'.repeat(mine.length)]) {
      const res = await request(t.app).post('/v1/panels').set('Cookie', cookie).set('X-CSRF-Token', token).send(newPanel);
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'AUTH.CSRF' });
    }
  });

  it("when the session's own token is sent, then the request goes through; reads never need it", async () => {
    const cookie = await signIn();
    const [{ csrf }] = await sessions();
    expect((await panels(cookie)).status).toBe(200);
    const res = await request(t.app).post('/v1/panels').set('Cookie', cookie).set('X-CSRF-Token', csrf).send(newPanel);
    expect(res.status).toBe(201);
  });

  it('when the request also carries an Authorization header, then the session is not used at all (bearer requests need no CSRF token)', async () => {
    const cookie = await signIn();
    const res = await request(t.app).post('/v1/panels').set('Cookie', cookie).set('Authorization', 'Bearer not-a-token').send(newPanel);
    expect(res.status).toBe(401);
  });
});

describe('logout', () => {
  it('when logout is posted without the CSRF token, then 403 and the session survives', async () => {
    const cookie = await signIn();
    expect((await request(t.app).post('/auth/logout').set('Cookie', cookie)).status).toBe(403);
    expect((await panels(cookie)).status).toBe(200);
  });

  it('when a person whose IdP has single logout signs out, then the session ends, it is audited, and the IdP logout URL is returned', async () => {
    const cookie = await signIn('nhs');
    const [{ csrf, user_id }] = await sessions();
    const res = await request(t.app).post('/auth/logout').set('Cookie', cookie).set('X-CSRF-Token', csrf);
    expect(res.status).toBe(200);
    expect(res.body.singleLogoutUrl).toMatch(/^https:\/\/idp\.nhs\.test\/slo\?SAMLRequest=.+&SigAlg=.+&Signature=/);
    expect(([] as string[]).concat(res.headers['set-cookie'] ?? []).join()).toMatch(/cdop\.sid=;/);
    expect(await sessions()).toHaveLength(0);
    expect((await panels(cookie)).status).toBe(401);
    const [event] = await t.ds.query(`SELECT outcome, actor_id FROM audit_events WHERE action = 'auth.logout'`);
    expect(event).toEqual({ outcome: 'success', actor_id: user_id });
  });

  it('when the IdP has no single logout, then 204; without any session, also 204', async () => {
    const cookie = await signIn('police');
    const [{ csrf }] = await sessions();
    expect((await request(t.app).post('/auth/logout').set('Cookie', cookie).set('X-CSRF-Token', csrf)).status).toBe(204);
    expect((await request(t.app).post('/auth/logout')).status).toBe(204);
  });

  it('when the IdP sends the browser to our single logout URL, then its session here ends too', async () => {
    const cookie = await signIn('nhs');
    const res = await request(t.app).get('/auth/saml/nhs/slo').set('Cookie', cookie);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect((await panels(cookie)).status).toBe(401);
  });
});

describe('metadata and requests', () => {
  it('when the SP metadata is fetched, then it is XML signed by our SP key, listing every ACS URL', async () => {
    const res = await request(t.app).get('/auth/saml/metadata');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/samlmetadata\+xml/);
    const xml = res.text;
    expect(xml).toContain(`entityID="${BASE}/auth/saml/metadata"`);
    expect(xml).toContain(`Location="${BASE}/auth/saml/nhs/acs"`);
    expect(xml).toContain(`Location="${BASE}/auth/saml/police/acs"`);
    expect(xml).toContain(`Location="${BASE}/auth/saml/nhs/slo"`);
    expect(xml).toContain('WantAssertionsSigned="true"');

    const certB64 = /<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/.exec(xml)![1]!;
    const cert = `-----BEGIN CERTIFICATE-----\n${certB64.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
    const signature = /<ds:Signature\b[\s\S]*?<\/ds:Signature>/.exec(xml)![0];
    expect(signature).toContain('xmldsig-more#rsa-sha256');
    const verifier = new SignedXml({ publicCert: cert });
    verifier.loadSignature(signature);
    expect(verifier.checkSignature(xml)).toBe(true);
    // …and any change breaks it.
    const tampered = new SignedXml({ publicCert: cert });
    tampered.loadSignature(signature);
    expect(tampered.checkSignature(xml.replace('/nhs/acs', '/evil/acs'))).toBe(false);
  });

  it('when a sign-in starts, then the AuthnRequest names our ACS and entity id and its redirect signature verifies with the metadata certificate', async () => {
    const metadata = (await request(t.app).get('/auth/saml/metadata')).text;
    const certB64 = /<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/.exec(metadata)![1]!;
    const cert = new crypto.X509Certificate(Buffer.from(certB64, 'base64'));

    const res = await request(t.app).get('/auth/saml/nhs/login').query({ RelayState: '/v1/panels' });
    const { xml, url } = authnRequestFrom(res.headers.location!);
    expect(url.origin + url.pathname).toBe('https://idp.nhs.test/sso');
    expect(xml).toContain(`AssertionConsumerServiceURL="${BASE}/auth/saml/nhs/acs"`);
    expect(xml).toContain(`Destination="https://idp.nhs.test/sso"`);
    expect(xml).toContain(`>${BASE}/auth/saml/metadata</saml:Issuer>`);
    expect(url.searchParams.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    const raw = res.headers.location!.split('?')[1]!.split('&');
    const signed = ['SAMLRequest', 'RelayState', 'SigAlg'].map((k) => raw.find((p) => p.startsWith(`${k}=`))!).join('&');
    expect(
      crypto.verify('RSA-SHA256', Buffer.from(signed), cert.publicKey, Buffer.from(url.searchParams.get('Signature')!, 'base64')),
    ).toBe(true);
    expect(await t.ds.query(`SELECT idp_id FROM saml_requests`)).toEqual([{ idp_id: 'nhs' }]);
  });
});

describe('housekeeping', () => {
  it('when requests were never answered or assertions are long expired, then the purge removes them and keeps the rest', async () => {
    await t.ds.query(
      `INSERT INTO saml_requests (request_id, idp_id, created_at) VALUES ('_old', 'nhs', now() - interval '11 minutes'), ('_new', 'nhs', now())`,
    );
    await t.ds.query(
      `INSERT INTO saml_assertions_seen (idp_id, assertion_id, not_on_or_after) VALUES ('nhs', '_gone', now() - interval '11 minutes'), ('nhs', '_kept', now() - interval '1 minute')`,
    );
    await purgeExpiredSamlState(t.ds);
    expect(await t.ds.query(`SELECT request_id FROM saml_requests`)).toEqual([{ request_id: '_new' }]);
    expect(await t.ds.query(`SELECT assertion_id FROM saml_assertions_seen`)).toEqual([{ assertion_id: '_kept' }]);
  });
});
