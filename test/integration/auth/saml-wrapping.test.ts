import { DOMParser } from '@xmldom/xmldom';
import { startTestApp, type TestApp } from '../../support/app';
import {
  acsClient,
  addElement,
  childOf,
  editXml,
  find,
  forgeAdministrator,
  TEST_ATTR,
  wrapSignature,
  writeTestIdps,
  XML_NS,
  XSW_FAMILIES,
  type TestIdp,
  type TestIdps,
} from '../../support/saml-idp';

// Who may call: anyone's browser may post to the ACS; only a response whose one and only
// assertion is signed by the IdP, in the place a SAML response carries it, signs anyone in.
// A response that carries a second assertion anywhere (Extensions, Advice, ds:Object,
// StatusDetail, nested), or a signature with extra content, is refused outright
// (401 SAML.SIGNATURE_WRAPPING, audited) even when the genuine assertion is intact.

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

const { startLogin, postAcs, expectRefused, count } = acsClient(() => t);
const member = { [TEST_ATTR.roles]: ['CDOP-MEMBER'] };

/** A forged copy of the response's assertion: another person, the administrator role, no signature. */
function forgedAssertion(signedXml: string): Element {
  const doc = new DOMParser().parseFromString(signedXml, 'text/xml');
  const copy = find(doc, XML_NS.assertion, 'Assertion').cloneNode(true) as Element;
  const signature = childOf(copy, XML_NS.dsig, 'Signature');
  if (signature) copy.removeChild(signature);
  copy.setAttribute('ID', `_forged${Date.now()}`);
  forgeAdministrator(copy);
  return copy;
}

async function expectWrappingRefused(xml: string): Promise<void> {
  await expectRefused(await postAcs(xml), 'SAML.SIGNATURE_WRAPPING');
  expect(await count('users')).toBe(0);
  expect(await count('user_sessions')).toBe(0);
}

describe('the XML Signature Wrapping families (Somorovsky et al. 2012)', () => {
  it.each(XSW_FAMILIES)('when %s is applied to a genuine response, then 401 SAML.SIGNATURE_WRAPPING', async (family) => {
    const id = await startLogin();
    // XSW1 and XSW2 wrap the Response signature; the others the assertion's (the response unsigned, as many IdPs send it).
    const signResponse = family === 'XSW1' || family === 'XSW2';
    const genuine = nhs.response({ inResponseTo: id, nameId: 'nhs-user-1', attributes: member }, { signResponse });
    await expectWrappingRefused(wrapSignature(family, genuine, forgeAdministrator));
  });

  it('when XSW7 uses an unqualified Extensions element (as SAML Raider does), then 401 SAML.SIGNATURE_WRAPPING', async () => {
    const id = await startLogin();
    const genuine = nhs.response({ inResponseTo: id, attributes: member }, { signResponse: false });
    const xml = editXml(genuine, (doc) => {
      const response = doc.documentElement;
      const assertion = find(response, XML_NS.assertion, 'Assertion');
      addElement(response, null, 'Extensions', { before: assertion }).appendChild(forgedAssertion(genuine));
    });
    await expectWrappingRefused(xml);
  });

  it('when XSW8 uses an unqualified Object element, then 401 SAML.SIGNATURE_WRAPPING', async () => {
    const id = await startLogin();
    const genuine = nhs.response({ inResponseTo: id, attributes: member }, { signResponse: false });
    const xml = editXml(genuine, (doc) => {
      const signature = find(find(doc, XML_NS.assertion, 'Assertion'), XML_NS.dsig, 'Signature');
      addElement(signature, null, 'Object').appendChild(forgedAssertion(genuine));
    });
    await expectWrappingRefused(xml);
  });
});

