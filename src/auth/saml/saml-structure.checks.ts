import { allElements, allNodes, child, contains, elementChildren, hasOnlyElementContent, is, isNcName, NODE, NS } from './saml-xml';
import { SamlRefusal, type SamlRefusalCode } from './saml.errors';

/**
 * The shape of a response, before any signature is verified: only what a
 * signed SAML 2.0 response carries, each thing in its one place. XML
 * Signature Wrapping (Somorovsky et al. 2012, XSW1–8, and the ds:Object and
 * Extensions variants) needs a second place for an assertion or for signed
 * content: a verifier checks one copy, a reader reads another. Here there is
 * no second place:
 *   - one Response (the root) and at most one Assertion (any namespace,
 *     encrypted or not) anywhere, a direct child of the Response;
 *   - SAML assertion content only inside that assertion (the Response's
 *     Issuer aside), no protocol content inside it;
 *   - a signature only as a direct child of the Response or the assertion,
 *     one each, holding SignedInfo, SignatureValue and KeyInfo only (no
 *     ds:Object), one Reference to its parent's ID, and no transforms but the
 *     enveloped signature and canonicalisation (none that can leave signed
 *     content out);
 *   - every ID unique (xml-crypto resolves ID, Id and id).
 * Nothing is read from the document here; it is only refused.
 */

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
const CANONICALISATIONS = new Set([
  'http://www.w3.org/2001/10/xml-exc-c14n#',
  'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
]);
/** SAML Core 5.4.4: the enveloped signature transform and canonicalisation, nothing else (no XPath, no XSLT). */
const TRANSFORMS = new Set(['http://www.w3.org/2000/09/xmldsig#enveloped-signature', ...CANONICALISATIONS]);

const ID_ATTRIBUTES = new Set(['ID', 'Id', 'id']);

interface ResponseStructure {
  response: Element;
  /** The one assertion, a direct child of the Response; undefined when the response carries none. */
  assertion: Element | undefined;
}

export function checkResponseStructure(doc: Document): ResponseStructure {
  const response = doc.documentElement;
  if (!is(response, NS.protocol, 'Response')) throw new SamlRefusal('SAML.MALFORMED', 'root is not samlp:Response');
  if (response.getAttribute('Version') !== '2.0') throw new SamlRefusal('SAML.VERSION_MISMATCH', 'response version');
  const elements = allElements(response);

  const wrapping = (why: string) => new SamlRefusal('SAML.SIGNATURE_WRAPPING', why);
  const assertions = elements.filter((e) => e.localName === 'Assertion' || e.localName === 'EncryptedAssertion');
  if (assertions.length > 1) throw wrapping('more than one assertion');
  if (elements.filter((e) => e.localName === 'Response').length > 1) throw wrapping('more than one Response');
  const [first] = assertions;
  if (first && first.parentNode !== response) throw wrapping('assertion is not a child of the Response');

  // We publish no encryption key (sp-metadata.ts), so nothing encrypted can be for us.
  if (elements.some((e) => e.namespaceURI === NS.xenc || (e.namespaceURI === NS.assertion && e.localName.startsWith('Encrypted')))) {
    throw new SamlRefusal('SAML.ENCRYPTED_UNSUPPORTED');
  }
  if (first && !is(first, NS.assertion, 'Assertion')) throw new SamlRefusal('SAML.MALFORMED', 'assertion of another namespace');
  const assertion = first;

  for (const e of elements) {
    const inAssertion = !!assertion && contains(assertion, e);
    if (e.namespaceURI === NS.assertion && !inAssertion && !(e.localName === 'Issuer' && e.parentNode === response)) {
      throw wrapping('SAML assertion content outside the assertion');
    }
    if (e.namespaceURI === NS.protocol && (inAssertion || !protocolPlace(e, response))) throw wrapping('protocol content out of place');
  }

  const ids = new Set<string>();
  for (const e of elements) {
    for (let i = 0; i < e.attributes.length; i++) {
      const a = e.attributes.item(i)!;
      if (!ID_ATTRIBUTES.has(a.localName ?? a.name)) continue;
      if (ids.has(a.value)) throw wrapping('two elements share an ID');
      ids.add(a.value);
    }
  }

  for (const signature of elements.filter((e) => is(e, NS.dsig, 'Signature'))) checkSignature(signature, response, assertion);

  checkSequence(response, RESPONSE, 'SAML.MALFORMED', 'Response');
  const status = child(response, NS.protocol, 'Status')!;
  checkSequence(status, STATUS, 'SAML.MALFORMED', 'Status');

  // Canonicalisation drops comments, so a comment spliced into a signed NameID
  // ("admin@trust<!---->.evil.example") leaves the signature valid while a
  // naive reader sees another name. Nothing legitimate puts comments there.
  if (assertion && allNodes(assertion).some((n) => n.nodeType === NODE.COMMENT_NODE || n.nodeType === NODE.PROCESSING_INSTRUCTION_NODE)) {
    throw new SamlRefusal('SAML.COMMENT_FORBIDDEN');
  }
  return { response, assertion };
}

