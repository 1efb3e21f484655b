import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import type { Authenticator } from '../../access/authorize';
import type { Principal } from '../../access/principal';
import { permissionsOf } from '../../access/roles';
import { auditStandalone } from '../../audit';
import { AppError } from '../../platform/http/problem';
import { routeTemplate } from '../../platform/http/request-context';
import { CLOCK_TOLERANCE_S, InvalidAccessToken, type AccessTokenClaims, type AccessTokens } from './access-tokens';
import { findEnabledClientById, type EnabledClient } from './api-clients.repository';
import { clientCache, type ClientCache } from './client-cache';

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
 * scopes are not part of it: they are checked on every request (see below).
 */
function verifiedTokenCache(tokens: AccessTokens, max = VERIFIED_TOKENS_MAX): (token: string) => Promise<AccessTokenClaims> {
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

export type FindEnabledClient = (ds: DataSource, id: string) => Promise<EnabledClient | undefined>;

interface BearerAuthenticatorDeps {
  dataSource: DataSource;
  tokens: AccessTokens;
  /**
   * The client lookups, kept exact by api_clients change notifications (see
   * index.ts, which feeds it). Absent: a cache that is never usable, so every
   * request looks the client up.
   */
  clients?: ClientCache<EnabledClient | undefined>;
  /** Tests: count the lookups. */
  findClient?: FindEnabledClient;
}

/**
 * `Authorization: Bearer <access token>` from an agency system. Requests
 * without a bearer token are left to the other authenticators; a bearer token
 * that is malformed, forged, expired, or whose client has since been disabled
 * is refused with 401 and audited.
 *
 * Every request checks that the token's client is still enabled and narrows
 * the token's scopes to what the client holds now, but the client's row is not
 * read every time: each instance caches the lookup (enabled with its scopes, or
 * not enabled) by client id, and PostgreSQL says when to forget it. A trigger
 * on api_clients NOTIFYs `api_clients_changed` with the id of every inserted,
 * updated or deleted row, whoever makes the change (the service, `npm run
 * client:create -- --disable`, an operator's own SQL), and each instance's
 * listener evicts that id. Disabling a client therefore still takes effect at
 * once on every instance:
 * - a notification is delivered only after the disabling transaction has
 *   committed (and only once the commit is visible to new queries), so the
 *   lookup that follows the eviction reads the disabled row; a lookup already
 *   under way when a notification arrives may have read the row before the
 *   commit, so its result is used for its own request but not kept;
 * - a request that read the cache just before the notification arrived is
 *   still served, exactly as a request that read the row just before the
 *   commit was without the cache. The only difference is how long the
 *   notification takes to travel from PostgreSQL to the instance;
 * - the cache is used only while the listener is connected and LISTENing: it is
 *   emptied when the connection is lost and again once LISTEN is back in place,
 *   and in between every request reads the row as before. A connection that
 *   fails without a word (half-open TCP) is caught by the listener's heartbeat
 *   within a few seconds (src/platform/db/listener.ts);
 * - as a last bound, entries are dropped after 60 s, and at most 10 000 are
 *   kept (oldest first out).
 */
export function bearerAuthenticator(deps: BearerAuthenticatorDeps): Authenticator {
  const { dataSource: ds } = deps;
  const verify = verifiedTokenCache(deps.tokens);
  const clients = deps.clients ?? clientCache<EnabledClient | undefined>();
  const findClient = deps.findClient ?? findEnabledClientById;

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
    const client = await clients.get(claims.sub, () => findClient(ds, claims.sub));
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
function invalidToken(description: string): AppError {
  return new AppError({
    status: 401,
    code: 'AUTH.INVALID_TOKEN',
    title: 'Invalid access token',
    detail: description,
    headers: { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${description.replace(/["\\]/g, '')}"` },
  });
}