describe('a second assertion next to a genuine, fully signed one', () => {
  // In each case the genuine assertion and every signature still verify; before these checks the
  // genuine assertion was used and the extra one ignored. Such a document is refused outright.

  it('when a forged assertion sits in a ds:Object of the Response signature, then 401 SAML.SIGNATURE_WRAPPING', async () => {
    const id = await startLogin();
    const genuine = nhs.response({ inResponseTo: id, attributes: member });
    // The enveloped-signature transform removes the whole Signature, so the Response signature still verifies.
    const xml = editXml(genuine, (doc) => {
      const signature = childOf(doc.documentElement, XML_NS.dsig, 'Signature')!;
      addElement(signature, XML_NS.dsig, 'ds:Object').appendChild(forgedAssertion(genuine));
    });
    await expectWrappingRefused(xml);
  });

  it('when a forged assertion sits in samlp:Extensions of a response signed on its assertion, then 401 SAML.SIGNATURE_WRAPPING', async () => {
    const id = await startLogin();
    const genuine = nhs.response({ inResponseTo: id, attributes: member }, { signResponse: false });
    const xml = editXml(genuine, (doc) => {
      const response = doc.documentElement;
      const status = find(response, XML_NS.protocol, 'Status');
      addElement(response, XML_NS.protocol, 'samlp:Extensions', { before: status }).appendChild(forgedAssertion(genuine));
    });
    await expectWrappingRefused(xml);
  });

  it('when the Response signature covers a samlp:Extensions holding a second assertion, then 401 SAML.SIGNATURE_WRAPPING', async () => {
    const id = await startLogin();
    const plain = nhs.response({ inResponseTo: id, attributes: member }, { signResponse: false });
    const xml = nhs.response(
      { inResponseTo: id, attributes: member },
      {
        editResponse: (response) => {
          const status = find(response, XML_NS.protocol, 'Status');
          addElement(response, XML_NS.protocol, 'samlp:Extensions', { before: status }).appendChild(forgedAssertion(plain));
        },
      },
    );
    await expectWrappingRefused(xml);
  });

  it('when the signed assertion carries another assertion in its Advice, then 401 SAML.SIGNATURE_WRAPPING', async () => {
    const id = await startLogin();
    const plain = nhs.response({ inResponseTo: id, attributes: member }, { signResponse: false });
    const xml = nhs.response(
      { inResponseTo: id, attributes: member },
      {
        editAssertion: (assertion) => {
          const statement = find(assertion, XML_NS.assertion, 'AuthnStatement');
          addElement(assertion, XML_NS.assertion, 'saml:Advice', { before: statement }).appendChild(forgedAssertion(plain));
        },
      },
    );
    await expectWrappingRefused(xml);
  });

  it('when the genuine signed assertion is moved into the Advice of a forged one, then 401 SAML.SIGNATURE_WRAPPING', async () => {
    const id = await startLogin();
    const genuine = nhs.response({ inResponseTo: id, attributes: member }, { signResponse: false });
    const xml = editXml(genuine, (doc) => {
      const response = doc.documentElement;
      const assertion = find(response, XML_NS.assertion, 'Assertion');
      const evil = forgedAssertion(genuine);
      response.insertBefore(evil, assertion);
      addElement(evil, XML_NS.assertion, 'saml:Advice', { before: find(evil, XML_NS.assertion, 'AuthnStatement') }).appendChild(assertion);
    });
    await expectWrappingRefused(xml);
  });

  it('when a forged assertion sits in the StatusDetail, then 401 SAML.SIGNATURE_WRAPPING', async () => {
    const id = await startLogin();
    const genuine = nhs.response({ inResponseTo: id, attributes: member }, { signResponse: false });
    const xml = editXml(genuine, (doc) => {
      addElement(find(doc, XML_NS.protocol, 'Status'), XML_NS.protocol, 'samlp:StatusDetail').appendChild(forgedAssertion(genuine));
    });
    await expectWrappingRefused(xml);
  });

  it("when a forged assertion sits in the KeyInfo of the assertion's signature (not covered by it), then 401 SAML.SIGNATURE_WRAPPING", async () => {
    const id = await startLogin();
    const genuine = nhs.response({ inResponseTo: id, attributes: member }, { signResponse: false });
    const xml = editXml(genuine, (doc) => {
      find(find(doc, XML_NS.assertion, 'Assertion'), XML_NS.dsig, 'KeyInfo').appendChild(forgedAssertion(genuine));
    });
    await expectWrappingRefused(xml);
  });

  it('when an assertion of another SAML version (1.1) is added in Extensions, then 401 SAML.SIGNATURE_WRAPPING', async () => {
    const id = await startLogin();
    const genuine = nhs.response({ inResponseTo: id, attributes: member }, { signResponse: false });
    const xml = editXml(genuine, (doc) => {
      const response = doc.documentElement;
      const extensions = addElement(response, XML_NS.protocol, 'samlp:Extensions', { before: find(response, XML_NS.protocol, 'Status') });
      addElement(extensions, 'urn:oasis:names:tc:SAML:1.0:assertion', 'saml1:Assertion', { attrs: { AssertionID: '_x' } });
    });
    await expectWrappingRefused(xml);
  });

  it('when a forged AttributeStatement (no assertion around it) is added in Extensions, then 401 SAML.SIGNATURE_WRAPPING', async () => {
    const id = await startLogin();
    const genuine = nhs.response({ inResponseTo: id, attributes: member }, { signResponse: false });
    const xml = editXml(genuine, (doc) => {
      const response = doc.documentElement;
      const extensions = addElement(response, XML_NS.protocol, 'samlp:Extensions', { before: find(response, XML_NS.protocol, 'Status') });
      const statement = addElement(extensions, XML_NS.assertion, 'saml:AttributeStatement');
      const attribute = addElement(statement, XML_NS.assertion, 'saml:Attribute', { attrs: { Name: TEST_ATTR.roles } });
      addElement(attribute, XML_NS.assertion, 'saml:AttributeValue', { text: 'CDOP-ADMIN' });
    });
    await expectWrappingRefused(xml);
  });

  it('when a second Response is carried in Extensions, then 401 SAML.SIGNATURE_WRAPPING', async () => {
    const id = await startLogin();
    const genuine = nhs.response({ inResponseTo: id, attributes: member }, { signResponse: false });
    const xml = editXml(genuine, (doc) => {
      const response = doc.documentElement;
      const extensions = addElement(response, XML_NS.protocol, 'samlp:Extensions', { before: find(response, XML_NS.protocol, 'Status') });
      addElement(extensions, XML_NS.protocol, 'samlp:Response', { attrs: { ID: '_other', Version: '2.0' } });
    });
    await expectWrappingRefused(xml);
  });

  it("when another element carries the assertion's ID (Id=, as xml-crypto also resolves), then 401 SAML.SIGNATURE_WRAPPING", async () => {
    const id = await startLogin();
    const genuine = nhs.response({ inResponseTo: id, attributes: member }, { signResponse: false });
    const xml = editXml(genuine, (doc) => {
      const response = doc.documentElement;
      const assertionId = find(response, XML_NS.assertion, 'Assertion').getAttribute('ID')!;
      const extensions = addElement(response, XML_NS.protocol, 'samlp:Extensions', { before: find(response, XML_NS.protocol, 'Status') });
      addElement(extensions, 'urn:example:other', 'x:Thing', { attrs: { Id: assertionId } });
    });
    await expectWrappingRefused(xml);
  });
});

