import type { JWK, JWTPayload, ProtectedHeaderParameters } from 'jose' with { 'resolution-mode': 'import' };
import type { ApiClient } from './api-clients.repository';
import { CLOCK_TOLERANCE_S } from './access-tokens';
import { jose } from './jose';
import { refuse, type TokenRefusal } from './token.errors';

/**
 * Signature algorithms a client may sign its assertion with. Everything else
 * is refused before any key is touched: `none`, every HMAC (HS256 "signed"
 * with the client's public key as the secret is the classic confusion
 * attack), EdDSA and ES512 (not in the NHS API platform's list either).
 */
export const ASSERTION_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384'] as const;
export type AssertionAlgorithm = (typeof ASSERTION_ALGORITHMS)[number];

/** Longest an assertion may live (exp − iat, or exp − now), as in RFC 7523 practice and the NHS API platform. */
const MAX_ASSERTION_LIFETIME_S = 300;

const CLIENT_ID = /^[A-Za-z0-9._-]{8,128}$/;

interface VerifiedAssertion {
  client: ApiClient;
  jti: string;
  exp: number;
}

/**
 * RFC 7523 §3 checks of a private_key_jwt client assertion. The unverified
 * `iss` only picks the client whose keys are then used; nothing else is read
 * before the signature is verified, so the detailed reasons in the error
 * descriptions (wrong aud, expired…) are shown only to the key's holder.
 */
export async function verifyClientAssertion(
  assertion: string,
  opts: { tokenUrl: string; formClientId?: string; findClient: (clientId: string) => Promise<ApiClient | undefined> },
): Promise<VerifiedAssertion> {
  const { decodeProtectedHeader, decodeJwt, jwtVerify, errors } = await jose();

  let header: ProtectedHeaderParameters;
  let unverified: JWTPayload;
  try {
    header = decodeProtectedHeader(assertion);
    unverified = decodeJwt(assertion);
  } catch {
    throw refuse('invalid_client', 'ASSERTION.MALFORMED', 'client_assertion is not a signed JWT (JWS compact serialization).');
  }
  if (!isAllowedAlgorithm(header.alg)) {
    throw refuse(
      'invalid_client',
      'ASSERTION.ALG_NOT_ALLOWED',
      `The assertion's alg is not allowed; use one of ${ASSERTION_ALGORITHMS.join(', ')}.`,
    );
  }
  const clientId = unverified.iss;
  if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) {
    throw refuse('invalid_client', 'ASSERTION.ISS_INVALID', 'The assertion needs iss (and sub) set to your client_id.');
  }
  const claimed = { clientId };
  if (opts.formClientId !== undefined && opts.formClientId !== clientId) {
    throw refuse('invalid_client', 'ASSERTION.CLIENT_ID_MISMATCH', "client_id does not match the assertion's iss.").withClient(claimed);
  }

  const client = await opts.findClient(clientId);
  if (!client) throw refuse('invalid_client', 'CLIENT.UNKNOWN', 'The client is not registered or is disabled.').withClient(claimed);
  const known = { id: client.id, clientId };
  if (client.disabled) throw refuse('invalid_client', 'CLIENT.DISABLED', 'The client is not registered or is disabled.').withClient(known);

  const key = selectKey(client, header, header.alg);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, key, {
      algorithms: [...ASSERTION_ALGORITHMS],
      issuer: clientId,
      subject: clientId,
      audience: opts.tokenUrl,
      requiredClaims: ['exp', 'jti'],
      clockTolerance: CLOCK_TOLERANCE_S,
    }));
  } catch (err) {
    throw explain(err, errors, opts.tokenUrl).withClient(known);
  }

  const now = Math.floor(Date.now() / 1000);
  const { exp, iat, jti } = payload as { exp: number; iat?: number; jti: unknown };
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 255) {
    throw refuse('invalid_client', 'ASSERTION.JTI_MISSING', 'The assertion needs a unique jti (1 to 255 characters).').withClient(known);
  }
  if (iat !== undefined && iat > now + CLOCK_TOLERANCE_S) {
    throw refuse('invalid_client', 'ASSERTION.IAT_IN_FUTURE', "The assertion's iat is in the future; check your clock.").withClient(known);
  }
  const lifetime = iat !== undefined ? exp - iat : exp - now;
  if (lifetime > MAX_ASSERTION_LIFETIME_S || exp - now > MAX_ASSERTION_LIFETIME_S + CLOCK_TOLERANCE_S) {
    throw refuse(
      'invalid_client',
      'ASSERTION.TOO_LONG_LIVED',
      `The assertion may live at most ${MAX_ASSERTION_LIFETIME_S} seconds (exp − iat).`,
    ).withClient(known);
  }
  return { client, jti, exp };
}

