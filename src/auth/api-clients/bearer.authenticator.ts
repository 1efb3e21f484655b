import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import type { Authenticator } from '../../access/authorize';
import type { Principal } from '../../access/principal';
import { permissionsOf } from '../../access/roles';
import { auditStandalone } from '../../audit';
import { AppError } from '../../platform/http/problem';
import { routeTemplate } from '../../platform/http/request-context';
import { CLOCK_TOLERANCE_S, InvalidAccessToken, type AccessTokenClaims, type AccessTokens } from './access-tokens';
import { findEnabledClientById } from './api-clients.repository';

// RFC 6750 §2.1 b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** Tokens whose signature and claims have been verified, kept until they expire; at most this many. */
const VERIFIED_TOKENS_MAX = 5_000;

/**
 * Remembers tokens this process has verified, so a client presenting the same
 * token on every request pays for the ES256 verification once (it is the
 * largest CPU cost of authenticating a request). Equivalent to verifying each
 * time: the signing key, issuer and audience are fixed for the life of the
 * process, so a signature that verified once always verifies; the only check
 * that depends on the time, expiry, is repeated on every use exactly as jose
 * makes it (exp > now − tolerance), and an expired entry is dropped and the
 * token verified afresh (which then refuses it as TOKEN.EXPIRED). Only tokens
 * that verified are kept, so a caller cannot fill the cache without valid
 * tokens, and it is bounded (oldest first out). The client's enabled state and
 * scopes are not cached: they are read on every request.
 */
export function verifiedTokenCache(tokens: AccessTokens, max = VERIFIED_TOKENS_MAX): (token: string) => Promise<AccessTokenClaims> {
  const verified = new Map<string, AccessTokenClaims>();
  return async (token) => {
    const hit = verified.get(token);
    if (hit) {
      if (hit.exp > Math.floor(Date.now() / 1000) - CLOCK_TOLERANCE_S) return hit;
      verified.delete(token);
    }
    const claims = await tokens.verify(token);
    if (verified.size >= max) verified.delete(verified.keys().next().value!);
    verified.set(token, claims);
    return claims;
  };
}

/**
 * `Authorization: Bearer <access token>` from an agency system. Requests
 * without a bearer token are left to the other authenticators; a bearer token
 * that is malformed, forged, expired, or whose client has since been disabled
 * is refused with 401 and audited.
 *
 * The client is looked up on every request (one primary-key query, ~0.2 ms)
 * rather than cached: disabling a client then takes effect at once on every
 * instance, and the token's scopes are narrowed to what the client holds now.
 */
export function bearerAuthenticator(deps: { dataSource: DataSource; tokens: AccessTokens }): Authenticator {
  const { dataSource: ds } = deps;
  const verify = verifiedTokenCache(deps.tokens);

  async function refuse(req: Request, err: InvalidAccessToken): Promise<never> {
    await auditStandalone(ds, {
      action: 'auth.bearer',
      outcome: 'denied',
      reason: err.reason,
      actor: { type: 'anonymous', id: null, idpId: null },
      resourceType: err.clientId ? 'api_client' : undefined,
      resourceId: err.clientId,
      details: { method: req.method, route: routeTemplate(req) },
    });
    throw invalidToken(err.description);
  }

  return async (req) => {
    const header = req.get('authorization');
    if (!header || !/^bearer(\s|$)/i.test(header)) return undefined;
    const token = BEARER.exec(header)?.[1];
    if (!token) return refuse(req, new InvalidAccessToken('TOKEN.MALFORMED', 'The Authorization header must be "Bearer <access token>".'));

    let claims;
    try {
      claims = await verify(token);
    } catch (err) {
      if (err instanceof InvalidAccessToken) return refuse(req, err);
      throw err;
    }
    const client = await findEnabledClientById(ds, claims.sub);
    if (!client || client.clientId !== claims.client_id) {
      return refuse(req, new InvalidAccessToken('CLIENT.DISABLED', 'The client this token was issued to is disabled.', claims.sub));
    }
    // The token's scopes, less any since withdrawn from the client.
    const scopes = claims.scope.split(' ').filter((s) => client.scopes.includes(s));
    const principal: Principal = {
      kind: 'client',
      id: claims.sub,
      roles: ['hospital_system'],
      scopes,
      permissions: permissionsOf(['hospital_system'], scopes),
      agencyId: client.agencyId,
      panelIds: [],
    };
    return principal;
  };
}

/** RFC 6750 §3: 401 with the Bearer challenge and error="invalid_token". */
export function invalidToken(description: string): AppError {
  return new AppError({
    status: 401,
    code: 'AUTH.INVALID_TOKEN',
    title: 'Invalid access token',
    detail: description,
    headers: { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${description.replace(/["\\]/g, '')}"` },
  });
}
