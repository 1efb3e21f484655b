import { startTestApp, type TestApp } from '../../support/app';
import {
  acsClient,
  addElement,
  childOf,
  editXml,
  find,
  sessionCookie,
  signElement,
  TEST_ATTR,
  writeTestIdps,
  XML_NS,
  type ResponseOptions,
  type ResponseSpec,
  type TestIdp,
  type TestIdps,
} from '../../support/saml-idp';

// Who may call: anyone's browser may post to the ACS. A response signed by a trusted IdP is
// still refused when it breaks a processing rule of SAML Core or of the Web Browser SSO profile
// (src/auth/saml/README.md lists each rule with its code), or carries a NameID that is not a
// plain, unambiguous identifier: 401 with the rule's SAML.* code, audited, no session, no person.

const BASE = 'http://cdop.test';
const A = XML_NS.assertion;

let t: TestApp;
let idps: TestIdps;
let nhs: TestIdp;
let police: TestIdp;

beforeAll(async () => {
  idps = writeTestIdps(BASE);
  ({ nhs, police } = idps);
  t = await startTestApp({ SAML_IDPS_FILE: idps.file, PUBLIC_BASE_URL: BASE, DEV_IDP: 'false' }, { realAuth: true });
});
afterAll(async () => {
  await t.close();
  idps.cleanup();
});
beforeEach(() => t.reset());

const { startLogin, postAcs, expectRefused, count } = acsClient(() => t);
const member = { [TEST_ATTR.roles]: ['CDOP-MEMBER'] };

/** A response to a fresh request, signed by the NHS IdP after `o.editAssertion` / `o.editResponse` changed it. */
async function signedResponse(spec: Partial<ResponseSpec> = {}, o: ResponseOptions = {}, idp: TestIdp = nhs): Promise<string> {
  const id = await startLogin(idp === police ? 'police' : 'nhs');
  return idp.response({ inResponseTo: id, attributes: member, ...spec }, o);
}

async function expectSignedRefused(code: string, spec: Partial<ResponseSpec> = {}, o: ResponseOptions = {}): Promise<void> {
  await expectRefused(await postAcs(await signedResponse(spec, o)), code);
  expect(await count('users')).toBe(0);
}

const remove = (el: Element) => el.parentNode!.removeChild(el);
const minutes = (n: number) => new Date(Date.now() + n * 60_000);

describe('SAML Core: versions, identifiers and instants', () => {
  it.each(['2.1', '1.1', '3.0', ''])('when the Response Version is %j, then 401 SAML.VERSION_MISMATCH', async (version) => {
    await expectSignedRefused('SAML.VERSION_MISMATCH', {}, { editResponse: (r) => r.setAttribute('Version', version) });
  });

  it('when the Assertion Version is 1.1, then 401 SAML.VERSION_MISMATCH', async () => {
    await expectSignedRefused('SAML.VERSION_MISMATCH', {}, { editAssertion: (a) => a.setAttribute('Version', '1.1') });
  });

  it('when the Response has no ID, then 401 SAML.MALFORMED', async () => {
    const xml = editXml(await signedResponse({}, { signResponse: false }), (doc) => doc.documentElement.removeAttribute('ID'));
    await expectRefused(await postAcs(xml), 'SAML.MALFORMED');
  });

  it('when the assertion ID is not an xs:ID (starts with a digit), then 401 SAML.MALFORMED', async () => {
    await expectSignedRefused('SAML.MALFORMED', { assertionId: '1-not-an-ncname' }, { signResponse: false });
  });

  it('when InResponseTo is not an xs:ID (a NUL by character reference), then 401 SAML.MALFORMED and never a 500', async () => {
    const xml = (await signedResponse({}, { signResponse: false })).replace(/InResponseTo="([^"]+)"/, 'InResponseTo="$1&#0;"');
    await expectRefused(await postAcs(xml), 'SAML.MALFORMED');
  });

  it('when the Response IssueInstant is missing, then 401 SAML.MALFORMED', async () => {
    await expectSignedRefused('SAML.MALFORMED', {}, { editResponse: (r) => r.removeAttribute('IssueInstant') });
  });

  it('when an instant carries a time zone offset instead of Z, then 401 SAML.MALFORMED', async () => {
    await expectSignedRefused('SAML.MALFORMED', {}, { editAssertion: (a) => a.setAttribute('IssueInstant', '2030-01-01T10:00:00+01:00') });
  });

  it('when the assertion was issued 20 minutes ago (before any request still open), then 401 SAML.EXPIRED', async () => {
    await expectSignedRefused('SAML.EXPIRED', { issueInstant: minutes(-20) });
  });

  it('when the Response is issued 5 minutes in the future, then 401 SAML.NOT_YET_VALID', async () => {
    await expectSignedRefused('SAML.NOT_YET_VALID', {}, { editResponse: (r) => r.setAttribute('IssueInstant', minutes(5).toISOString()) });
  });
});

