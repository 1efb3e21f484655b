import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import type { Express } from 'express';
import forge from 'node-forge';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { SignedXml } from 'xml-crypto';

/**
 * An identity provider for tests, independent of the service's own SAML
 * code: real RSA keys and X.509 certificates generated here, responses
 * written as XML text and signed with xml-crypto, so that a test can build a
 * valid response and then break exactly one thing in it.
 */

export interface KeyPair {
  privateKeyPem: string;
  certPem: string;
}

/** RSA-2048 from node:crypto, a self-signed SHA-256 certificate from node-forge. */
export function newKeyPair(commonName = 'Test IdP'): KeyPair {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = `01${crypto.randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  const name = [{ name: 'commonName', value: commonName }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.sign(forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()), forge.md.sha256.create());
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), certPem: forge.pki.certificateToPem(cert) };
}

const ALGORITHMS = {
  sha256: { signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', digest: 'http://www.w3.org/2001/04/xmlenc#sha256' },
  sha1: { signature: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', digest: 'http://www.w3.org/2000/09/xmldsig#sha1' },
} as const;
export type Algorithm = keyof typeof ALGORITHMS;

const TRANSFORMS = ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'];

export const newId = () => `_${crypto.randomBytes(16).toString('hex')}`;
const iso = (d: Date) => d.toISOString();
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Everything a response says; each field defaults to what a correct IdP would send. */
export interface ResponseSpec {
  inResponseTo: string;
  nameId?: string;
  attributes?: Record<string, string[]>;
  responseId?: string;
  assertionId?: string;
  responseIssuer?: string | null;
  assertionIssuer?: string;
  /** null: no Destination attribute */
  destination?: string | null;
  recipient?: string;
  audience?: string;
  subjectInResponseTo?: string;
  issueInstant?: Date;
  notBefore?: Date;
  notOnOrAfter?: Date;
  subjectNotOnOrAfter?: Date;
  statusCode?: string;
}

interface TestIdpOptions {
  entityId: string;
  key: KeyPair;
  spEntityId: string;
  acsUrl: string;
}

export class TestIdp {
  constructor(readonly o: TestIdpOptions) {}

  /** The assertion element alone, unsigned. */
  assertion(spec: ResponseSpec): { xml: string; id: string } {
    const now = new Date();
    const id = spec.assertionId ?? newId();
    const later = new Date(now.getTime() + 5 * 60_000);
    const attrs = Object.entries(spec.attributes ?? {})
      .map(
        ([name, values]) =>
          `<saml:Attribute Name="${esc(name)}">${values.map((v) => `<saml:AttributeValue>${esc(v)}</saml:AttributeValue>`).join('')}</saml:Attribute>`,
      )
      .join('');
    const xml =
      `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${iso(spec.issueInstant ?? now)}">` +
      `<saml:Issuer>${esc(spec.assertionIssuer ?? this.o.entityId)}</saml:Issuer>` +
      `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">${esc(spec.nameId ?? 'user-0001')}</saml:NameID>` +
      `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
      `<saml:SubjectConfirmationData NotOnOrAfter="${iso(spec.subjectNotOnOrAfter ?? spec.notOnOrAfter ?? later)}" Recipient="${esc(spec.recipient ?? this.o.acsUrl)}" InResponseTo="${esc(spec.subjectInResponseTo ?? spec.inResponseTo)}"/>` +
      `</saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${iso(spec.notBefore ?? now)}" NotOnOrAfter="${iso(spec.notOnOrAfter ?? later)}">` +
      `<saml:AudienceRestriction><saml:Audience>${esc(spec.audience ?? this.o.spEntityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
      `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${newId()}"><saml:AuthnContext>` +
      `<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
      (attrs ? `<saml:AttributeStatement>${attrs}</saml:AttributeStatement>` : '') +
      `</saml:Assertion>`;
    return { xml, id };
  }

  /** A Response around any body (one or more assertions, Extensions…), unsigned. */
  envelope(spec: ResponseSpec, body: string): string {
    const destination = spec.destination === undefined ? this.o.acsUrl : spec.destination;
    const issuer = spec.responseIssuer === undefined ? this.o.entityId : spec.responseIssuer;
    return (
      `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"` +
      ` ID="${spec.responseId ?? newId()}" Version="2.0" IssueInstant="${iso(new Date())}"` +
      `${destination === null ? '' : ` Destination="${esc(destination)}"`} InResponseTo="${esc(spec.inResponseTo)}">` +
      (issuer === null ? '' : `<saml:Issuer>${esc(issuer)}</saml:Issuer>`) +
      `<samlp:Status><samlp:StatusCode Value="${spec.statusCode ?? 'urn:oasis:names:tc:SAML:2.0:status:Success'}"/></samlp:Status>` +
      body +
      `</samlp:Response>`
    );
  }

  /**
   * A correct response: assertion signed, then the response signed (RSA-SHA256).
   * `editAssertion` changes the assertion before it is signed (the IdP signs
   * whatever it says); `editResponse` changes the response after the
   * assertion is signed and before the response is.
   */
  response(spec: ResponseSpec, o: ResponseOptions = {}): string {
    const a = this.assertion(spec);
    let assertionXml = a.xml;
    let assertionId = a.id;
    if (o.editAssertion) {
      const edit = o.editAssertion;
      assertionXml = editXml(assertionXml, (doc) => edit(doc.documentElement, doc));
      assertionId = /\sID="([^"]*)"/.exec(assertionXml)?.[1] ?? a.id;
    }
    let xml = this.envelope(spec, assertionXml);
    if (o.signAssertion ?? true) xml = signElement(xml, 'Assertion', assertionId, o.key ?? this.o.key, o.alg);
    if (o.editResponse) {
      const edit = o.editResponse;
      xml = editXml(xml, (doc) => edit(doc.documentElement, doc));
    }
    if (o.signResponse ?? true) xml = signElement(xml, 'Response', undefined, o.key ?? this.o.key, o.alg);
    return xml;
  }

  /** Just a signed assertion (for wrapping attacks). */
  signedAssertion(spec: ResponseSpec, o: { key?: KeyPair; alg?: Algorithm } = {}): { xml: string; id: string } {
    const a = this.assertion(spec);
    return { xml: signElement(a.xml, 'Assertion', a.id, o.key ?? this.o.key, o.alg), id: a.id };
  }
}