/** Where protocol elements may be: the Response, its Status (codes nest), Extensions; not inside Extensions or StatusDetail. */
function protocolPlace(e: Element, response: Element): boolean {
  if (e === response) return true;
  const parent = e.parentNode as Element;
  if (parent === response) return e.localName === 'Status' || e.localName === 'Extensions';
  if (is(parent, NS.protocol, 'Status')) return ['StatusCode', 'StatusMessage', 'StatusDetail'].includes(e.localName);
  return is(parent, NS.protocol, 'StatusCode') && e.localName === 'StatusCode';
}

function checkSignature(signature: Element, response: Element, assertion: Element | undefined): void {
  const wrapping = (why: string) => new SamlRefusal('SAML.SIGNATURE_WRAPPING', why);
  const parent = signature.parentNode as Element;
  if (parent !== response && parent !== assertion) throw wrapping('signature outside the Response and the assertion');
  if (elementChildren(parent).filter((c) => is(c, NS.dsig, 'Signature')).length > 1) throw wrapping('two signatures on one element');

  const [signedInfo, signatureValue, keyInfo, ...more] = elementChildren(signature);
  if (
    !is(signedInfo, NS.dsig, 'SignedInfo') ||
    !is(signatureValue, NS.dsig, 'SignatureValue') ||
    (keyInfo && !is(keyInfo, NS.dsig, 'KeyInfo')) ||
    more.length
  ) {
    throw wrapping('signature carries more than SignedInfo, SignatureValue and KeyInfo (ds:Object)');
  }
  const [c14n, method, reference, ...otherRefs] = elementChildren(signedInfo);
  if (!is(c14n, NS.dsig, 'CanonicalizationMethod') || !is(method, NS.dsig, 'SignatureMethod') || !is(reference, NS.dsig, 'Reference')) {
    throw wrapping('SignedInfo is not CanonicalizationMethod, SignatureMethod, Reference');
  }
  if (otherRefs.length) throw wrapping('more than one Reference');
  if (!ACCEPTED_SIGNATURE_METHODS.has(method.getAttribute('Algorithm') ?? '')) throw new SamlRefusal('SAML.WEAK_ALGORITHM');
  if (!CANONICALISATIONS.has(c14n.getAttribute('Algorithm') ?? '') || !onlyInclusiveNamespaces(c14n)) {
    throw new SamlRefusal('SAML.SIGNATURE_INVALID', 'canonicalisation not accepted');
  }

  const id = parent.getAttribute('ID');
  if (!isNcName(id)) throw new SamlRefusal('SAML.MALFORMED', 'signed element ID is not an xs:ID');
  if (reference.getAttribute('URI') !== `#${id}`) throw wrapping('reference does not point at the signed element');
  const parts = elementChildren(reference);
  const transforms = is(parts[0], NS.dsig, 'Transforms') ? parts.shift() : undefined;
  const [digestMethod, digestValue, ...rest] = parts;
  if (!is(digestMethod, NS.dsig, 'DigestMethod') || !is(digestValue, NS.dsig, 'DigestValue') || rest.length) {
    throw wrapping('Reference is not Transforms, DigestMethod, DigestValue');
  }
  if (!ACCEPTED_DIGEST_METHODS.has(digestMethod.getAttribute('Algorithm') ?? '')) throw new SamlRefusal('SAML.WEAK_ALGORITHM');
  const list = transforms ? elementChildren(transforms) : [];
  if (list.length > 2) throw wrapping('more than two transforms');
  for (const t of list) {
    if (!is(t, NS.dsig, 'Transform') || !TRANSFORMS.has(t.getAttribute('Algorithm') ?? '') || !onlyInclusiveNamespaces(t)) {
      throw wrapping('a transform that could leave signed content out');
    }
  }
}