export function isAllowedAlgorithm(alg: unknown): alg is AssertionAlgorithm {
  return typeof alg === 'string' && (ASSERTION_ALGORITHMS as readonly string[]).includes(alg);
}

/** RS* and PS* need an RSA key, ES256 a P-256 key, ES384 a P-384 key. */
export function algorithmFitsKey(alg: AssertionAlgorithm, key: Pick<JWK, 'kty' | 'crv'>): boolean {
  if (alg.startsWith('RS') || alg.startsWith('PS')) return key.kty === 'RSA';
  return key.kty === 'EC' && key.crv === (alg === 'ES256' ? 'P-256' : 'P-384');
}

/**
 * The registered key for this assertion: the one named by `kid`, or the only
 * key when the header names none. Its type must fit the algorithm, so an
 * RS256 signature is never checked against an EC key (or the reverse).
 */
function selectKey(client: ApiClient, header: ProtectedHeaderParameters, alg: AssertionAlgorithm): JWK {
  const known = { id: client.id, clientId: client.clientId };
  const keys = Array.isArray(client.jwks?.keys) ? client.jwks.keys : [];
  const candidates = header.kid !== undefined ? keys.filter((k) => k.kid === header.kid) : keys;
  if (candidates.length !== 1) {
    const why =
      header.kid !== undefined
        ? "No registered key has the assertion's kid."
        : 'Several keys are registered: name one with kid in the assertion header.';
    throw refuse('invalid_client', 'ASSERTION.KEY_NOT_FOUND', why).withClient(known);
  }
  const key = candidates[0]!;
  if (!algorithmFitsKey(alg, key) || (key.alg !== undefined && key.alg !== alg) || (key.use !== undefined && key.use !== 'sig')) {
    throw refuse('invalid_client', 'ASSERTION.KEY_MISMATCH', `The assertion's alg ${alg} does not match the registered key.`).withClient(
      known,
    );
  }
  return key;
}

type JoseErrors = Awaited<ReturnType<typeof jose>>['errors'];

function explain(err: unknown, errors: JoseErrors, tokenUrl: string): TokenRefusal {
  if (err instanceof errors.JWTExpired) return refuse('invalid_client', 'ASSERTION.EXPIRED', 'The assertion has expired.');
  if (err instanceof errors.JWTClaimValidationFailed) {
    switch (err.claim) {
      case 'aud':
        return refuse('invalid_client', 'ASSERTION.AUDIENCE', `The assertion's aud must be ${tokenUrl}.`);
      case 'sub':
        return refuse('invalid_client', 'ASSERTION.SUB_MISMATCH', "The assertion's sub must equal its iss (your client_id).");
      case 'exp':
        return refuse('invalid_client', 'ASSERTION.EXP_MISSING', 'The assertion needs an exp claim.');
      case 'jti':
        return refuse('invalid_client', 'ASSERTION.JTI_MISSING', 'The assertion needs a unique jti (1 to 255 characters).');
      case 'nbf':
        return refuse('invalid_client', 'ASSERTION.NOT_YET_VALID', 'The assertion is not valid yet (nbf); check your clock.');
      default:
        return refuse('invalid_client', 'ASSERTION.CLAIMS_INVALID', `The assertion's ${err.claim} claim is not valid.`);
    }
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) {
    return refuse('invalid_client', 'ASSERTION.SIGNATURE_INVALID', "The assertion's signature does not verify with the registered key.");
  }
  if (err instanceof errors.JWTInvalid && /exp|iat|nbf/.test(err.message)) {
    return refuse(
      'invalid_client',
      'ASSERTION.CLAIMS_INVALID',
      "The assertion's exp, iat and nbf must be numbers (seconds since the epoch).",
    );
  }
  if (err instanceof errors.JOSEError || err instanceof TypeError) {
    // Malformed JWS, an unusable registered key (import failure), crit headers…
    return refuse('invalid_client', 'ASSERTION.INVALID', 'The assertion could not be verified.');
  }
  throw err;
}
