import { DOMParser } from '@xmldom/xmldom';
import sax from 'sax';
import { SamlRefusal } from './saml.errors';

/**
 * Reading a SAMLResponse safely: decoding, a streaming pass that bounds the
 * document before any DOM is built, the parse itself, and small DOM helpers
 * (xmldom has no querySelector). Every step is linear in the input and none
 * recurses, so no document can exhaust the stack or hold a CPU for long.
 */

/**
 * Bounds on a response. A real one (NHS, police IdPs) is 5–20 KB, nests about
 * 8 deep and has a few hundred elements; these leave room for long attribute
 * lists and still stop a document built to exhaust a parser at the first pass.
 */
export const XML_LIMITS = {
  /** base64 characters of SAMLResponse (about 192 KB of XML) */
  responseChars: 256 * 1024,
  depth: 32,
  elements: 5_000,
  attributesPerElement: 32,
  /** characters of an element or attribute name */
  nameChars: 256,
} as const;

export const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
  xenc: 'http://www.w3.org/2001/04/xmlenc#',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
} as const;

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const PROCESSING_INSTRUCTION_NODE = 7;
const COMMENT_NODE = 8;
const DOCUMENT_TYPE_NODE = 10;
export const NODE = { ELEMENT_NODE, TEXT_NODE, CDATA_SECTION_NODE, PROCESSING_INSTRUCTION_NODE, COMMENT_NODE } as const;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Step 1, before any parser sees the bytes: the form value, its size, base64, UTF-8, and no DTD at all. */
export function decodeSamlResponse(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw new SamlRefusal('SAML.MALFORMED', 'SAMLResponse missing');
  if (value.length > XML_LIMITS.responseChars) throw new SamlRefusal('SAML.LIMIT_EXCEEDED', 'SAMLResponse too large');
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw new SamlRefusal('SAML.MALFORMED', 'SAMLResponse is not base64');
  let xml: string;
  try {
    // UTF-8 only (SAML bindings 3.5.4): UTF-16 and invalid bytes are refused, not guessed at. A BOM is dropped.
    xml = utf8.decode(Buffer.from(compact, 'base64'));
  } catch {
    throw new SamlRefusal('SAML.MALFORMED', 'SAMLResponse is not UTF-8');
  }
  // A DTD can declare entities (billion laughs, external entities): refuse any, in any case or spacing.
  if (/<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i.test(xml)) throw new SamlRefusal('SAML.DOCTYPE_FORBIDDEN');
  return xml;
}

/**
 * Step 2, a streaming pass (sax, strict) before the DOM parse: well-formed,
 * within XML_LIMITS, no DTD, no processing instruction, and an XML
 * declaration (if any) that says 1.0 and UTF-8. It stops at the first
 * problem, so the cost of a hostile document is bounded by the limits.
 */
export function scanXml(xml: string): void {
  const parser = sax.parser(true, { xmlns: false, position: false });
  let depth = 0;
  let elements = 0;
  let attributes = 0;
  let roots = 0;
  let sawAnything = false;
  const limit = (what: string) => new SamlRefusal('SAML.LIMIT_EXCEEDED', `XML ${what} over the limit`);

  parser.onopentagstart = (tag) => {
    sawAnything = true;
    if (depth === 0 && ++roots > 1) throw new SamlRefusal('SAML.MALFORMED', 'more than one root element');
    if (++elements > XML_LIMITS.elements) throw limit('element count');
    if (++depth > XML_LIMITS.depth) throw limit('depth');
    if (tag.name.length > XML_LIMITS.nameChars) throw limit('name length');
    attributes = 0;
  };
  parser.onattribute = (attr) => {
    if (++attributes > XML_LIMITS.attributesPerElement) throw limit('attribute count');
    if (attr.name.length > XML_LIMITS.nameChars) throw limit('name length');
  };
  parser.onclosetag = () => {
    depth--;
  };
  parser.ontext = (t) => {
    if (t.trim()) sawAnything = true;
  };
  parser.oncomment = () => {
    sawAnything = true;
  };
  parser.ondoctype = () => {
    throw new SamlRefusal('SAML.DOCTYPE_FORBIDDEN');
  };
  parser.onsgmldeclaration = () => {
    throw new SamlRefusal('SAML.DOCTYPE_FORBIDDEN');
  };
  parser.onprocessinginstruction = (pi) => {
    if (pi.name === 'xml' && !sawAnything) {
      sawAnything = true;
      return checkXmlDeclaration(pi.body);
    }
    // Nothing in SAML uses them; xml-stylesheet and the like are refused as comments are.
    throw new SamlRefusal('SAML.COMMENT_FORBIDDEN', 'processing instruction');
  };
  parser.onerror = () => {
    throw new SamlRefusal('SAML.MALFORMED', 'not well-formed XML');
  };
  try {
    parser.write(xml).close();
  } catch (err) {
    if (err instanceof SamlRefusal) throw err;
    throw new SamlRefusal('SAML.MALFORMED', 'not well-formed XML');
  }
  if (roots === 0) throw new SamlRefusal('SAML.MALFORMED', 'no root element');
}

