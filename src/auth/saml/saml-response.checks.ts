import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import type { IdentityProvider } from './idp-registry';
import { SamlRefusal } from './saml.errors';

/**
 * The checks passport-saml does not make, on the raw response (before and
 * after signature verification) and on the assertion exactly as verified
 * (`profile.getAssertionXml()`: the signed bytes, never the unsigned document).
 */

export const MAX_CLOCK_SKEW_MS = 60_000;
/** A SAMLResponse larger than this is not a login (base64 characters). */
export const MAX_SAML_RESPONSE_CHARS = 256 * 1024;

export const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

/** Anything else (SHA-1 above all) is refused, even when the signature verifies. */
const ACCEPTED_SIGNATURE_METHODS = new Set([
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512',
]);
const ACCEPTED_DIGEST_METHODS = new Set([
  'http://www.w3.org/2001/04/xmlenc#sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512',
]);

const ELEMENT_NODE = 1;
const PROCESSING_INSTRUCTION_NODE = 7;
const COMMENT_NODE = 8;

/** Step 1, before any parser sees the bytes: decoding, size, and no DTD at all. */
export function decodeSamlResponse(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw new SamlRefusal('SAML.MALFORMED', 'SAMLResponse missing');
  if (value.length > MAX_SAML_RESPONSE_CHARS) throw new SamlRefusal('SAML.MALFORMED', 'SAMLResponse too large');
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw new SamlRefusal('SAML.MALFORMED', 'SAMLResponse is not base64');
  const xml = Buffer.from(compact, 'base64').toString('utf8');
  // A DTD can declare entities (billion laughs, external entities): refuse any, in any case or spacing.
  if (/<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i.test(xml)) throw new SamlRefusal('SAML.DOCTYPE_FORBIDDEN');
  if (xml.includes('\uFFFD')) throw new SamlRefusal('SAML.MALFORMED', 'SAMLResponse is not UTF-8');
  return xml;
}

export function parseXml(xml: string): Document {
  let failed = false;
  const doc = new DOMParser({
    errorHandler: {
      warning: () => undefined,
      error: () => {
        failed = true;
      },
      fatalError: () => {
        failed = true;
      },
    },
  }).parseFromString(xml, 'text/xml');
  if (failed || !doc?.documentElement) throw new SamlRefusal('SAML.MALFORMED', 'not well-formed XML');
  for (let n = doc.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 10) throw new SamlRefusal('SAML.DOCTYPE_FORBIDDEN');
  }
  return doc;
}

export interface RawResponse {
  xml: string;
  doc: Document;
  response: Element;
  destination: string | null;
  issuer: string | null;
  inResponseTo: string | null;
  /** Assertions that are direct children of the Response (a valid one has exactly one). */
  topAssertions: Element[];
  /** Every Assertion ID anywhere in the document (wrapped copies included): each is checked for replay. */
  allAssertionIds: string[];
}

