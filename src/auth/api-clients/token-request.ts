import { refuse } from './token.errors';

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const TOKEN_PATH = '/oauth2/token';
const MAX_ASSERTION_LENGTH = 8192;
const MAX_SCOPE_LENGTH = 1000;
// RFC 6749 §3.3 scope-token, space-separated.
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/;

export interface TokenRequest {
  clientAssertion: string;
  /** absent: every scope the client is registered for */
  scopes?: string[];
  /** optional in RFC 7523 §3; when sent it must equal the assertion's iss */
  clientId?: string;
}

/**
 * Checks the form of a token request (RFC 6749 §4.4 with RFC 7523 §2.2
 * client authentication), with the OAuth error each problem calls for. It
 * enforces everything the contract's TokenRequest schema says, so the OpenAPI
 * validator never has to refuse a form-encoded token request itself (its
 * problem would lack the `error` member OAuth clients read).
 */
export function parseTokenRequest(body: unknown): TokenRequest {
  const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  for (const name of ['grant_type', 'client_assertion_type', 'client_assertion', 'scope', 'client_id']) {
    if (form[name] !== undefined && typeof form[name] !== 'string') {
      throw refuse('invalid_request', 'REQUEST.MALFORMED', `${name} must be sent once, as a string.`);
    }
  }
  const f = form as Record<string, string | undefined>;
  if (!f.grant_type) throw refuse('invalid_request', 'REQUEST.MALFORMED', 'grant_type is required.');
  if (f.grant_type !== 'client_credentials') {
    throw refuse('unsupported_grant_type', 'GRANT_TYPE.UNSUPPORTED', 'Only grant_type=client_credentials is supported.');
  }
  if (!f.client_assertion_type || !f.client_assertion) {
    throw refuse(
      'invalid_request',
      'REQUEST.MALFORMED',
      `Authenticate with client_assertion_type=${JWT_BEARER_ASSERTION_TYPE} and a signed client_assertion.`,
    );
  }
  if (f.client_assertion_type !== JWT_BEARER_ASSERTION_TYPE) {
    throw refuse('invalid_request', 'ASSERTION_TYPE.UNSUPPORTED', `client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}.`);
  }
  if (f.client_assertion.length > MAX_ASSERTION_LENGTH) {
    throw refuse('invalid_request', 'REQUEST.MALFORMED', `client_assertion is longer than ${MAX_ASSERTION_LENGTH} characters.`);
  }
  let scopes: string[] | undefined;
  if (f.scope) {
    if (f.scope.length > MAX_SCOPE_LENGTH || !SCOPE.test(f.scope)) {
      throw refuse('invalid_scope', 'SCOPE.MALFORMED', 'scope must be a space-separated list of scope names.');
    }
    scopes = [...new Set(f.scope.split(' '))];
  }
  return { clientAssertion: f.client_assertion, scopes, clientId: f.client_id || undefined };
}

/**
 * The client a token request claims to be, unverified, for rate limiting per
 * client before any database work: the form's client_id, else the `iss` of the
 * client assertion's payload. Undefined when neither is readable.
 */
export function claimedClientId(body: unknown): string | undefined {
  const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof form.client_id === 'string' && form.client_id) return form.client_id.slice(0, 255);
  const assertion = form.client_assertion;
  if (typeof assertion !== 'string' || assertion.length > MAX_ASSERTION_LENGTH) return undefined;
  const payload = assertion.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    const iss = typeof claims === 'object' && claims !== null ? (claims as { iss?: unknown }).iss : undefined;
    return typeof iss === 'string' && iss ? iss.slice(0, 255) : undefined;
  } catch {
    return undefined;
  }
}
