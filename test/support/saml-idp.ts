import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import forge from 'node-forge';
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

export const ALGORITHMS = {
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

export interface TestIdpOptions {
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

  /** A correct response: assertion signed, then the response signed (RSA-SHA256). */
  response(spec: ResponseSpec, o: { signAssertion?: boolean; signResponse?: boolean; key?: KeyPair; alg?: Algorithm } = {}): string {
    const a = this.assertion(spec);
    let xml = this.envelope(spec, a.xml);
    if (o.signAssertion ?? true) xml = signElement(xml, 'Assertion', a.id, o.key ?? this.o.key, o.alg);
    if (o.signResponse ?? true) xml = signElement(xml, 'Response', undefined, o.key ?? this.o.key, o.alg);
    return xml;
  }

  /** Just a signed assertion (for wrapping attacks). */
  signedAssertion(spec: ResponseSpec, o: { key?: KeyPair; alg?: Algorithm } = {}): { xml: string; id: string } {
    const a = this.assertion(spec);
    return { xml: signElement(a.xml, 'Assertion', a.id, o.key ?? this.o.key, o.alg), id: a.id };
  }
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
  sig.computeSignature(xml, { prefix: 'ds', location: { reference: `${target}/*[local-name(.)='Issuer']`, action: 'after' } });
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
