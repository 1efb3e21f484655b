import { SignedXml } from 'xml-crypto';
import type { IdentityProvider } from './idp-registry';
import { nameIdProblem } from './saml-nameid';
import { SAML_REQUEST_TTL_MS } from './saml-request.cache';
import {
  ASSERTION,
  ATTRIBUTE,
  ATTRIBUTE_STATEMENT,
  AUDIENCE_RESTRICTION,
  AUTHN_STATEMENT,
  checkResponseStructure,
  checkSequence,
  SUBJECT,
  SUBJECT_CONFIRMATION,
} from './saml-structure.checks';
import { attr, child, children, elementChildren, is, isNcName, NON_XML_CHAR, NS, parseXml, scanXml, text } from './saml-xml';
import { SamlRefusal } from './saml.errors';

export { decodeSamlResponse } from './saml-xml';

/**
 * The checks passport-saml does not make. Before signature verification
 * (inspectRawResponse): the XML limits, the structure that leaves signature
 * wrapping no room (saml-structure.checks.ts), and the shape the SAML 2.0
 * Web Browser SSO profile requires. After it (checkVerifiedAssertion): every
 * value, read from the assertion exactly as verified
 * (`profile.getAssertionXml()`: the signed bytes, never the unsigned
 * document). src/auth/saml/README.md lists each rule with its code.
 */

export const MAX_CLOCK_SKEW_MS = 60_000;

const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const ENTITY_FORMAT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity';
/** SessionIndex goes into the session row and back into a LogoutRequest: a plain token. */
const SESSION_INDEX = /^[\x21-\x7E]{1,256}$/;

export interface ExpectedResponse {
  idp: IdentityProvider;
  acsUrl: string;
  spEntityId: string;
  nowMs: number;
  skewMs: number;
}

interface RawResponse {
  xml: string;
  doc: Document;
  response: Element;
  /** The one assertion (a direct child of the Response), if any. */
  assertion: Element | undefined;
  /** Its ID: checked for replay before anything else. */
  assertionIds: string[];
}

/** Before verification: refusals that need no trust in the content. */
export function inspectRawResponse(xml: string, x: ExpectedResponse): RawResponse {
  scanXml(xml);
  const doc = parseXml(xml);
  const { response, assertion } = checkResponseStructure(doc);

  if (!isNcName(response.getAttribute('ID'))) throw new SamlRefusal('SAML.MALFORMED', 'response ID is not an xs:ID');
  const inResponseTo = attr(response, 'InResponseTo');
  if (inResponseTo !== null && !isNcName(inResponseTo)) throw new SamlRefusal('SAML.MALFORMED', 'InResponseTo is not an xs:ID');
  instant(response.getAttribute('IssueInstant'), true);
  if (assertion) checkAssertionShape(assertion, x);

  // Characters XML forbids as references were refused by scanXml; written raw, the lenient parsers keep
  // them (NUL would then reach PostgreSQL). Last, so that one in a NameID is reported as SAML.NAMEID_INVALID.
  if (NON_XML_CHAR.test(xml)) throw new SamlRefusal('SAML.MALFORMED', 'a character XML does not allow');

  const assertionId = assertion?.getAttribute('ID');
  return { xml, doc, response, assertion, assertionIds: assertionId ? [assertionId] : [] };
}

export interface AcceptedAssertion {
  assertionId: string;
  nameId: string;
  nameIdFormat: string | null;
  sessionIndex: string | null;
  inResponseTo: string;
  /** The latest instant the assertion could still be accepted (kept in saml_assertions_seen until then). */
  notOnOrAfter: Date;
  /** Attribute Name → values, from the verified assertion only. */
  attributes: Map<string, string[]>;
}

/**
 * The shape the profile requires of the assertion, with no trust needed:
 * run on the raw assertion before verification (so the refusal names the
 * rule) and again on the verified one.
 */
