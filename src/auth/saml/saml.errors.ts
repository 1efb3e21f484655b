import { AppError } from '../../platform/http/problem';

/**
 * Why a SAML login was refused. Stable codes: they appear in problem
 * documents, in the audit trail (`reason`) and in logs. Never personal data.
 */
export const SAML_REFUSALS = {
  'SAML.MALFORMED': 'The SAML response is missing or is not a well-formed SAML 2.0 response.',
  'SAML.LIMIT_EXCEEDED': 'The SAML response is larger, deeper or has more elements or attributes than any sign-in needs.',
  'SAML.DOCTYPE_FORBIDDEN': 'SAML messages with a document type declaration are refused.',
  'SAML.COMMENT_FORBIDDEN': 'SAML assertions containing XML comments, and SAML messages containing processing instructions, are refused.',
  'SAML.VERSION_MISMATCH': 'Only SAML 2.0 responses and assertions are accepted.',
  'SAML.WEAK_ALGORITHM': 'The response is signed or digested with an algorithm that is not accepted (SHA-1).',
  'SAML.SIGNATURE_INVALID': 'The response or its assertion is not signed by the identity provider.',
  'SAML.SIGNATURE_WRAPPING':
    'The response carries more than one assertion, or content its signature does not cover (an XML signature wrapping attack).',
  'SAML.ASSERTION_UNSIGNED': 'The assertion itself must be signed by the identity provider.',
  'SAML.ENCRYPTED_UNSUPPORTED':
    'Encrypted assertions, identifiers and attributes are not accepted (this service publishes no encryption key).',
  'SAML.NAMEID_INVALID':
    'The assertion does not name the person with an acceptable NameID (plain printable ASCII, at most 256 characters).',
  'SAML.SUBJECT_CONFIRMATION_INVALID':
    'The assertion has no bearer subject confirmation as the Web Browser SSO profile requires (Recipient and NotOnOrAfter, no NotBefore).',
  'SAML.CONDITIONS_INVALID': 'The assertion has conditions this service does not understand, or an impossible validity window.',
  'SAML.AUTHN_STATEMENT_INVALID': 'The assertion has no acceptable authentication statement.',
  'SAML.REPLAY': 'This assertion has already been used.',
  'SAML.IN_RESPONSE_TO': 'The response does not answer a sign-in request this service made (or the request has expired).',
  'SAML.AUDIENCE': 'The assertion is not addressed to this service.',
  'SAML.WRONG_DESTINATION': 'The response was sent to another destination.',
  'SAML.WRONG_RECIPIENT': 'The assertion was issued for another recipient.',
  'SAML.WRONG_ISSUER': 'The response was not issued by the identity provider it was sent for.',
  'SAML.EXPIRED': 'The assertion has expired.',
  'SAML.NOT_YET_VALID': 'The assertion is not valid yet.',
  'SAML.STATUS': 'The identity provider did not sign you in.',
  'SAML.NO_ROLE': 'Your identity provider did not give you any role in this service. Ask your organisation to grant one.',
  'SAML.USER_DISABLED': 'Your account in this service is disabled.',
  'SAML.INVALID': 'The SAML response could not be accepted.',
} as const;

export type SamlRefusalCode = keyof typeof SAML_REFUSALS;

/** A refused login: always 401, always audited with its code. */
export class SamlRefusal extends Error {
  readonly code: SamlRefusalCode;
  /** When the person is known (a verified assertion refused for their account): for the audit trail. */
  readonly userId?: string;

  constructor(code: SamlRefusalCode, internal?: string, userId?: string) {
    // `internal` is for the log only: ids and codes, never values from the assertion.
    super(internal ?? code);
    this.name = 'SamlRefusal';
    this.code = code;
    this.userId = userId;
  }

  toAppError(): AppError {
    return new AppError({ status: 401, code: this.code, title: 'Sign-in refused', detail: SAML_REFUSALS[this.code] });
  }
}

export const unknownIdp = () =>
  new AppError({ status: 404, code: 'SAML.UNKNOWN_IDP', title: 'Not found', detail: 'No such identity provider.' });

/**
 * node-saml reports failures as plain Errors with English messages; map the
 * ones we know to codes. Order matters (most specific first). Anything else
 * is SAML.INVALID: still a 401, never a 500.
 */
const NODE_SAML_MESSAGES: [RegExp, SamlRefusalCode][] = [
  [/InResponseTo/i, 'SAML.IN_RESPONSE_TO'],
  [/not yet valid/i, 'SAML.NOT_YET_VALID'],
  [/expired|too old|no valid subject confirmation/i, 'SAML.EXPIRED'],
  [/audience/i, 'SAML.AUDIENCE'],
  [/signature|signed data|transforms|ID cannot refer|Referenced node|ref URI|reference uri|multiple assertions/i, 'SAML.SIGNATURE_INVALID'],
  [/SAML provider returned/i, 'SAML.STATUS'],
  [/Missing SAML assertion|Unknown SAML response|not a valid|non-whitespace|unclosed|parse/i, 'SAML.MALFORMED'],
];

export function refusalFromNodeSaml(err: unknown): SamlRefusal {
  if (err instanceof SamlRefusal) return err;
  const message = err instanceof Error ? err.message : String(err);
  const match = NODE_SAML_MESSAGES.find(([re]) => re.test(message));
  // The library's message can quote values from the assertion (e.g. the audience it saw): keep only the code.
  return new SamlRefusal(
    match?.[1] ?? 'SAML.INVALID',
    `passport-saml refused the response (${err instanceof Error ? err.name : 'unknown'})`,
  );
}