function checkXmlDeclaration(body: string): void {
  const version = /\bversion\s*=\s*(["'])([^"']*)\1/.exec(body)?.[2];
  const encoding = /\bencoding\s*=\s*(["'])([^"']*)\1/.exec(body)?.[2];
  if (version !== '1.0') throw new SamlRefusal('SAML.MALFORMED', 'XML version other than 1.0');
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) throw new SamlRefusal('SAML.MALFORMED', 'XML encoding other than UTF-8');
}

/** Step 3: the DOM, after scanXml bounded it. */
export function parseXml(xml: string): Document {
  let failed = false;
  const fail = () => {
    failed = true;
  };
  const doc = new DOMParser({ errorHandler: { warning: () => undefined, error: fail, fatalError: fail } }).parseFromString(xml, 'text/xml');
  if (failed || !doc?.documentElement) throw new SamlRefusal('SAML.MALFORMED', 'not well-formed XML');
  for (let n = doc.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === DOCUMENT_TYPE_NODE) throw new SamlRefusal('SAML.DOCTYPE_FORBIDDEN');
  }
  return doc;
}

/**
 * Characters XML 1.0 does not allow (its Char production). sax refuses them
 * as references (&#0;); written raw, xmldom keeps them: NUL cannot be stored
 * in PostgreSQL text, and none has a place in a SAML message.
 */
/* eslint-disable no-control-regex -- matching control characters is the point */
export const NON_XML_CHAR =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/* eslint-enable no-control-regex */

// --- small DOM helpers ---

export function is(n: Node | null | undefined, ns: string, localName: string): n is Element {
  return !!n && n.nodeType === ELEMENT_NODE && (n as Element).namespaceURI === ns && (n as Element).localName === localName;
}

export function elementChildren(parent: Element): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) if (n.nodeType === ELEMENT_NODE) out.push(n as Element);
  return out;
}

export function children(parent: Element | null | undefined, ns: string, localName: string): Element[] {
  return parent ? elementChildren(parent).filter((c) => is(c, ns, localName)) : [];
}

export function child(parent: Element | null | undefined, ns: string, localName: string): Element | undefined {
  return children(parent, ns, localName)[0];
}

/** Every node under root (root included), in document order, without recursion. */
export function allNodes(root: Node): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    out.push(n);
    for (let c = n.lastChild; c; c = c.previousSibling) stack.push(c);
  }
  return out;
}

export function allElements(root: Element): Element[] {
  return allNodes(root).filter((n): n is Element => n.nodeType === ELEMENT_NODE);
}

export function contains(ancestor: Node, node: Node): boolean {
  for (let n: Node | null = node; n; n = n.parentNode) if (n === ancestor) return true;
  return false;
}

/** The attribute's value, or null when absent (xmldom's getAttribute answers '' for an absent attribute). */
export function attr(el: Element, name: string): string | null {
  return el.hasAttribute(name) ? el.getAttribute(name) : null;
}

export function text(el: Element): string {
  return el.textContent ?? '';
}

/** Element-only content: whitespace between elements, comments; no text. */
export function hasOnlyElementContent(el: Element): boolean {
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if ((n.nodeType === TEXT_NODE || n.nodeType === CDATA_SECTION_NODE) && (n.nodeValue ?? '').trim() !== '') return false;
  }
  return true;
}

/** xs:NCName, the lexical space of xs:ID (what SAML's ID and InResponseTo are). */
export function isNcName(value: string | null): value is string {
  return !!value && value.length <= 256 && /^[A-Za-z_][\w.-]*$/.test(value);
}
