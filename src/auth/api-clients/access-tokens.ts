import { randomUUID } from 'node:crypto';
import type { JWTPayload } from 'jose' with { 'resolution-mode': 'import' };
import { jose } from './jose';
import type { AccessTokenKeys } from './signing-keys';

/** The `aud` of every access token: this API, whatever URL it is reached by. */
const ACCESS_TOKEN_AUDIENCE = 'cdop-api';
/** RFC 9068 JWT access-token type; a JWT of any other `typ` is never accepted as an access token. */
const ACCESS_TOKEN_TYP = 'at+jwt';
/** Clock skew allowed between us and other instances or clients. */
export const CLOCK_TOLERANCE_S = 60;

export interface IssuedAccessToken {
  token: string;
  /** the token's `jti`: not a secret, recorded in the audit trail to correlate its use */
  tokenId: string;
  expiresIn: number;
}

export interface AccessTokenClaims {
  /** api_clients.id */
  sub: string;
  client_id: string;
  agency_id: string;
  scope: string;
  jti: string;
  iat: number;
  exp: number;
}

/** Why a bearer token was refused; an audit reason, never shown with the token. */
export class InvalidAccessToken extends Error {
  constructor(
    readonly reason: string,
    readonly description: string,
    /** api_clients.id, when the signature was good (e.g. expired or the client disabled) */
    readonly clientId?: string,
  ) {
    super(description);
    this.name = 'InvalidAccessToken';
  }
}

export interface AccessTokens {
  issue(client: { id: string; clientId: string; agencyId: string }, scopes: readonly string[]): Promise<IssuedAccessToken>;
  verify(token: string): Promise<AccessTokenClaims>;
}

/** Short-lived ES256 JWT access tokens (RFC 9068 shape) signed with the service's own key. */
export function createAccessTokens(opts: { keys: AccessTokenKeys; issuer: string; ttlS: number }): AccessTokens {
  const { keys, issuer, ttlS } = opts;
  return {
    async issue(client, scopes) {
      const { SignJWT } = await jose();
      const tokenId = randomUUID();
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ client_id: client.clientId, agency_id: client.agencyId, scope: scopes.join(' ') })
        .setProtectedHeader({ alg: 'ES256', typ: ACCESS_TOKEN_TYP, kid: keys.kid })
        .setIssuer(issuer)
        .setAudience(ACCESS_TOKEN_AUDIENCE)
        .setSubject(client.id)
        .setJti(tokenId)
        .setIssuedAt(now)
        .setExpirationTime(now + ttlS)
        .sign(keys.privateKey);
      return { token, tokenId, expiresIn: ttlS };
    },

    async verify(token) {
      const { jwtVerify, errors } = await jose();
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys.publicKey, {
          algorithms: ['ES256'],
          issuer,
          audience: ACCESS_TOKEN_AUDIENCE,
          typ: ACCESS_TOKEN_TYP,
          requiredClaims: ['sub', 'jti', 'iat', 'exp'],
          clockTolerance: CLOCK_TOLERANCE_S,
        }));
      } catch (err) {
        if (err instanceof errors.JWTExpired) {
          throw new InvalidAccessToken('TOKEN.EXPIRED', 'The access token has expired.', uuidClaim(err.payload.sub));
        }
        if (err instanceof errors.JWTClaimValidationFailed) {
          throw new InvalidAccessToken('TOKEN.CLAIMS_INVALID', 'The access token was not issued for this API.');
        }
        if (err instanceof errors.JOSEAlgNotAllowed)
          throw new InvalidAccessToken('TOKEN.ALG_NOT_ALLOWED', 'The access token is not valid.');
        if (err instanceof errors.JWSSignatureVerificationFailed)
          throw new InvalidAccessToken('TOKEN.SIGNATURE_INVALID', 'The access token is not valid.');
        if (err instanceof errors.JOSEError) throw new InvalidAccessToken('TOKEN.MALFORMED', 'The access token is not valid.');
        throw err;
      }
      const { sub, jti, iat, exp, client_id, agency_id, scope } = payload;
      if (
        typeof client_id !== 'string' ||
        typeof agency_id !== 'string' ||
        typeof scope !== 'string' ||
        !uuidClaim(sub) ||
        typeof jti !== 'string' ||
        typeof iat !== 'number' ||
        typeof exp !== 'number'
      ) {
        throw new InvalidAccessToken('TOKEN.CLAIMS_INVALID', 'The access token was not issued for this API.');
      }
      return { sub: sub as string, jti, iat, exp, client_id, agency_id, scope };
    },
  };
}

/** A uuid claim (api_clients.id), or undefined. */
function uuidClaim(v: unknown): string | undefined {
  return typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v) ? v : undefined;
}
