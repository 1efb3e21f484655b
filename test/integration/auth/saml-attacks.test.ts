import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import {
  acsClient,
  newId,
  newKeyPair,
  sessionCookie,
  signElement,
  stripSignatures,
  TEST_ATTR,
  writeTestIdps,
  type TestIdp,
  type TestIdps,
} from '../../support/saml-idp';

// Who may call: the SAML endpoints are public by nature (anyone's browser reaches them);
// only a response from a registered IdP that passes every check signs a person in.
// Everything else is a 401 problem (an HTML page for a browser) with a stable SAML.* code,
// audited as auth.login / denied with that code, and no session is created.

const BASE = 'http://cdop.test';
const ATTR = TEST_ATTR;

let t: TestApp;
let idps: TestIdps;
let nhs: TestIdp;
let police: TestIdp;
const attackerKey = newKeyPair('NHS test IdP'); // same name as the real one, another key

beforeAll(async () => {
  idps = writeTestIdps(BASE);
  ({ nhs, police } = idps);
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

const coordinator = {
  [ATTR.roles]: ['CDOP-COORDINATOR', 'SOMETHING-ELSE'],
  [ATTR.panels]: ['WOR'],
  [ATTR.name]: ['Alex Example'],
  [ATTR.email]: ['alex@nhs.test'],
};
const member = { [ATTR.roles]: ['CDOP-MEMBER'], [ATTR.panels]: ['WOR'] };

const { startLogin, postAcs, lastLoginAudit, expectRefused, count } = acsClient(() => t);

async function signIn(attributes: Record<string, string[]> = coordinator, nameId = 'nhs-user-1', cookie?: string): Promise<string> {
  const res = await postAcs(nhs.response({ inResponseTo: await startLogin(), nameId, attributes }), { cookie });
  expect(res.status).toBe(303);
  return sessionCookie(res.headers['set-cookie'])!;
}

describe('a valid login', () => {
  it('when the IdP answers our request with a signed response, then 303 to /v1/me, a session, the person, and an audit event', async () => {
    const res = await postAcs(nhs.response({ inResponseTo: await startLogin(), nameId: 'nhs-user-1', attributes: coordinator }));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/v1/me');
    const cookie = sessionCookie(res.headers['set-cookie'])!;
    expect(cookie).toMatch(/^cdop\.sid=/);

    const [user] = await t.ds.query(`SELECT id, idp_id, name_id, roles, panel_ids, display_name FROM users`);
    const [panel] = await t.ds.query(`SELECT id FROM panels WHERE code = 'WOR'`);
    expect(user).toMatchObject({
      idp_id: 'nhs',
      name_id: 'nhs-user-1',
      roles: ['cdop_coordinator'],
      panel_ids: [panel.id],
      display_name: 'Alex Example',
    });
    expect(await lastLoginAudit()).toMatchObject({ outcome: 'success', reason: null, idp_id: 'nhs', actor_id: user.id });

    const panels = await request(t.app).get('/v1/panels').set('Cookie', cookie);
    expect(panels.status).toBe(200);
    expect(panels.body.items.map((p: { code: string }) => p.code)).toEqual(['WOR']);
    expect((await request(t.app).get('/v1/panels')).status).toBe(401);
  });

  it('when only the assertion is signed (as many IdPs do), then it is accepted', async () => {
    const res = await postAcs(nhs.response({ inResponseTo: await startLogin(), attributes: member }, { signResponse: false }));
    expect(res.status).toBe(303);
  });

  it('when a link carries RelayState unencoded (/auth/saml/nhs/login?RelayState=/v1/panels), then the sign-in starts', async () => {
    const res = await request(t.app).get('/auth/saml/nhs/login?RelayState=/v1/panels');
    expect(res.status).toBe(302);
    expect(new URL(res.headers.location!).searchParams.get('RelayState')).toBe('/v1/panels');
  });

  it('when RelayState is a path on this site, then the browser lands there', async () => {
    const res = await postAcs(nhs.response({ inResponseTo: await startLogin('nhs', '/v1/panels?limit=5'), attributes: member }), {
      relayState: '/v1/panels?limit=5',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/v1/panels?limit=5');
  });

  it('when the person signs in again with other roles, then the roles are replaced from the attributes', async () => {
    await signIn(coordinator, 'nhs-user-1');
    await signIn(member, 'nhs-user-1');
    expect(await t.ds.query(`SELECT roles FROM users`)).toEqual([{ roles: ['panel_member'] }]);
  });

  it('when NotBefore is 30 s ahead (within the 60 s clock skew), then it is accepted', async () => {
    const res = await postAcs(
      nhs.response({ inResponseTo: await startLogin(), attributes: member, notBefore: new Date(Date.now() + 30_000) }),
    );
    expect(res.status).toBe(303);
  });
});

describe('signatures', () => {
  it('when the response is not signed at all, then 401 SAML.SIGNATURE_INVALID', async () => {
    const xml = nhs.response({ inResponseTo: await startLogin(), attributes: coordinator }, { signAssertion: false, signResponse: false });
    await expectRefused(await postAcs(xml), 'SAML.SIGNATURE_INVALID');
  });

  it('when the signatures are stripped from a signed response, then 401 SAML.SIGNATURE_INVALID', async () => {
    const xml = stripSignatures(nhs.response({ inResponseTo: await startLogin(), attributes: coordinator }));
    expect(xml).not.toContain('Signature');
    await expectRefused(await postAcs(xml), 'SAML.SIGNATURE_INVALID');
  });

  it('when the response is signed but the assertion itself is not, then 401 SAML.SIGNATURE_INVALID', async () => {
    const xml = nhs.response({ inResponseTo: await startLogin(), attributes: coordinator }, { signAssertion: false, signResponse: true });
    await expectRefused(await postAcs(xml), 'SAML.SIGNATURE_INVALID');
  });

  it('when it is signed by another key (its certificate embedded in KeyInfo), then 401 SAML.SIGNATURE_INVALID', async () => {
    const xml = nhs.response({ inResponseTo: await startLogin(), attributes: coordinator }, { key: attackerKey });
    expect(xml).toContain('X509Certificate');
    await expectRefused(await postAcs(xml), 'SAML.SIGNATURE_INVALID');
  });

  it('when the signed assertion is altered (another NameID), then 401 SAML.SIGNATURE_INVALID', async () => {
    const xml = nhs.response({ inResponseTo: await startLogin(), nameId: 'nhs-user-1', attributes: coordinator }, { signResponse: false });
    await expectRefused(await postAcs(xml.replace('>nhs-user-1<', '>nhs-admin<')), 'SAML.SIGNATURE_INVALID');
  });

  it("when a signed response is altered outside the assertion (its own signature broken, the assertion's intact), then 401 SAML.SIGNATURE_INVALID", async () => {
    const xml = nhs.response({ inResponseTo: await startLogin(), attributes: coordinator });
    const altered = xml.replace(/(<samlp:Response [^>]*IssueInstant=")[^"]+"/, '$12001-01-01T00:00:00.000Z"');
    expect(altered).not.toBe(xml);
    await expectRefused(await postAcs(altered), 'SAML.SIGNATURE_INVALID');
  });

  it("when the response is signed by an IdP for another IdP's ACS (police key, NHS issuer), then 401 SAML.SIGNATURE_INVALID", async () => {
    const xml = police.response({
      inResponseTo: await startLogin('nhs'),
      attributes: member,
      assertionIssuer: nhs.o.entityId,
      responseIssuer: nhs.o.entityId,
      destination: nhs.o.acsUrl,
      recipient: nhs.o.acsUrl,
    });
    await expectRefused(await postAcs(xml), 'SAML.SIGNATURE_INVALID');
  });

  it('when signed with RSA-SHA1 / SHA-1 digests (by the right key), then 401 SAML.WEAK_ALGORITHM', async () => {
    const xml = nhs.response({ inResponseTo: await startLogin(), attributes: coordinator }, { alg: 'sha1' });
    expect(xml).toContain('xmldsig#rsa-sha1');
    await expectRefused(await postAcs(xml), 'SAML.WEAK_ALGORITHM');
  });
});

describe('replay and InResponseTo', () => {
  it('when the same response is posted twice, then the second is 401 SAML.REPLAY', async () => {
    const xml = nhs.response({ inResponseTo: await startLogin(), attributes: coordinator });
    expect((await postAcs(xml)).status).toBe(303);
    await expectRefused(await postAcs(xml), 'SAML.REPLAY');
    expect(await count('user_sessions')).toBe(1);
  });

  it('when a used assertion is re-wrapped to answer a fresh request, then 401 SAML.REPLAY', async () => {
    const first = await startLogin();
    const signed = nhs.signedAssertion({ inResponseTo: first, attributes: coordinator });
    expect((await postAcs(nhs.envelope({ inResponseTo: first }, signed.xml))).status).toBe(303);
    const fresh = await startLogin();
    await expectRefused(await postAcs(nhs.envelope({ inResponseTo: fresh }, signed.xml)), 'SAML.REPLAY');
  });

  it('when InResponseTo names no request we issued, then 401 SAML.IN_RESPONSE_TO', async () => {
    await expectRefused(await postAcs(nhs.response({ inResponseTo: newId(), attributes: coordinator })), 'SAML.IN_RESPONSE_TO');
  });

  it('when InResponseTo names a request we made to another IdP, then 401 SAML.IN_RESPONSE_TO', async () => {
    const policeRequest = await startLogin('police');
    await expectRefused(await postAcs(nhs.response({ inResponseTo: policeRequest, attributes: coordinator })), 'SAML.IN_RESPONSE_TO');
  });

  it('when an unsigned response re-targets a signed assertion at another of our requests, then 401 SAML.IN_RESPONSE_TO', async () => {
    const theirs = await startLogin();
    const ours = await startLogin();
    const signed = nhs.signedAssertion({ inResponseTo: theirs, attributes: coordinator });
    await expectRefused(await postAcs(nhs.envelope({ inResponseTo: ours }, signed.xml)), 'SAML.IN_RESPONSE_TO');
  });

  it('when a request was already answered (even by a refused response), then it cannot be answered again', async () => {
    const id = await startLogin();
    await postAcs(nhs.response({ inResponseTo: id, attributes: coordinator, audience: 'https://elsewhere.test' }));
    await expectRefused(await postAcs(nhs.response({ inResponseTo: id, attributes: coordinator })), 'SAML.IN_RESPONSE_TO');
  });
});

describe('addressing and time', () => {
  it('when the audience is another service, then 401 SAML.AUDIENCE', async () => {
    await expectRefused(
      await postAcs(nhs.response({ inResponseTo: await startLogin(), attributes: coordinator, audience: 'https://other-sp.test' })),
      'SAML.AUDIENCE',
    );
  });

  it('when Destination is another URL, then 401 SAML.WRONG_DESTINATION', async () => {
    const xml = nhs.response({ inResponseTo: await startLogin(), attributes: coordinator, destination: 'https://other-sp.test/acs' });
    await expectRefused(await postAcs(xml), 'SAML.WRONG_DESTINATION');
  });

  it('when Destination is missing, then 401 SAML.WRONG_DESTINATION', async () => {
    await expectRefused(
      await postAcs(nhs.response({ inResponseTo: await startLogin(), attributes: coordinator, destination: null })),
      'SAML.WRONG_DESTINATION',
    );
  });

  it('when the NHS response is posted to the police ACS, then 401 (refused before anything is trusted)', async () => {
    const res = await postAcs(nhs.response({ inResponseTo: await startLogin('police'), attributes: member }), { idpId: 'police' });
    await expectRefused(res, 'SAML.SIGNATURE_INVALID', 'police');
  });

  it('when the subject Recipient is another URL, then 401 SAML.WRONG_RECIPIENT', async () => {
    const xml = nhs.response({ inResponseTo: await startLogin(), attributes: coordinator, recipient: 'https://other-sp.test/acs' });
    await expectRefused(await postAcs(xml), 'SAML.WRONG_RECIPIENT');
  });

  it('when the response Issuer is another IdP, then 401 SAML.WRONG_ISSUER', async () => {
    const xml = nhs.response({ inResponseTo: await startLogin(), attributes: coordinator, responseIssuer: 'https://idp.police.test/saml' });
    await expectRefused(await postAcs(xml), 'SAML.WRONG_ISSUER');
  });

  it('when the assertion Issuer is another IdP (signed by a key this IdP shares), then 401 SAML.WRONG_ISSUER', async () => {
    const xml = nhs.response({
      inResponseTo: await startLogin(),
      attributes: coordinator,
      assertionIssuer: 'https://idp.police.test/saml',
    });
    await expectRefused(await postAcs(xml), 'SAML.WRONG_ISSUER');
  });

  it('when the assertion expired (beyond the 60 s skew), then 401 SAML.EXPIRED', async () => {
    const past = new Date(Date.now() - 2 * 60_000);
    const xml = nhs.response({
      inResponseTo: await startLogin(),
      attributes: coordinator,
      notBefore: new Date(Date.now() - 10 * 60_000),
      notOnOrAfter: past,
    });
    await expectRefused(await postAcs(xml), 'SAML.EXPIRED');
  });

  it('when the assertion is not valid yet (NotBefore 2 minutes ahead), then 401 SAML.NOT_YET_VALID', async () => {
    const xml = nhs.response({ inResponseTo: await startLogin(), attributes: coordinator, notBefore: new Date(Date.now() + 2 * 60_000) });
    await expectRefused(await postAcs(xml), 'SAML.NOT_YET_VALID');
  });

  it('when the IdP reports a failure status, then 401 SAML.STATUS', async () => {
    const id = await startLogin();
    const xml = nhs.envelope({ inResponseTo: id, statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder' }, '');
    await expectRefused(await postAcs(signElement(xml, 'Response', undefined, nhs.o.key)), 'SAML.STATUS');
  });
});

describe('XML tricks', () => {
  it('when the response has a DOCTYPE with entity expansion, then 401 SAML.DOCTYPE_FORBIDDEN before parsing', async () => {
    const signed = nhs.response({ inResponseTo: await startLogin(), nameId: 'nhs-user-1', attributes: coordinator });
    const bomb = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>`;
    await expectRefused(await postAcs(bomb + signed.replace('>nhs-user-1<', '>&c;<')), 'SAML.DOCTYPE_FORBIDDEN');
    // The request is still open: a DOCTYPE is refused before the protocol even looks at it.
    expect(await count('saml_requests')).toBe(1);
  });

  it('when a comment is spliced into the signed NameID (the signature still verifies), then 401 SAML.COMMENT_FORBIDDEN', async () => {
    const xml = nhs.response(
      { inResponseTo: await startLogin(), nameId: 'nhs-admin.attacker', attributes: coordinator },
      { signResponse: false },
    );
    await expectRefused(await postAcs(xml.replace('>nhs-admin.attacker<', '>nhs-admin<!---->.attacker<')), 'SAML.COMMENT_FORBIDDEN');
    expect(await count('users')).toBe(0);
  });

  it('when SAMLResponse is not base64 XML, then 401 SAML.MALFORMED', async () => {
    await startLogin();
    const res = await request(t.app).post('/auth/saml/nhs/acs').type('form').send({ SAMLResponse: '<<<not base64>>>' });
    await expectRefused(res, 'SAML.MALFORMED');
  });
});

describe('accounts', () => {
  it('when no attribute value maps to a role, then 401 SAML.NO_ROLE and no default role is given', async () => {
    const xml = nhs.response({
      inResponseTo: await startLogin(),
      attributes: { [ATTR.roles]: ['SOMETHING-ELSE'], [ATTR.panels]: ['WOR'] },
    });
    await expectRefused(await postAcs(xml), 'SAML.NO_ROLE');
    expect(await count('users')).toBe(0);
  });

  it('when a known person comes back with no mapped role, then 401 SAML.NO_ROLE and their stored roles are cleared', async () => {
    await signIn(coordinator, 'nhs-user-1');
    const xml = nhs.response({ inResponseTo: await startLogin(), nameId: 'nhs-user-1', attributes: { [ATTR.roles]: [] } });
    await expectRefused(await postAcs(xml), 'SAML.NO_ROLE');
    expect(await t.ds.query(`SELECT roles FROM users`)).toEqual([{ roles: [] }]);
  });

  it('when the person is disabled, then 401 SAML.USER_DISABLED, audited against them', async () => {
    await signIn(coordinator, 'nhs-user-1');
    await t.ds.query(`DELETE FROM user_sessions`);
    await t.ds.query(`UPDATE users SET disabled_at = now()`);
    const [{ id }] = await t.ds.query(`SELECT id FROM users`);
    await expectRefused(
      await postAcs(nhs.response({ inResponseTo: await startLogin(), nameId: 'nhs-user-1', attributes: coordinator })),
      'SAML.USER_DISABLED',
    );
    expect((await lastLoginAudit())?.actor_id).toBe(id);
  });

  it('when the idpId is unknown, then 404 SAML.UNKNOWN_IDP for login and ACS, and the ACS attempt is audited', async () => {
    const login = await request(t.app).get('/auth/saml/nowhere/login');
    expect({ status: login.status, code: login.body.code }).toEqual({ status: 404, code: 'SAML.UNKNOWN_IDP' });
    const acs = await postAcs(nhs.response({ inResponseTo: await startLogin(), attributes: coordinator }), { idpId: 'nowhere' });
    expect({ status: acs.status, code: acs.body.code }).toEqual({ status: 404, code: 'SAML.UNKNOWN_IDP' });
    expect(await lastLoginAudit()).toMatchObject({ outcome: 'denied', reason: 'SAML.UNKNOWN_IDP', idp_id: null });
  });

  it('when a browser is refused, then it gets a 401 HTML page naming the reason (and still no session)', async () => {
    const xml = nhs.response({ inResponseTo: newId(), attributes: coordinator });
    const res = await postAcs(xml, { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('SAML.IN_RESPONSE_TO');
    expect(res.text).toContain('/auth/saml/nhs/login');
    expect(sessionCookie(res.headers['set-cookie'])).toBeUndefined();
  });

  it('when logins are refused, then no NameID, name or email reaches the log', async () => {
    const xml = nhs.response({
      inResponseTo: await startLogin(),
      nameId: 'secret-name-id-42',
      attributes: { ...coordinator, [ATTR.roles]: ['NOPE'] },
    });
    await postAcs(xml);
    await signIn(coordinator, 'secret-name-id-43');
    const log = t.logLines.join('\n');
    expect(log).toContain('SAML.NO_ROLE');
    for (const personal of ['secret-name-id-42', 'secret-name-id-43', 'Alex Example', 'alex@nhs.test']) expect(log).not.toContain(personal);
  });
});

describe('RelayState', () => {
  it.each([
    '//evil.example/x',
    'https://evil.example/',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    'javascript:alert(1)',
    'v1/me',
    ' /v1/me',
    '/v1/me#x',
  ])('when login is asked to return to %j, then 400 AUTH.RELAY_STATE_INVALID and no request is made', async (relayState) => {
    const res = await request(t.app).get('/auth/saml/nhs/login').query({ RelayState: relayState });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'AUTH.RELAY_STATE_INVALID' });
    expect(await count('saml_requests')).toBe(0);
  });

  it('when the RelayState posted back to the ACS is not a path on this site, then the browser goes to /v1/me instead', async () => {
    for (const relayState of ['https://evil.example/', '//evil.example', '/\\evil.example']) {
      const res = await postAcs(nhs.response({ inResponseTo: await startLogin(), attributes: member }), { relayState });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/v1/me');
    }
  });
});