export interface ResponseOptions {
  signAssertion?: boolean;
  signResponse?: boolean;
  key?: KeyPair;
  alg?: Algorithm;
  editAssertion?: (assertion: Element, doc: Document) => void;
  editResponse?: (response: Element, doc: Document) => void;
}

/** Enveloped signature over the element, placed right after its Issuer (where SAML's schema wants it). */
export function signElement(
  xml: string,
  localName: 'Response' | 'Assertion',
  id: string | undefined,
  key: KeyPair,
  alg: Algorithm = 'sha256',
): string {
  const target = id ? `//*[local-name(.)='${localName}' and @ID='${id}']` : `/*[local-name(.)='${localName}']`;
  const sig = new SignedXml({
    privateKey: key.privateKeyPem,
    publicCert: key.certPem,
    signatureAlgorithm: ALGORITHMS[alg].signature,
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  sig.addReference({ xpath: target, transforms: TRANSFORMS, digestAlgorithm: ALGORITHMS[alg].digest });
  const hasIssuer = new RegExp(`<(\\w+:)?${localName}\\b[^>]*>\\s*<(\\w+:)?Issuer\\b`).test(xml);
  sig.computeSignature(xml, {
    prefix: 'ds',
    location: hasIssuer ? { reference: `${target}/*[local-name(.)='Issuer']`, action: 'after' } : { reference: target, action: 'prepend' },
  });
  return sig.getSignedXml();
}

export const encode = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');

export function stripSignatures(xml: string): string {
  return xml.replace(/<ds:Signature\b[\s\S]*?<\/ds:Signature>/g, '');
}

/** The AuthnRequest the service redirected to: its XML and ID (for InResponseTo). */
export function authnRequestFrom(location: string): { id: string; xml: string; url: URL } {
  const url = new URL(location);
  const encoded = url.searchParams.get('SAMLRequest');
  if (!encoded) throw new Error('no SAMLRequest in the redirect');
  const xml = inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8');
  const id = /\sID="([^"]+)"/.exec(xml)?.[1];
  if (!id) throw new Error('no ID in the AuthnRequest');
  return { id, xml, url };
}

/** The session cookie (name=value) from a Set-Cookie header list. */
export function sessionCookie(setCookie: string | string[] | undefined, name = 'cdop.sid'): string | undefined {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const line = list.find((c) => c.startsWith(`${name}=`));
  return line?.split(';')[0];
}

/** Attribute names the test IdPs use (mapped in their registration). */
export const TEST_ATTR = {
  roles: 'urn:test:roles',
  panels: 'urn:test:panel-codes',
  ods: 'urn:test:ods',
  name: 'urn:test:name',
  email: 'urn:test:mail',
} as const;

export interface TestIdps {
  /** SAML_IDPS_FILE to start the app with */
  file: string;
  dir: string;
  /** 'nhs': single logout, three mapped roles, certificate by file path */
  nhs: TestIdp;
  /** 'police': no single logout, only panel_member, certificate inline */
  police: TestIdp;
  cleanup(): void;
}