describe('the shape of the signatures', () => {
  it('when the ds:Object holds no assertion at all, then 401 SAML.SIGNATURE_WRAPPING (a signature carries SignedInfo, SignatureValue, KeyInfo only)', async () => {
    const id = await startLogin();
    const genuine = nhs.response({ inResponseTo: id, attributes: member });
    const xml = editXml(genuine, (doc) => {
      addElement(childOf(doc.documentElement, XML_NS.dsig, 'Signature')!, XML_NS.dsig, 'ds:Object', { text: 'anything' });
    });
    await expectWrappingRefused(xml);
  });

  it('when the assertion signature references the whole document (URI=""), then 401 SAML.SIGNATURE_WRAPPING', async () => {
    const id = await startLogin();
    const genuine = nhs.response({ inResponseTo: id, attributes: member }, { signResponse: false });
    const xml = editXml(genuine, (doc) => find(find(doc, XML_NS.assertion, 'Assertion'), XML_NS.dsig, 'Reference').setAttribute('URI', ''));
    await expectWrappingRefused(xml);
  });

  it('when a signature sits somewhere other than the Response or the assertion (inside the Subject), then 401 SAML.SIGNATURE_WRAPPING', async () => {
    const id = await startLogin();
    const genuine = nhs.response({ inResponseTo: id, attributes: member }, { signResponse: false });
    const xml = editXml(genuine, (doc) => {
      const assertion = find(doc, XML_NS.assertion, 'Assertion');
      find(assertion, XML_NS.assertion, 'Subject').appendChild(childOf(assertion, XML_NS.dsig, 'Signature')!);
    });
    await expectWrappingRefused(xml);
  });

  it('when the signature has a second Reference, then 401 SAML.SIGNATURE_WRAPPING', async () => {
    const id = await startLogin();
    const genuine = nhs.response({ inResponseTo: id, attributes: member }, { signResponse: false });
    const xml = editXml(genuine, (doc) => {
      const reference = find(find(doc, XML_NS.assertion, 'Assertion'), XML_NS.dsig, 'Reference');
      reference.parentNode!.appendChild(reference.cloneNode(true));
    });
    await expectWrappingRefused(xml);
  });

  it.each([
    ['an XPath filter', 'http://www.w3.org/TR/1999/REC-xpath-19991116'],
    ['XSLT', 'http://www.w3.org/TR/1999/REC-xslt-19991116'],
    ['XPath Filter 2.0', 'http://www.w3.org/2002/06/xmldsig-filter2'],
  ])(
    'when the signature uses %s as a transform (it could exclude signed content), then 401 SAML.SIGNATURE_WRAPPING',
    async (_name, algorithm) => {
      const id = await startLogin();
      const genuine = nhs.response({ inResponseTo: id, attributes: member }, { signResponse: false });
      const xml = editXml(genuine, (doc) => {
        const transforms = find(find(doc, XML_NS.assertion, 'Assertion'), XML_NS.dsig, 'Transforms');
        addElement(transforms, XML_NS.dsig, 'ds:Transform', { attrs: { Algorithm: algorithm } });
      });
      await expectWrappingRefused(xml);
    },
  );

  it('when the genuine response is posted unchanged, then it is accepted (the checks refuse only what is wrapped)', async () => {
    const id = await startLogin();
    const res = await postAcs(nhs.response({ inResponseTo: id, attributes: member }));
    expect(res.status).toBe(303);
  });
});