function onlyInclusiveNamespaces(el: Element): boolean {
  return hasOnlyElementContent(el) && elementChildren(el).every((c) => is(c, NS.excC14n, 'InclusiveNamespaces'));
}

// --- the schema's sequences, for the elements the checks read ---

interface Particle {
  ns: string;
  names: readonly string[];
  min: number;
  max: number;
}
const one = (ns: string, ...names: string[]): Particle => ({ ns, names, min: 1, max: 1 });
const optional = (ns: string, ...names: string[]): Particle => ({ ns, names, min: 0, max: 1 });
const many = (ns: string, min: number, ...names: string[]): Particle => ({ ns, names, min, max: Infinity });

const RESPONSE = [
  optional(NS.assertion, 'Issuer'),
  optional(NS.dsig, 'Signature'),
  optional(NS.protocol, 'Extensions'),
  one(NS.protocol, 'Status'),
  optional(NS.assertion, 'Assertion'),
];
const STATUS = [one(NS.protocol, 'StatusCode'), optional(NS.protocol, 'StatusMessage'), optional(NS.protocol, 'StatusDetail')];
export const ASSERTION = [
  one(NS.assertion, 'Issuer'),
  optional(NS.dsig, 'Signature'),
  optional(NS.assertion, 'Subject'),
  optional(NS.assertion, 'Conditions'),
  optional(NS.assertion, 'Advice'),
  many(NS.assertion, 0, 'Statement', 'AuthnStatement', 'AuthzDecisionStatement', 'AttributeStatement'),
];
export const SUBJECT = [optional(NS.assertion, 'BaseID', 'NameID', 'EncryptedID'), many(NS.assertion, 0, 'SubjectConfirmation')];
export const SUBJECT_CONFIRMATION = [
  optional(NS.assertion, 'BaseID', 'NameID', 'EncryptedID'),
  optional(NS.assertion, 'SubjectConfirmationData'),
];
export const AUDIENCE_RESTRICTION = [many(NS.assertion, 1, 'Audience')];
export const AUTHN_STATEMENT = [optional(NS.assertion, 'SubjectLocality'), one(NS.assertion, 'AuthnContext')];
export const ATTRIBUTE_STATEMENT = [many(NS.assertion, 1, 'Attribute', 'EncryptedAttribute')];
export const ATTRIBUTE = [many(NS.assertion, 0, 'AttributeValue')];

/** The element's children follow the sequence (whitespace and comments between them aside, no text). */
export function checkSequence(el: Element, sequence: readonly Particle[], code: SamlRefusalCode, what: string): void {
  const refuse = () => new SamlRefusal(code, `${what} does not follow the SAML schema`);
  if (!hasOnlyElementContent(el)) throw refuse();
  const kids = elementChildren(el);
  let i = 0;
  for (const p of sequence) {
    let n = 0;
    while (i < kids.length && n < p.max && kids[i]!.namespaceURI === p.ns && p.names.includes(kids[i]!.localName)) {
      i++;
      n++;
    }
    if (n < p.min) throw refuse();
  }
  if (i < kids.length) throw refuse();
}
