import request from 'supertest';
import { DEMO_USERS } from '../../../src/auth/saml';
import { seedDirectoryForDevelopment } from '../../../src/modules/directory';
import { createLogger } from '../../../src/platform/logger';
import { startTestApp, type TestApp } from '../../support/app';
import { sessionCookie } from '../../support/saml-idp';

// Who may call: with DEV_IDP on (development only; config refuses it in production) anyone's
// browser may use the development IdP's pages and sign in as a demo user of any role; its
// responses go through every check a real IdP's do. With DEV_IDP off, none of it exists (404).

const BASE = 'http://localhost:3000';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ DEV_IDP: 'true', PUBLIC_BASE_URL: BASE }, { realAuth: true });
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.reset();
  await seedDirectoryForDevelopment(t.ds, createLogger('silent'));
});

const unescapeHtml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const hidden = (html: string, name: string) => {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  return m ? unescapeHtml(m[1]!) : undefined;
};
const pathOf = (url: string) => url.replace(BASE, '');

/** Follows the flow as a browser does: our login → the IdP's page → pick a user → the auto-posted form → our ACS. */
async function browserSignIn(userKey: string, relayState?: string): Promise<{ acs: request.Response; samlResponse: string }> {
  const login = await request(t.app)
    .get('/auth/saml/dev/login')
    .query(relayState ? { RelayState: relayState } : {});
  expect(login.status).toBe(302);
  expect(login.headers.location).toMatch(new RegExp(`^${BASE}/dev-idp/sso\\?SAMLRequest=`));

  const idpPage = await request(t.app).get(pathOf(login.headers.location!)).set('Accept', 'text/html');
  expect(idpPage.status).toBe(200);
  const form = idpPage.text.split('<form').find((f) => f.includes(`name="user" value="${userKey}"`));
  expect(form).toBeDefined();

  const issued = await request(t.app)
    .post('/dev-idp/sso/login')
    .type('form')
    .send({ request: hidden(form!, 'request'), user: userKey });
  expect(issued.status).toBe(200);
  expect(issued.text).toContain(`action="${BASE}/auth/saml/dev/acs"`);
  expect(issued.text).toContain('<script src="/dev-idp/auto-submit.js"></script>');
  const samlResponse = hidden(issued.text, 'SAMLResponse')!;
  const posted: Record<string, string> = { SAMLResponse: samlResponse };
  const rs = hidden(issued.text, 'RelayState');
  if (rs) posted.RelayState = rs;

  const acs = await request(t.app).post('/auth/saml/dev/acs').set('Accept', 'text/html').type('form').send(posted);
  return { acs, samlResponse };
}

it('when a developer signs in as the coordinator through the development IdP, then they land signed in with that role and panel', async () => {
  const { acs, samlResponse } = await browserSignIn('coordinator', '/v1/panels');
  expect(acs.status).toBe(303);
  expect(acs.headers.location).toBe('/v1/panels');
  const cookie = sessionCookie(acs.headers['set-cookie'])!;

  const res = await request(t.app).get('/v1/panels').set('Cookie', cookie);
  expect(res.status).toBe(200);
  expect(res.body.items.map((p: { code: string }) => p.code)).toEqual(['WOR']);

  const [user] = await t.ds.query(`SELECT u.idp_id, u.name_id, u.roles, p.code FROM users u JOIN panels p ON p.id = ANY (u.panel_ids)`);
  expect(user).toEqual({ idp_id: 'dev', name_id: 'dev-coordinator', roles: ['cdop_coordinator'], code: 'WOR' });

  // A real SAML response: response and assertion each signed with RSA-SHA256, no SHA-1 anywhere.
  const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
  expect(xml.match(/<ds:Signature\b/g)).toHaveLength(2);
  expect(xml).toContain('xmldsig-more#rsa-sha256');
  expect(xml).not.toMatch(/sha1/);
  expect(xml).toContain(`Destination="${BASE}/auth/saml/dev/acs"`);
  expect(xml).toContain(`<saml:Audience>${BASE}/auth/saml/metadata</saml:Audience>`);
});

it('when each demo user signs in, then they get exactly their role (and the contributor the seeded agency)', async () => {
  for (const u of DEMO_USERS) {
    const { acs } = await browserSignIn(u.key);
    expect(acs.status).toBe(303);
  }
  const rows: { name_id: string; roles: string[]; ods_code: string | null }[] = await t.ds.query(
    `SELECT u.name_id, u.roles, a.ods_code FROM users u LEFT JOIN agencies a ON a.id = u.agency_id ORDER BY u.name_id`,
  );
  expect(rows).toEqual(
    DEMO_USERS.map((u) => ({ name_id: `dev-${u.key}`, roles: [u.role], ods_code: u.agencyOdsCode ?? null })).sort((a, b) =>
      a.name_id < b.name_id ? -1 : 1,
    ),
  );
});

it('when the same issued response is posted again, then the browser gets a 401 page (replay)', async () => {
  const { acs, samlResponse } = await browserSignIn('member');
  expect(acs.status).toBe(303);
  const again = await request(t.app)
    .post('/auth/saml/dev/acs')
    .set('Accept', 'text/html')
    .type('form')
    .send({ SAMLResponse: samlResponse });
  expect(again.status).toBe(401);
  expect(again.text).toContain('SAML.REPLAY');
});

it('when the AuthnRequest given to the development IdP is altered, then it refuses it (our request signature is checked)', async () => {
  const login = await request(t.app).get('/auth/saml/dev/login');
  const tampered = pathOf(login.headers.location!).replace(/Signature=[^&]+/, 'Signature=AAAA');
  expect((await request(t.app).get(tampered)).status).toBe(400);
  expect(
    (await request(t.app).post('/dev-idp/sso/login').type('form').send({ request: 'SAMLRequest=x', user: 'coordinator' })).status,
  ).toBe(400);
});

it('when DEV_IDP is off, then neither the development IdP nor its registration exist', async () => {
  const off = await startTestApp({ DEV_IDP: 'false' }, { realAuth: true });
  try {
    expect((await request(off.app).get('/dev-idp/sso')).status).toBe(404);
    expect((await request(off.app).get('/auth/saml/dev/login')).status).toBe(404);
  } finally {
    await off.close();
  }
});