function checkAssertionShape(assertion: Element, x: ExpectedResponse): void {
  if (assertion.getAttribute('Version') !== '2.0') throw new SamlRefusal('SAML.VERSION_MISMATCH', 'assertion version');
  if (!isNcName(assertion.getAttribute('ID'))) throw new SamlRefusal('SAML.MALFORMED', 'assertion ID is not an xs:ID');
  instant(assertion.getAttribute('IssueInstant'), true);
  checkSequence(assertion, ASSERTION, 'SAML.MALFORMED', 'Assertion');
  checkIssuerFormat(child(assertion, NS.assertion, 'Issuer'));

  // Profiles 4.1.4.2: a Subject naming the person, with at least one bearer SubjectConfirmation.
  const subject = child(assertion, NS.assertion, 'Subject');
  if (!subject) throw new SamlRefusal('SAML.NAMEID_INVALID', 'no Subject');
  checkSequence(subject, SUBJECT, 'SAML.MALFORMED', 'Subject');
  readNameId(subject, x);
  const confirmations = children(subject, NS.assertion, 'SubjectConfirmation');
  for (const c of confirmations) checkSequence(c, SUBJECT_CONFIRMATION, 'SAML.MALFORMED', 'SubjectConfirmation');
  const bearers = confirmations.filter((c) => c.getAttribute('Method') === BEARER);
  const confirmationProblem = (why: string) => new SamlRefusal('SAML.SUBJECT_CONFIRMATION_INVALID', why);
  if (!bearers.length) throw confirmationProblem('no bearer SubjectConfirmation');
  for (const c of bearers) {
    const data = child(c, NS.assertion, 'SubjectConfirmationData');
    if (!data) throw confirmationProblem('bearer without SubjectConfirmationData');
    if (data.hasAttribute('NotBefore')) throw confirmationProblem('bearer SubjectConfirmationData with NotBefore');
    if (!data.getAttribute('Recipient')) throw confirmationProblem('bearer SubjectConfirmationData without Recipient');
    if (!data.getAttribute('NotOnOrAfter')) throw confirmationProblem('bearer SubjectConfirmationData without NotOnOrAfter');
    instant(data.getAttribute('NotOnOrAfter'), true);
  }

  // Core 2.5.1: every condition must be understood, or the assertion is not valid.
  const conditions = child(assertion, NS.assertion, 'Conditions');
  if (!conditions) throw new SamlRefusal('SAML.AUDIENCE', 'no Conditions, so no AudienceRestriction');
  const conditionsProblem = (why: string) => new SamlRefusal('SAML.CONDITIONS_INVALID', why);
  const kinds = elementChildren(conditions).map((c) =>
    c.namespaceURI === NS.assertion && ['AudienceRestriction', 'OneTimeUse', 'ProxyRestriction'].includes(c.localName) ? c.localName : '',
  );
  if (kinds.includes('')) throw conditionsProblem('a condition this service does not understand');
  if (kinds.filter((k) => k === 'OneTimeUse').length > 1 || kinds.filter((k) => k === 'ProxyRestriction').length > 1) {
    throw conditionsProblem('OneTimeUse or ProxyRestriction twice');
  }
  const notBefore = instant(conditions.getAttribute('NotBefore'), false);
  const notOnOrAfter = instant(conditions.getAttribute('NotOnOrAfter'), true);
  if (notBefore !== undefined && notBefore >= notOnOrAfter) throw conditionsProblem('NotBefore is not before NotOnOrAfter');
  const restrictions = children(conditions, NS.assertion, 'AudienceRestriction');
  if (!restrictions.length) throw new SamlRefusal('SAML.AUDIENCE', 'no AudienceRestriction');
  for (const r of restrictions) checkSequence(r, AUDIENCE_RESTRICTION, 'SAML.AUDIENCE', 'AudienceRestriction');

  // Profiles 4.1.4.2: at least one AuthnStatement; a SessionIndex when the IdP does single logout.
  const statements = children(assertion, NS.assertion, 'AuthnStatement');
  const authnProblem = (why: string) => new SamlRefusal('SAML.AUTHN_STATEMENT_INVALID', why);
  if (!statements.length) throw authnProblem('no AuthnStatement');
  for (const s of statements) {
    checkSequence(s, AUTHN_STATEMENT, 'SAML.AUTHN_STATEMENT_INVALID', 'AuthnStatement');
    if (!s.getAttribute('AuthnInstant')) throw authnProblem('no AuthnInstant');
    instant(s.getAttribute('AuthnInstant'), true);
    instant(s.getAttribute('SessionNotOnOrAfter'), false);
    const index = attr(s, 'SessionIndex');
    if (index !== null && !SESSION_INDEX.test(index)) throw authnProblem('SessionIndex is not a plain token');
    if (index === null && x.idp.sloUrl) throw authnProblem('no SessionIndex from an IdP with single logout');
  }

  for (const s of children(assertion, NS.assertion, 'AttributeStatement')) {
    checkSequence(s, ATTRIBUTE_STATEMENT, 'SAML.MALFORMED', 'AttributeStatement');
    for (const a of children(s, NS.assertion, 'Attribute')) {
      if (!a.getAttribute('Name')) throw new SamlRefusal('SAML.MALFORMED', 'Attribute without Name');
      checkSequence(a, ATTRIBUTE, 'SAML.MALFORMED', 'Attribute');
    }
  }
}