describe('Profiles 4.1.4.2: the Response and its issuers', () => {
  it('when the Response has no Status, then 401 SAML.MALFORMED', async () => {
    await expectSignedRefused('SAML.MALFORMED', {}, { editResponse: (r) => remove(find(r, XML_NS.protocol, 'Status')) });
  });

  it('when the Response says Success but carries no assertion, then 401 SAML.MALFORMED', async () => {
    await expectSignedRefused('SAML.MALFORMED', {}, { editResponse: (r) => remove(find(r, A, 'Assertion')) });
  });

  it('when the Response carries an element SAML does not define there, then 401 SAML.MALFORMED', async () => {
    await expectSignedRefused(
      'SAML.MALFORMED',
      {},
      { editResponse: (r) => addElement(r, 'urn:example:other', 'x:Note', { text: 'hello' }) },
    );
  });

  it('when the assertion is encrypted (we publish no encryption key), then 401 SAML.ENCRYPTED_UNSUPPORTED', async () => {
    await expectSignedRefused(
      'SAML.ENCRYPTED_UNSUPPORTED',
      {},
      {
        signAssertion: false,
        editResponse: (r) => {
          const assertion = find(r, A, 'Assertion');
          const encrypted = addElement(r, A, 'saml:EncryptedAssertion', { before: assertion });
          addElement(encrypted, 'http://www.w3.org/2001/04/xmlenc#', 'xenc:EncryptedData');
          remove(assertion);
        },
      },
    );
  });

  it('when the NameID is encrypted (EncryptedID), then 401 SAML.ENCRYPTED_UNSUPPORTED', async () => {
    await expectSignedRefused(
      'SAML.ENCRYPTED_UNSUPPORTED',
      {},
      {
        editAssertion: (a) => {
          const nameId = find(a, A, 'NameID');
          const encrypted = addElement(nameId.parentNode as Element, A, 'saml:EncryptedID', { before: nameId });
          addElement(encrypted, 'http://www.w3.org/2001/04/xmlenc#', 'xenc:EncryptedData');
          remove(nameId);
        },
      },
    );
  });

  it('when an attribute is encrypted (EncryptedAttribute), then 401 SAML.ENCRYPTED_UNSUPPORTED', async () => {
    await expectSignedRefused(
      'SAML.ENCRYPTED_UNSUPPORTED',
      {},
      {
        editAssertion: (a) => {
          const encrypted = addElement(find(a, A, 'AttributeStatement'), A, 'saml:EncryptedAttribute');
          addElement(encrypted, 'http://www.w3.org/2001/04/xmlenc#', 'xenc:EncryptedData');
        },
      },
    );
  });

  it('when the signed Response has no Issuer, then 401 SAML.WRONG_ISSUER', async () => {
    await expectSignedRefused('SAML.WRONG_ISSUER', { responseIssuer: null });
  });

  it('when the Response Issuer has a Format other than entity, then 401 SAML.WRONG_ISSUER', async () => {
    await expectSignedRefused(
      'SAML.WRONG_ISSUER',
      {},
      { editResponse: (r) => childOf(r, A, 'Issuer')!.setAttribute('Format', 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified') },
    );
  });

  it('when the assertion Issuer has a Format other than entity, then 401 SAML.WRONG_ISSUER', async () => {
    await expectSignedRefused(
      'SAML.WRONG_ISSUER',
      {},
      { editAssertion: (a) => childOf(a, A, 'Issuer')!.setAttribute('Format', 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent') },
    );
  });

  it('when the Issuer Format is the entity format, then it is accepted', async () => {
    const entity = 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity';
    const xml = await signedResponse(
      {},
      {
        editAssertion: (a) => childOf(a, A, 'Issuer')!.setAttribute('Format', entity),
        editResponse: (r) => childOf(r, A, 'Issuer')!.setAttribute('Format', entity),
      },
    );
    expect((await postAcs(xml)).status).toBe(303);
  });

  it('when the assertion has no Issuer, then 401 SAML.MALFORMED', async () => {
    await expectSignedRefused('SAML.MALFORMED', {}, { editAssertion: (a) => remove(childOf(a, A, 'Issuer')!) });
  });

  it('when the assertion children are out of the schema order (Conditions before Subject), then 401 SAML.MALFORMED', async () => {
    await expectSignedRefused(
      'SAML.MALFORMED',
      {},
      { editAssertion: (a) => a.insertBefore(find(a, A, 'Conditions'), find(a, A, 'Subject')) },
    );
  });

  it('when the assertion has two Subjects, then 401 SAML.MALFORMED', async () => {
    await expectSignedRefused(
      'SAML.MALFORMED',
      {},
      { editAssertion: (a) => a.insertBefore(find(a, A, 'Subject').cloneNode(true), find(a, A, 'Subject')) },
    );
  });

  it('when an Attribute has no Name, then 401 SAML.MALFORMED', async () => {
    await expectSignedRefused('SAML.MALFORMED', {}, { editAssertion: (a) => find(a, A, 'Attribute').removeAttribute('Name') });
  });
});

describe('Profiles 4.1.4.2/4.1.4.3: subject and bearer confirmation', () => {
  it('when the assertion has no Subject, then 401 SAML.NAMEID_INVALID', async () => {
    await expectSignedRefused('SAML.NAMEID_INVALID', {}, { editAssertion: (a) => remove(find(a, A, 'Subject')) });
  });

  it('when the Subject has no NameID, then 401 SAML.NAMEID_INVALID', async () => {
    await expectSignedRefused('SAML.NAMEID_INVALID', {}, { editAssertion: (a) => remove(find(a, A, 'NameID')) });
  });

  it('when the Subject names the person with a BaseID instead of a NameID, then 401 SAML.NAMEID_INVALID', async () => {
    await expectSignedRefused(
      'SAML.NAMEID_INVALID',
      {},
      {
        editAssertion: (a) => {
          const nameId = find(a, A, 'NameID');
          addElement(nameId.parentNode as Element, A, 'saml:BaseID', {
            before: nameId,
            attrs: { 'xsi:type': 'x:Other', 'xmlns:xsi': XML_NS.xsi, 'xmlns:x': 'urn:x' },
          });
          remove(nameId);
        },
      },
    );
  });

  it('when the only SubjectConfirmation is holder-of-key (no bearer), then 401 SAML.SUBJECT_CONFIRMATION_INVALID', async () => {
    await expectSignedRefused(
      'SAML.SUBJECT_CONFIRMATION_INVALID',
      {},
      { editAssertion: (a) => find(a, A, 'SubjectConfirmation').setAttribute('Method', 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key') },
    );
  });

  it('when the bearer SubjectConfirmationData has NotBefore (the profile forbids it), then 401 SAML.SUBJECT_CONFIRMATION_INVALID', async () => {
    await expectSignedRefused(
      'SAML.SUBJECT_CONFIRMATION_INVALID',
      {},
      { editAssertion: (a) => find(a, A, 'SubjectConfirmationData').setAttribute('NotBefore', minutes(-1).toISOString()) },
    );
  });

  it('when the bearer SubjectConfirmationData has no NotOnOrAfter, then 401 SAML.SUBJECT_CONFIRMATION_INVALID', async () => {
    await expectSignedRefused(
      'SAML.SUBJECT_CONFIRMATION_INVALID',
      {},
      { editAssertion: (a) => find(a, A, 'SubjectConfirmationData').removeAttribute('NotOnOrAfter') },
    );
  });

  it('when the bearer SubjectConfirmationData has no Recipient, then 401 SAML.SUBJECT_CONFIRMATION_INVALID', async () => {
    await expectSignedRefused(
      'SAML.SUBJECT_CONFIRMATION_INVALID',
      {},
      { editAssertion: (a) => find(a, A, 'SubjectConfirmationData').removeAttribute('Recipient') },
    );
  });

  it('when the bearer SubjectConfirmation has no SubjectConfirmationData, then 401 SAML.SUBJECT_CONFIRMATION_INVALID', async () => {
    await expectSignedRefused(
      'SAML.SUBJECT_CONFIRMATION_INVALID',
      {},
      { editAssertion: (a) => remove(find(a, A, 'SubjectConfirmationData')) },
    );
  });

  it('when the bearer confirmation has expired (beyond the skew) but the Conditions have not, then 401 SAML.EXPIRED', async () => {
    await expectSignedRefused('SAML.EXPIRED', { subjectNotOnOrAfter: minutes(-2), notOnOrAfter: minutes(5) });
  });

  it('when the bearer SubjectConfirmationData has no InResponseTo, then 401 SAML.IN_RESPONSE_TO', async () => {
    await expectSignedRefused(
      'SAML.IN_RESPONSE_TO',
      {},
      { editAssertion: (a) => find(a, A, 'SubjectConfirmationData').removeAttribute('InResponseTo') },
    );
  });

  it('when a holder-of-key confirmation comes with a valid bearer one, then it is accepted', async () => {
    const xml = await signedResponse(
      {},
      {
        editAssertion: (a) => {
          const bearer = find(a, A, 'SubjectConfirmation');
          const hok = bearer.cloneNode(true) as Element;
          hok.setAttribute('Method', 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key');
          bearer.parentNode!.insertBefore(hok, bearer);
        },
      },
    );
    expect((await postAcs(xml)).status).toBe(303);
  });
});

describe('SAML Core 2.5: conditions', () => {
  it('when the assertion has no Conditions (so no AudienceRestriction), then 401 SAML.AUDIENCE', async () => {
    await expectSignedRefused('SAML.AUDIENCE', {}, { editAssertion: (a) => remove(find(a, A, 'Conditions')) });
  });

  it('when Conditions carry a condition type we do not understand, then 401 SAML.CONDITIONS_INVALID', async () => {
    await expectSignedRefused(
      'SAML.CONDITIONS_INVALID',
      {},
      {
        editAssertion: (a) =>
          addElement(find(a, A, 'Conditions'), A, 'saml:Condition', {
            attrs: { 'xmlns:xsi': XML_NS.xsi, 'xmlns:x': 'urn:example:conditions', 'xsi:type': 'x:OnlyOnTuesdays' },
          }),
      },
    );
  });

  it('when Conditions carry an element of another namespace, then 401 SAML.CONDITIONS_INVALID', async () => {
    await expectSignedRefused(
      'SAML.CONDITIONS_INVALID',
      {},
      { editAssertion: (a) => addElement(find(a, A, 'Conditions'), 'urn:example:conditions', 'x:Whatever') },
    );
  });

  it('when Conditions carry two OneTimeUse elements, then 401 SAML.CONDITIONS_INVALID', async () => {
    await expectSignedRefused(
      'SAML.CONDITIONS_INVALID',
      {},
      {
        editAssertion: (a) => {
          addElement(find(a, A, 'Conditions'), A, 'saml:OneTimeUse');
          addElement(find(a, A, 'Conditions'), A, 'saml:OneTimeUse');
        },
      },
    );
  });

  it('when NotBefore is not earlier than NotOnOrAfter (both within the skew), then 401 SAML.CONDITIONS_INVALID', async () => {
    await expectSignedRefused('SAML.CONDITIONS_INVALID', {
      notBefore: new Date(Date.now() + 20_000),
      notOnOrAfter: new Date(Date.now() + 10_000),
      subjectNotOnOrAfter: minutes(5),
    });
  });

  it('when OneTimeUse and ProxyRestriction are present (both understood), then it is accepted', async () => {
    const xml = await signedResponse(
      {},
      {
        editAssertion: (a) => {
          addElement(find(a, A, 'Conditions'), A, 'saml:OneTimeUse');
          addElement(find(a, A, 'Conditions'), A, 'saml:ProxyRestriction', { attrs: { Count: '0' } });
        },
      },
    );
    expect((await postAcs(xml)).status).toBe(303);
  });

  it('when a second AudienceRestriction does not name us, then 401 SAML.AUDIENCE', async () => {
    await expectSignedRefused(
      'SAML.AUDIENCE',
      {},
      {
        editAssertion: (a) => {
          const restriction = addElement(find(a, A, 'Conditions'), A, 'saml:AudienceRestriction');
          addElement(restriction, A, 'saml:Audience', { text: 'https://other-sp.test' });
        },
      },
    );
  });
});

describe('Profiles 4.1.4.2: the authentication statement', () => {
  it('when the assertion has no AuthnStatement, then 401 SAML.AUTHN_STATEMENT_INVALID', async () => {
    await expectSignedRefused('SAML.AUTHN_STATEMENT_INVALID', {}, { editAssertion: (a) => remove(find(a, A, 'AuthnStatement')) });
  });

  it('when the AuthnStatement has no AuthnContext, then 401 SAML.AUTHN_STATEMENT_INVALID', async () => {
    await expectSignedRefused('SAML.AUTHN_STATEMENT_INVALID', {}, { editAssertion: (a) => remove(find(a, A, 'AuthnContext')) });
  });

  it('when AuthnInstant lies in the future, then 401 SAML.AUTHN_STATEMENT_INVALID', async () => {
    await expectSignedRefused(
      'SAML.AUTHN_STATEMENT_INVALID',
      {},
      { editAssertion: (a) => find(a, A, 'AuthnStatement').setAttribute('AuthnInstant', minutes(5).toISOString()) },
    );
  });

  it('when the IdP session has already ended (SessionNotOnOrAfter passed), then 401 SAML.EXPIRED', async () => {
    await expectSignedRefused(
      'SAML.EXPIRED',
      {},
      { editAssertion: (a) => find(a, A, 'AuthnStatement').setAttribute('SessionNotOnOrAfter', minutes(-2).toISOString()) },
    );
  });

  it('when an IdP with single logout sends no SessionIndex, then 401 SAML.AUTHN_STATEMENT_INVALID', async () => {
    await expectSignedRefused(
      'SAML.AUTHN_STATEMENT_INVALID',
      {},
      { editAssertion: (a) => find(a, A, 'AuthnStatement').removeAttribute('SessionIndex') },
    );
  });

  it('when an IdP without single logout sends no SessionIndex, then it is accepted', async () => {
    const xml = await signedResponse({}, { editAssertion: (a) => find(a, A, 'AuthnStatement').removeAttribute('SessionIndex') }, police);
    expect((await postAcs(xml, { idpId: 'police' })).status).toBe(303);
  });
});

describe('the NameID', () => {
  // A NameID is an identifier, not a name: printable ASCII, at most 256 characters (Core 8.3.7),
  // single inner spaces only. Anything else could make a second account look like the first.
  it.each([
    ['a leading space', ' nhs-user-1'],
    ['a trailing space', 'nhs-user-1 '],
    ['a trailing newline', 'nhs-user-1\n'],
    ['a leading tab', '\tnhs-user-1'],
    ['a no-break space', 'nhs-user-1\u00a0'],
    ['DEL', 'nhs-user-1\u007f'],
    ['a C1 control (NEL)', 'nhs-user-1\u0085'],
    ['a zero-width space', 'nhs-\u200buser-1'],
    ['a zero-width joiner', 'nhs-user\u200d-1'],
    ['a byte order mark', '\ufeffnhs-user-1'],
    ['a right-to-left override', 'nhs-\u202e1-resu'],
    ['a right-to-left isolate', 'nhs-\u2067user-1'],
    ['a soft hyphen', 'nhs-us\u00ader-1'],
    ['a Cyrillic look-alike letter', 'nhs-us\u0435r-1'],
    ['a Greek look-alike letter', 'nhs-\u03bfne'],
    ['fullwidth letters', '\uff4e\uff48\uff53-user-1'],
    ['a combining accent', 'nhs-use\u0301r-1'],
    ['a Hangul filler', 'nhs-user-1\u3164'],
    ['two spaces in a row', 'CN=Alex  Example'],
    ['257 characters', 'x'.repeat(257)],
  ])('when the NameID contains %s, then 401 SAML.NAMEID_INVALID and no person is created', async (_what, nameId) => {
    await expectSignedRefused('SAML.NAMEID_INVALID', { nameId });
  });

  it.each([
    ['BEL, signed as a raw character', '\u0007'],
    ['NUL, signed as a raw character', '\u0000'],
    ['ESC, signed as a raw character', '\u001b'],
  ])('when the NameID contains %s, then 401 SAML.NAMEID_INVALID', async (_what, control) => {
    const xml = await signedResponse(
      {},
      { signResponse: false, editAssertion: (a) => (find(a, A, 'NameID').textContent = `nhs-user-1${control}`) },
    );
    expect(xml).toContain(`nhs-user-1${control}<`);
    await expectRefused(await postAcs(xml), 'SAML.NAMEID_INVALID');
  });

  it('when the NameID ends in a control character written as a reference (&#x7;, not well-formed XML 1.0), then 401 SAML.MALFORMED', async () => {
    const xml = await signedResponse({ nameId: 'PLACEHOLDER' }, { signResponse: false });
    await expectRefused(await postAcs(xml.replace('>PLACEHOLDER<', '>nhs-user-1&#x7;<')), 'SAML.MALFORMED');
    expect(await count('users')).toBe(0);
  });

  it('when the NameID is empty, then 401 SAML.NAMEID_INVALID', async () => {
    await expectSignedRefused('SAML.NAMEID_INVALID', { nameId: '' });
  });

  it('when an emailAddress NameID is not an address, then 401 SAML.NAMEID_INVALID', async () => {
    await expectSignedRefused(
      'SAML.NAMEID_INVALID',
      { nameId: 'alex example' },
      { editAssertion: (a) => find(a, A, 'NameID').setAttribute('Format', 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress') },
    );
  });

  it('when a persistent NameID names another IdP as its NameQualifier, then 401 SAML.NAMEID_INVALID', async () => {
    await expectSignedRefused(
      'SAML.NAMEID_INVALID',
      {},
      { editAssertion: (a) => find(a, A, 'NameID').setAttribute('NameQualifier', 'https://idp.police.test/saml') },
    );
  });

  it('when a persistent NameID was made for another SP (SPNameQualifier), then 401 SAML.NAMEID_INVALID', async () => {
    await expectSignedRefused(
      'SAML.NAMEID_INVALID',
      {},
      { editAssertion: (a) => find(a, A, 'NameID').setAttribute('SPNameQualifier', 'https://other-sp.test') },
    );
  });

  it.each([
    ['an opaque persistent id', 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', 'a1B2-c3D4_e5F6.g7=='],
    ['an email address', 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress', 'alex.example@nhs.net'],
    ['an X.509 subject name with single spaces', 'urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName', 'CN=Alex Example,O=NHS,C=GB'],
    ['a Windows domain name', 'urn:oasis:names:tc:SAML:1.1:nameid-format:WindowsDomainQualifiedName', 'NHS\\alex.example'],
    ['256 characters', 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', 'y'.repeat(256)],
  ])('when the NameID is %s, then it is accepted and stored exactly', async (_what, format, nameId) => {
    const xml = await signedResponse({ nameId }, { editAssertion: (a) => find(a, A, 'NameID').setAttribute('Format', format) });
    const res = await postAcs(xml);
    expect(res.status).toBe(303);
    expect(sessionCookie(res.headers['set-cookie'])).toBeDefined();
    expect(await t.ds.query(`SELECT name_id FROM users`)).toEqual([{ name_id: nameId }]);
  });

  it('when the same person signs in twice, then the NameID maps to one person (not a look-alike second one)', async () => {
    expect((await postAcs(await signedResponse({ nameId: 'nhs-user-1' }))).status).toBe(303);
    await postAcs(await signedResponse({ nameId: 'nhs-user-1 ' }));
    expect(await count('users')).toBe(1);
  });
});

describe('attribute values the service stores', () => {
  it('when the display name or email carry bidirectional or invisible characters, then they are not stored (the person still signs in)', async () => {
    const xml = await signedResponse({
      attributes: { ...member, [TEST_ATTR.name]: ['Alex\u202e Example'], [TEST_ATTR.email]: ['alex@nhs.test\u200b'] },
    });
    expect((await postAcs(xml)).status).toBe(303);
    expect(await t.ds.query(`SELECT display_name, email FROM users`)).toEqual([{ display_name: null, email: null }]);
  });

  it('when a signed attribute value contains NUL (not an XML character), then 401 SAML.MALFORMED, never a 500', async () => {
    const xml = await signedResponse(
      { attributes: { ...member, [TEST_ATTR.name]: ['Alex'] } },
      {
        editAssertion: (a) => {
          for (const v of Array.from(a.getElementsByTagNameNS(A, 'AttributeValue')))
            if (v.textContent === 'Alex') v.textContent = 'Alex\u0000Example';
        },
      },
    );
    expect(xml).toContain('\u0000');
    await expectRefused(await postAcs(xml), 'SAML.MALFORMED');
  });
});

describe('the Status', () => {
  it('when the top-level StatusCode is not Success but a nested one is, then 401 SAML.STATUS', async () => {
    const id = await startLogin();
    const xml = editXml(nhs.envelope({ inResponseTo: id, statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Requester' }, ''), (doc) => {
      addElement(find(doc, XML_NS.protocol, 'StatusCode'), XML_NS.protocol, 'samlp:StatusCode', {
        attrs: { Value: 'urn:oasis:names:tc:SAML:2.0:status:Success' },
      });
    });
    await expectRefused(await postAcs(signElement(xml, 'Response', undefined, nhs.o.key)), 'SAML.STATUS');
  });
});