/** Two IdPs with fresh keys, registered in a SAML_IDPS_FILE written to a temporary folder. */
export function writeTestIdps(publicBaseUrl: string): TestIdps {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdop-saml-idps-'));
  const nhsKey = newKeyPair('NHS test IdP');
  const policeKey = newKeyPair('Police test IdP');
  fs.writeFileSync(path.join(dir, 'nhs-idp.pem'), nhsKey.certPem);
  const attributes = {
    roles: TEST_ATTR.roles,
    panelCodes: TEST_ATTR.panels,
    agencyOdsCode: TEST_ATTR.ods,
    displayName: TEST_ATTR.name,
    email: TEST_ATTR.email,
  };
  const file = path.join(dir, 'idps.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      identityProviders: [
        {
          id: 'nhs',
          displayName: 'NHS test IdP',
          entityId: 'https://idp.nhs.test/saml',
          ssoUrl: 'https://idp.nhs.test/sso',
          sloUrl: 'https://idp.nhs.test/slo',
          certs: ['nhs-idp.pem'], // a path, relative to this file
          attributes,
          roleMap: { 'CDOP-COORDINATOR': 'cdop_coordinator', 'CDOP-MEMBER': 'panel_member', 'CDOP-ADMIN': ['administrator'] },
        },
        {
          id: 'police',
          displayName: 'Police test IdP',
          entityId: 'https://idp.police.test/saml',
          ssoUrl: 'https://idp.police.test/sso',
          certs: [policeKey.certPem], // inline PEM
          attributes,
          roleMap: { 'CDOP-MEMBER': 'panel_member' },
        },
      ],
    }),
  );
  const spEntityId = `${publicBaseUrl}/auth/saml/metadata`;
  return {
    file,
    dir,
    nhs: new TestIdp({ entityId: 'https://idp.nhs.test/saml', key: nhsKey, spEntityId, acsUrl: `${publicBaseUrl}/auth/saml/nhs/acs` }),
    police: new TestIdp({
      entityId: 'https://idp.police.test/saml',
      key: policeKey,
      spEntityId,
      acsUrl: `${publicBaseUrl}/auth/saml/police/acs`,
    }),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

// --- editing responses as DOM trees (for hostile and non-conforming ones) ---

export const XML_NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
} as const;

function parseXmlForTest(xml: string): Document {
  return new DOMParser().parseFromString(xml, 'text/xml');
}

/** Parse, change with DOM operations, serialise. */
export function editXml(xml: string, edit: (doc: Document) => void): string {
  const doc = parseXmlForTest(xml);
  edit(doc);
  return new XMLSerializer().serializeToString(doc);
}

/** The first element with this namespace and local name under (or at) root, depth first. */
export function find(root: Document | Element, ns: string, localName: string): Element {
  const found = root.getElementsByTagNameNS(ns, localName)[0];
  if (!found) throw new Error(`no ${localName} in the test document`);
  return found;
}

/** The direct child with this namespace and local name, if any. */
export function childOf(parent: Element, ns: string, localName: string): Element | undefined {
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === localName) return n as Element;
  }
  return undefined;
}

/** A new element in the document, inserted after `after`'s position (or appended to `parent`). */
export function addElement(
  parent: Element,
  ns: string | null,
  qname: string,
  o: { attrs?: Record<string, string>; text?: string; before?: Node | null } = {},
): Element {
  const doc = parent.ownerDocument;
  const el = ns ? doc.createElementNS(ns, qname) : doc.createElement(qname);
  for (const [k, v] of Object.entries(o.attrs ?? {})) el.setAttribute(k, v);
  if (o.text !== undefined) el.appendChild(doc.createTextNode(o.text));
  parent.insertBefore(el, o.before ?? null);
  return el;
}

/**
 * The XML Signature Wrapping families of Somorovsky et al., "On Breaking
 * SAML: Be Whoever You Want to Be" (USENIX Security 2012), as SAML Raider
 * names them. Each starts from a genuine signed response and applies
 * `forge` (another NameID, another role) where the attacker wants the
 * service to read, leaving the signed original where a verifier may find it.
 *   XSW1/2: the whole Response is cloned; the signed original goes inside
 *           (1) or next to (2) the forged response's Signature.
 *   XSW3:   a forged assertion (no signature) before the signed one.
 *   XSW4:   a forged assertion with the signed one nested inside it.
 *   XSW5:   the forged assertion keeps the signature; an unsigned copy of the original is appended to the Response.
 *   XSW6:   as XSW5, the original copy inside the forged assertion's Signature.
 *   XSW7:   a forged assertion inside Extensions, the signed one untouched.
 *   XSW8:   the forged assertion keeps the signature (and the ID); the original sits in an Object in that Signature.
 */
export const XSW_FAMILIES = ['XSW1', 'XSW2', 'XSW3', 'XSW4', 'XSW5', 'XSW6', 'XSW7', 'XSW8'] as const;
type XswFamily = (typeof XSW_FAMILIES)[number];