/** Profiles 4.1.4.2: an Issuer's Format, when present, is the entity format. */
function checkIssuerFormat(issuer: Element | undefined): void {
  const format = issuer?.getAttribute('Format');
  if (format && format !== ENTITY_FORMAT) throw new SamlRefusal('SAML.WRONG_ISSUER', 'issuer Format is not entity');
}

function readNameId(subject: Element, x: ExpectedResponse): Element {
  const nameIdEl = child(subject, NS.assertion, 'NameID');
  if (!nameIdEl) throw new SamlRefusal('SAML.NAMEID_INVALID', 'no NameID');
  if (elementChildren(nameIdEl).length) throw new SamlRefusal('SAML.NAMEID_INVALID', 'NameID with element content');
  const problem = nameIdProblem(
    text(nameIdEl),
    {
      format: attr(nameIdEl, 'Format'),
      nameQualifier: attr(nameIdEl, 'NameQualifier'),
      spNameQualifier: attr(nameIdEl, 'SPNameQualifier'),
    },
    { idpEntityId: x.idp.entityId, spEntityId: x.spEntityId },
  );
  if (problem) throw new SamlRefusal('SAML.NAMEID_INVALID', `NameID ${problem}`);
  return nameIdEl;
}

/** After passport-saml verified the signatures: every value, from the verified assertion and the response around it. */
export function checkVerifiedAssertion(raw: RawResponse, verifiedAssertionXml: string, x: ExpectedResponse): AcceptedAssertion {
  const skew = Math.min(x.skewMs, MAX_CLOCK_SKEW_MS);
  const assertion = parseXml(verifiedAssertionXml).documentElement;
  if (!is(assertion, NS.assertion, 'Assertion')) throw new SamlRefusal('SAML.SIGNATURE_INVALID', 'verified content is not an assertion');
  const assertionId = assertion.getAttribute('ID');
  // The verified assertion must be the one and only assertion of the response.
  if (!assertionId || !raw.assertion || raw.assertion.getAttribute('ID') !== assertionId) {
    throw new SamlRefusal('SAML.SIGNATURE_INVALID', 'verified assertion is not the response assertion');
  }
  // The assertion carries its own enveloped signature over itself (its shape checked in saml-structure.checks.ts).
  if (!child(raw.assertion, NS.dsig, 'Signature')) throw new SamlRefusal('SAML.ASSERTION_UNSIGNED');

  // passport-saml ignores a response signature that fails when it does not require one (the assertion's
  // suffices); a response that carries a signature which does not verify has been altered: refuse it.
  const responseSignature = child(raw.response, NS.dsig, 'Signature');
  if (responseSignature && !signatureVerifies(raw.xml, responseSignature, raw.response.getAttribute('ID'), x.idp.certs)) {
    throw new SamlRefusal('SAML.SIGNATURE_INVALID', 'response signature does not verify');
  }

  const status = child(raw.response, NS.protocol, 'Status');
  const statusCode = status && child(status, NS.protocol, 'StatusCode');
  if (statusCode?.getAttribute('Value') !== SUCCESS) throw new SamlRefusal('SAML.STATUS');

  if (raw.response.getAttribute('Destination') !== x.acsUrl) throw new SamlRefusal('SAML.WRONG_DESTINATION');
  // Profiles 4.1.4.2: a signed Response names its issuer.
  const responseIssuer = child(raw.response, NS.assertion, 'Issuer');
  if (!responseIssuer && responseSignature) throw new SamlRefusal('SAML.WRONG_ISSUER', 'signed response without Issuer');
  if (responseIssuer && text(responseIssuer) !== x.idp.entityId) throw new SamlRefusal('SAML.WRONG_ISSUER', 'response issuer');
  checkIssuerFormat(responseIssuer);

  checkAssertionShape(assertion, x);
  if (text(child(assertion, NS.assertion, 'Issuer')!) !== x.idp.entityId) throw new SamlRefusal('SAML.WRONG_ISSUER', 'assertion issuer');

  const inResponseTo = raw.response.getAttribute('InResponseTo');
  if (!inResponseTo) throw new SamlRefusal('SAML.IN_RESPONSE_TO', 'response has no InResponseTo');

  // Each response answers a request we made at most SAML_REQUEST_TTL_MS ago: nothing in it can be older.
  const oldest = x.nowMs - SAML_REQUEST_TTL_MS - skew;
  for (const [el, what] of [
    [raw.response, 'response'],
    [assertion, 'assertion'],
  ] as const) {
    const issued = instant(el.getAttribute('IssueInstant'), true);
    if (issued > x.nowMs + skew) throw new SamlRefusal('SAML.NOT_YET_VALID', `${what} issued in the future`);
    if (issued < oldest) throw new SamlRefusal('SAML.EXPIRED', `${what} issued before any open request`);
  }

  const subject = child(assertion, NS.assertion, 'Subject')!;
  const nameIdEl = readNameId(subject, x);

  // Bearer confirmation: addressed to our ACS, answering our request, still valid (each one, as the profile requires).
  let subjectNotOnOrAfter = 0;
  for (const c of children(subject, NS.assertion, 'SubjectConfirmation').filter((c) => c.getAttribute('Method') === BEARER)) {
    const data = child(c, NS.assertion, 'SubjectConfirmationData')!;
    if (data.getAttribute('Recipient') !== x.acsUrl) throw new SamlRefusal('SAML.WRONG_RECIPIENT');
    // The signed assertion must name the request too: the Response's attribute alone may be unsigned.
    if (data.getAttribute('InResponseTo') !== inResponseTo) throw new SamlRefusal('SAML.IN_RESPONSE_TO', 'subject InResponseTo differs');
    const until = instant(data.getAttribute('NotOnOrAfter'), true);
    if (x.nowMs - skew >= until) throw new SamlRefusal('SAML.EXPIRED', 'bearer confirmation expired');
    subjectNotOnOrAfter = Math.max(subjectNotOnOrAfter, until);
  }

  const conditions = child(assertion, NS.assertion, 'Conditions')!;
  const notBefore = instant(conditions.getAttribute('NotBefore'), false);
  const notOnOrAfter = instant(conditions.getAttribute('NotOnOrAfter'), true);
  if (notBefore !== undefined && x.nowMs + skew < notBefore) throw new SamlRefusal('SAML.NOT_YET_VALID');
  if (x.nowMs - skew >= notOnOrAfter) throw new SamlRefusal('SAML.EXPIRED');
  for (const r of children(conditions, NS.assertion, 'AudienceRestriction')) {
    if (!children(r, NS.assertion, 'Audience').some((a) => text(a) === x.spEntityId)) throw new SamlRefusal('SAML.AUDIENCE');
  }

  const authn = children(assertion, NS.assertion, 'AuthnStatement');
  for (const s of authn) {
    if (instant(s.getAttribute('AuthnInstant'), true) > x.nowMs + skew) {
      throw new SamlRefusal('SAML.AUTHN_STATEMENT_INVALID', 'AuthnInstant in the future');
    }
    const sessionEnds = instant(s.getAttribute('SessionNotOnOrAfter'), false);
    if (sessionEnds !== undefined && x.nowMs - skew >= sessionEnds) throw new SamlRefusal('SAML.EXPIRED', 'IdP session ended');
  }

  const attributes = new Map<string, string[]>();
  for (const statement of children(assertion, NS.assertion, 'AttributeStatement')) {
    for (const attr of children(statement, NS.assertion, 'Attribute')) {
      const name = attr.getAttribute('Name')!;
      const values = children(attr, NS.assertion, 'AttributeValue').map(text);
      attributes.set(name, [...(attributes.get(name) ?? []), ...values]);
    }
  }

  return {
    assertionId,
    nameId: text(nameIdEl),
    nameIdFormat: attr(nameIdEl, 'Format'),
    sessionIndex: authn[0]?.getAttribute('SessionIndex') || null,
    inResponseTo,
    notOnOrAfter: new Date(Math.max(notOnOrAfter, subjectNotOnOrAfter) + skew),
    attributes,
  };
}

/** An enveloped signature over the element with this ID, by one of the IdP's certificates. */
function signatureVerifies(xml: string, signature: Element, id: string | null, certs: readonly string[]): boolean {
  const reference = signature.getElementsByTagNameNS(NS.dsig, 'Reference')[0];
  if (!id || reference?.getAttribute('URI') !== `#${id}`) return false;
  return certs.some((publicCert) => {
    try {
      const sig = new SignedXml({ publicCert });
      sig.loadSignature(signature);
      return sig.checkSignature(xml.replace(/\r\n?/g, '\n'));
    } catch {
      return false;
    }
  });
}

function instant(value: string | null, required: true): number;
function instant(value: string | null, required: false): number | undefined;
function instant(value: string | null, required: boolean): number | undefined {
  if (value === null || value === '') {
    if (required) throw new SamlRefusal('SAML.MALFORMED', 'a required instant is missing');
    return undefined;
  }
  // xs:dateTime in UTC, as SAML Core 1.3.3 requires.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value))
    throw new SamlRefusal('SAML.MALFORMED', 'instant not in UTC xs:dateTime');
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new SamlRefusal('SAML.MALFORMED', 'instant not a date');
  return ms;
}