/** Step 2, on the parsed but not yet verified response: refusals that need no trust in its content. */
export function inspectRawResponse(xml: string): RawResponse {
  const doc = parseXml(xml);
  const response = doc.documentElement;
  if (!is(response, NS.protocol, 'Response')) throw new SamlRefusal('SAML.MALFORMED', 'root is not samlp:Response');

  const assertions: Element[] = [];
  walk(response, (el) => {
    if (is(el, NS.dsig, 'SignatureMethod') && !ACCEPTED_SIGNATURE_METHODS.has(el.getAttribute('Algorithm') ?? '')) {
      throw new SamlRefusal('SAML.WEAK_ALGORITHM');
    }
    if (is(el, NS.dsig, 'DigestMethod') && !ACCEPTED_DIGEST_METHODS.has(el.getAttribute('Algorithm') ?? '')) {
      throw new SamlRefusal('SAML.WEAK_ALGORITHM');
    }
    if (is(el, NS.assertion, 'Assertion')) assertions.push(el);
  });
  // Canonicalisation drops comments, so a comment spliced into a signed NameID
  // ("admin@trust<!---->.evil.example") leaves the signature valid while a
  // naive reader sees another name. Nothing legitimate puts comments there.
  for (const a of assertions) {
    walkNodes(a, (n) => {
      if (n.nodeType === COMMENT_NODE || n.nodeType === PROCESSING_INSTRUCTION_NODE) throw new SamlRefusal('SAML.COMMENT_FORBIDDEN');
    });
  }
  const issuerEl = child(response, NS.assertion, 'Issuer');
  return {
    xml,
    doc,
    response,
    destination: response.getAttribute('Destination'),
    issuer: issuerEl ? text(issuerEl) : null,
    inResponseTo: response.getAttribute('InResponseTo'),
    topAssertions: children(response, NS.assertion, 'Assertion'),
    allAssertionIds: assertions.map((a) => a.getAttribute('ID')).filter((id): id is string => !!id),
  };
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

export interface ExpectedResponse {
  idp: IdentityProvider;
  acsUrl: string;
  spEntityId: string;
  nowMs: number;
  skewMs: number;
}

/** Step 3, after passport-saml verified the signatures: the verified assertion and the response around it. */
export function checkVerifiedAssertion(raw: RawResponse, verifiedAssertionXml: string, x: ExpectedResponse): AcceptedAssertion {
  const skew = Math.min(x.skewMs, MAX_CLOCK_SKEW_MS);
  const assertion = parseXml(verifiedAssertionXml).documentElement;
  if (!is(assertion, NS.assertion, 'Assertion')) throw new SamlRefusal('SAML.SIGNATURE_INVALID', 'verified content is not an assertion');
  const assertionId = assertion.getAttribute('ID');
  // The verified assertion must be the one and only assertion of the response, not a copy wrapped elsewhere.
  const [top, ...more] = raw.topAssertions;
  if (!assertionId || !top || more.length || top.getAttribute('ID') !== assertionId) {
    throw new SamlRefusal('SAML.SIGNATURE_INVALID', 'verified assertion is not the response assertion');
  }
  // The assertion carries its own enveloped signature over itself.
  const signature = child(top, NS.dsig, 'Signature');
  const reference = signature && descendant(signature, NS.dsig, 'Reference');
  if (!reference || reference.getAttribute('URI') !== `#${assertionId}`) throw new SamlRefusal('SAML.ASSERTION_UNSIGNED');

  // passport-saml ignores a response signature that fails when it does not require one (the assertion's
  // suffices); a response that carries a signature which does not verify has been altered: refuse it.
  const responseSignature = child(raw.response, NS.dsig, 'Signature');
  if (responseSignature && !signatureVerifies(raw.xml, responseSignature, raw.response.getAttribute('ID'), x.idp.certs)) {
    throw new SamlRefusal('SAML.SIGNATURE_INVALID', 'response signature does not verify');
  }

  const status = child(raw.response, NS.protocol, 'Status');
  const statusCode = status && child(status, NS.protocol, 'StatusCode');
  if (statusCode?.getAttribute('Value') !== SUCCESS) throw new SamlRefusal('SAML.STATUS');

  if (raw.destination !== x.acsUrl) throw new SamlRefusal('SAML.WRONG_DESTINATION');
  if (raw.issuer !== null && raw.issuer !== x.idp.entityId) throw new SamlRefusal('SAML.WRONG_ISSUER', 'response issuer');
  const issuer = child(assertion, NS.assertion, 'Issuer');
  if (!issuer || text(issuer) !== x.idp.entityId) throw new SamlRefusal('SAML.WRONG_ISSUER', 'assertion issuer');

  const inResponseTo = raw.inResponseTo;
  if (!inResponseTo) throw new SamlRefusal('SAML.IN_RESPONSE_TO', 'response has no InResponseTo');

  const issueInstant = instant(assertion.getAttribute('IssueInstant'), true);
  if (issueInstant > x.nowMs + skew) throw new SamlRefusal('SAML.NOT_YET_VALID', 'issued in the future');

  const subject = child(assertion, NS.assertion, 'Subject');
  const nameIdEl = subject && child(subject, NS.assertion, 'NameID');
  const nameId = nameIdEl ? text(nameIdEl) : '';
  if (!nameIdEl || nameId.length === 0 || nameId.length > 512) throw new SamlRefusal('SAML.MALFORMED', 'NameID missing or too long');

  // Bearer confirmation: addressed to our ACS, answering our request, still valid.
  const confirmations = children(subject, NS.assertion, 'SubjectConfirmation').filter((c) => c.getAttribute('Method') === BEARER);
  if (!confirmations.length) throw new SamlRefusal('SAML.MALFORMED', 'no bearer SubjectConfirmation');
  let subjectNotOnOrAfter: number | undefined;
  let firstProblem: SamlRefusal | undefined;
  for (const c of confirmations) {
    const data = child(c, NS.assertion, 'SubjectConfirmationData');
    const problem = checkConfirmation(data, inResponseTo, x, skew);
    if (!problem) {
      subjectNotOnOrAfter = Math.max(subjectNotOnOrAfter ?? 0, instant(data!.getAttribute('NotOnOrAfter'), true));
    } else {
      firstProblem ??= problem;
    }
  }
  if (subjectNotOnOrAfter === undefined) throw firstProblem!;

  const conditionsList = children(assertion, NS.assertion, 'Conditions');
  const conditions = conditionsList[0];
  if (!conditions || conditionsList.length > 1) throw new SamlRefusal('SAML.MALFORMED', 'exactly one Conditions required');
  const notBefore = instant(conditions.getAttribute('NotBefore'), false);
  const notOnOrAfter = instant(conditions.getAttribute('NotOnOrAfter'), true);
  if (notBefore !== undefined && x.nowMs + skew < notBefore) throw new SamlRefusal('SAML.NOT_YET_VALID');
  if (x.nowMs - skew >= notOnOrAfter) throw new SamlRefusal('SAML.EXPIRED');
  const restrictions = children(conditions, NS.assertion, 'AudienceRestriction');
  if (!restrictions.length) throw new SamlRefusal('SAML.AUDIENCE', 'no AudienceRestriction');
  for (const r of restrictions) {
    if (!children(r, NS.assertion, 'Audience').some((a) => text(a) === x.spEntityId)) throw new SamlRefusal('SAML.AUDIENCE');
  }

  const authn = child(assertion, NS.assertion, 'AuthnStatement');
  const attributes = new Map<string, string[]>();
  for (const statement of children(assertion, NS.assertion, 'AttributeStatement')) {
    for (const attr of children(statement, NS.assertion, 'Attribute')) {
      const name = attr.getAttribute('Name');
      if (!name) continue;
      const values = children(attr, NS.assertion, 'AttributeValue').map(text);
      attributes.set(name, [...(attributes.get(name) ?? []), ...values]);
    }
  }

  return {
    assertionId,
    nameId,
    nameIdFormat: nameIdEl.getAttribute('Format'),
    sessionIndex: authn?.getAttribute('SessionIndex') || null,
    inResponseTo,
    notOnOrAfter: new Date(Math.max(notOnOrAfter, subjectNotOnOrAfter) + skew),
    attributes,
  };
}

function checkConfirmation(data: Element | undefined, inResponseTo: string, x: ExpectedResponse, skew: number): SamlRefusal | undefined {
  if (!data) return new SamlRefusal('SAML.MALFORMED', 'no SubjectConfirmationData');
  if (data.getAttribute('Recipient') !== x.acsUrl) return new SamlRefusal('SAML.WRONG_RECIPIENT');
  // The signed assertion must name the request too: the Response's attribute alone may be unsigned.
  if (data.getAttribute('InResponseTo') !== inResponseTo) return new SamlRefusal('SAML.IN_RESPONSE_TO', 'subject InResponseTo differs');
  const notBefore = instant(data.getAttribute('NotBefore'), false);
  const notOnOrAfter = instant(data.getAttribute('NotOnOrAfter'), true);
  if (notBefore !== undefined && x.nowMs + skew < notBefore) return new SamlRefusal('SAML.NOT_YET_VALID');
  if (x.nowMs - skew >= notOnOrAfter) return new SamlRefusal('SAML.EXPIRED');
  return undefined;
}

/** An enveloped signature over the element with this ID, by one of the IdP's certificates. */
function signatureVerifies(xml: string, signature: Element, id: string | null, certs: readonly string[]): boolean {
  const reference = descendant(signature, NS.dsig, 'Reference');
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

// --- small DOM helpers (xmldom has no querySelector) ---

function is(n: Node | null | undefined, ns: string, localName: string): n is Element {
  return !!n && n.nodeType === ELEMENT_NODE && (n as Element).namespaceURI === ns && (n as Element).localName === localName;
}

function children(parent: Element | null | undefined, ns: string, localName: string): Element[] {
  const out: Element[] = [];
  if (!parent) return out;
  for (let n = parent.firstChild; n; n = n.nextSibling) if (is(n, ns, localName)) out.push(n);
  return out;
}

function child(parent: Element | null | undefined, ns: string, localName: string): Element | undefined {
  return children(parent, ns, localName)[0];
}

function descendant(root: Element, ns: string, localName: string): Element | undefined {
  let found: Element | undefined;
  walk(root, (el) => {
    if (!found && is(el, ns, localName)) found = el;
  });
  return found;
}

function walk(root: Element, visit: (el: Element) => void): void {
  walkNodes(root, (n) => {
    if (n.nodeType === ELEMENT_NODE) visit(n as Element);
  });
}

function walkNodes(root: Node, visit: (n: Node) => void): void {
  visit(root);
  for (let n = root.firstChild; n; n = n.nextSibling) walkNodes(n, visit);
}

function text(el: Element): string {
  return el.textContent ?? '';
}

function instant(value: string | null, required: true): number;
function instant(value: string | null, required: false): number | undefined;
function instant(value: string | null, required: boolean): number | undefined {
  if (value === null || value === '') {
    if (required) throw new SamlRefusal('SAML.MALFORMED', 'a required instant is missing');
    return undefined;
  }
  // xs:dateTime in UTC, as SAML requires.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value))
    throw new SamlRefusal('SAML.MALFORMED', 'instant not in UTC xs:dateTime');
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new SamlRefusal('SAML.MALFORMED', 'instant not a date');
  return ms;
}
