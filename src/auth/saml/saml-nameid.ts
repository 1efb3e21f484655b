/**
 * What a NameID may contain. People are keyed by (IdP, NameID), so two
 * NameIDs that look the same must not name two people, and one shown to an
 * administrator must read as what it is.
 *
 * The decision: a NameID is an identifier, not a name. It is printable ASCII
 * (U+0021–U+007E) with at most single inner spaces, 1–256 characters (SAML
 * Core 8.3.7 caps persistent identifiers at 256). That refuses, by
 * construction rather than by list: leading and trailing whitespace, control
 * characters (C0, DEL, C1), invisible and bidirectional formatting
 * characters (zero-width, BOM, RLO, isolates), other spaces (no-break,
 * ideographic), compatibility forms (fullwidth), combining marks, and every
 * script but Latin, so no Cyrillic or Greek look-alike of an existing
 * identifier. The IdPs this service federates with (NHS CIS2, police) issue
 * ASCII identifiers; an IdP that needs others would need UTS #39 confusable
 * detection first.
 */

const NAMEID_MAX_CHARS = 256;

const FORMAT = {
  email: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  encrypted: 'urn:oasis:names:tc:SAML:2.0:nameid-format:encrypted',
} as const;

/** Printable ASCII, single inner spaces, no space at either end. */
const PLAIN_IDENTIFIER = /^[\x21-\x7E]+(?: [\x21-\x7E]+)*$/;
/** An addr-spec without quoting or spaces: the form NHS and police mail addresses take. */
const EMAIL = /^[^\s@"]+@[^\s@"]+\.[^\s@"]+$/;
/** A format is a URI: printable ASCII, no spaces. */
const URI_LIKE = /^[\x21-\x7E]{1,256}$/;

interface NameIdAttributes {
  format: string | null;
  nameQualifier: string | null;
  spNameQualifier: string | null;
}

/** Why this NameID is refused (for the log: never the value), or undefined when it is acceptable. */
export function nameIdProblem(
  value: string,
  a: NameIdAttributes,
  expected: { idpEntityId: string; spEntityId: string },
): string | undefined {
  if (value.length === 0) return 'empty';
  if (value.length > NAMEID_MAX_CHARS) return 'too long';
  if (!PLAIN_IDENTIFIER.test(value)) return 'not a plain printable-ASCII identifier';
  if (a.format !== null && !URI_LIKE.test(a.format)) return 'Format is not a URI';
  if (a.format === FORMAT.encrypted) return 'encrypted format without EncryptedID';
  if (a.format === FORMAT.email && !EMAIL.test(value)) return 'emailAddress format but not an address';
  if (a.format === FORMAT.persistent) {
    // Core 8.3.7: the qualifiers, when present, name the IdP that made the identifier and the SP it was made for.
    if (a.nameQualifier !== null && a.nameQualifier !== expected.idpEntityId) return 'NameQualifier names another IdP';
    if (a.spNameQualifier !== null && a.spNameQualifier !== expected.spEntityId) return 'SPNameQualifier names another SP';
  }
  return undefined;
}