export function wrapSignature(family: XswFamily, signedXml: string, forge: (assertion: Element) => void): string {
  return editXml(signedXml, (doc) => {
    const response = doc.documentElement;
    const assertion = find(response, XML_NS.assertion, 'Assertion');
    const signatureOf = (e: Element) => {
      const s = childOf(e, XML_NS.dsig, 'Signature');
      if (!s) throw new Error(`${family} needs a signed ${e.localName}`);
      return s;
    };
    const unsignedCopy = (e: Element) => {
      const copy = e.cloneNode(true) as Element;
      copy.removeChild(signatureOf(copy));
      return copy;
    };
    switch (family) {
      case 'XSW1':
      case 'XSW2': {
        const original = unsignedCopy(response);
        forge(assertion);
        response.setAttribute('ID', newId());
        const signature = signatureOf(response);
        if (family === 'XSW1') signature.appendChild(original);
        else response.insertBefore(original, signature);
        break;
      }
      case 'XSW3':
      case 'XSW4': {
        const evil = unsignedCopy(assertion);
        evil.setAttribute('ID', newId());
        forge(evil);
        response.insertBefore(evil, assertion);
        if (family === 'XSW4') evil.appendChild(assertion);
        break;
      }
      case 'XSW5':
      case 'XSW6': {
        const original = unsignedCopy(assertion);
        forge(assertion);
        assertion.setAttribute('ID', newId());
        if (family === 'XSW5') response.appendChild(original);
        else signatureOf(assertion).appendChild(original);
        break;
      }
      case 'XSW7': {
        const extensions = addElement(response, XML_NS.protocol, 'samlp:Extensions', { before: assertion });
        const evil = unsignedCopy(assertion);
        forge(evil);
        extensions.appendChild(evil);
        break;
      }
      case 'XSW8': {
        const original = unsignedCopy(assertion);
        forge(assertion);
        addElement(signatureOf(assertion), XML_NS.dsig, 'ds:Object').appendChild(original);
        break;
      }
    }
  });
}

/** Forged content: another person with the administrator role. */
export function forgeAdministrator(assertion: Element): void {
  const nameId = find(assertion, XML_NS.assertion, 'NameID');
  nameId.textContent = 'nhs-admin';
  for (const value of Array.from(assertion.getElementsByTagNameNS(XML_NS.assertion, 'AttributeValue'))) {
    if ((value.parentNode as Element).getAttribute('Name') === TEST_ATTR.roles) value.textContent = 'CDOP-ADMIN';
  }
}

// --- driving the ACS in tests ---

interface AcsApp {
  app: Express;
  ds: DataSource;
}

/** The steps every SAML integration test takes: start a login, post to the ACS, check a refusal and its audit event. */
export function acsClient(get: () => AcsApp) {
  const startLogin = async (idpId = 'nhs', relayState?: string): Promise<string> => {
    const res = await request(get().app)
      .get(`/auth/saml/${idpId}/login`)
      .query(relayState === undefined ? {} : { RelayState: relayState });
    if (res.status !== 302) throw new Error(`login answered ${res.status}`);
    return authnRequestFrom(res.headers.location!).id;
  };

  const postAcs = (xml: string, o: { idpId?: string; relayState?: string; cookie?: string; accept?: string } = {}) => {
    const req = request(get().app)
      .post(`/auth/saml/${o.idpId ?? 'nhs'}/acs`)
      .type('form')
      .send({ SAMLResponse: encode(xml), ...(o.relayState === undefined ? {} : { RelayState: o.relayState }) });
    if (o.cookie) req.set('Cookie', o.cookie);
    if (o.accept) req.set('Accept', o.accept);
    return req;
  };

  const lastLoginAudit = async (): Promise<
    { outcome: string; reason: string | null; idp_id: string | null; actor_id: string | null } | undefined
  > => {
    const rows = await get().ds.query(
      `SELECT outcome, reason, idp_id, actor_id FROM audit_events WHERE action = 'auth.login' ORDER BY id DESC LIMIT 1`,
    );
    return rows[0];
  };

  /** 401 problem+json with this code, no session, and an auth.login / denied audit event with the code. */
  const expectRefused = async (res: request.Response, code: string, idpId: string | null = 'nhs'): Promise<void> => {
    expect({ status: res.status, code: res.body?.code }).toEqual({ status: 401, code });
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(sessionCookie(res.headers['set-cookie'])).toBeUndefined();
    expect(await lastLoginAudit()).toMatchObject({ outcome: 'denied', reason: code, idp_id: idpId });
  };

  const count = async (table: string) => (await get().ds.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;

  return { startLogin, postAcs, lastLoginAudit, expectRefused, count };
}
