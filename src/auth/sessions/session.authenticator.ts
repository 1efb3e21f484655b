import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import type { Authenticator } from '../../access/authorize';
import type { Principal } from '../../access/principal';
import { isRole, permissionsOf, type Role } from '../../access/roles';
import type { Config } from '../../config';
import { forbidden } from '../../platform/http/problem';
import { endSession } from './session.middleware';
import './session.types';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface SessionUserRow {
  id: string;
  idpId: string;
  displayName: string | null;
  roles: string[];
  panelIds: string[];
  agencyId: string | null;
  disabledAt: Date | null;
}

/**
 * The person behind a session cookie, rebuilt from the users row on every
 * request: a role removed at the IdP's next login, or an account disabled by
 * an administrator, takes effect at once. A session past its absolute
 * timeout, or of a disabled or deleted user, is ended and the request
 * continues unauthenticated (401 wherever a permission is needed).
 *
 * CSRF: a session is carried by the browser automatically, so a state-changing
 * request authenticated by it must also send the session's token in
 * X-CSRF-Token (403 AUTH.CSRF). A request with an Authorization header is not
 * authenticated by the session at all (bearer tokens are not sent by browsers
 * on their own), so it needs no token.
 */
export function sessionAuthenticator(deps: { config: Config; dataSource: DataSource }): Authenticator {
  const absoluteMs = deps.config.session.absoluteTimeoutH * 3_600_000;
  return async (req: Request): Promise<Principal | undefined> => {
    const s = req.session;
    if (!s?.userId) return undefined;
    if (req.headers.authorization !== undefined) return undefined;
    // The SAML endpoints authenticate by the SAML message itself; a sign-in replaces the session anyway.
    if (req.path.startsWith('/auth/saml/')) return undefined;

    if (typeof s.createdAt !== 'number' || Date.now() - s.createdAt >= absoluteMs || !UUID.test(s.userId)) {
      await endSession(req);
      return undefined;
    }
    const rows: SessionUserRow[] = await deps.dataSource.query(
      `SELECT id, idp_id AS "idpId", display_name AS "displayName", roles, panel_ids AS "panelIds", agency_id AS "agencyId", disabled_at AS "disabledAt"
         FROM users WHERE id = $1`,
      [s.userId],
    );
    const user = rows[0];
    if (!user || user.disabledAt || user.idpId !== s.idpId) {
      await endSession(req);
      return undefined;
    }
    if (UNSAFE_METHODS.has(req.method) && !sameToken(req.get('x-csrf-token'), s.csrfToken)) {
      throw forbidden('State-changing requests made with a session must send its CSRF token in the X-CSRF-Token header.', 'AUTH.CSRF');
    }
    const roles = user.roles.filter((r): r is Role => isRole(r) && r !== 'hospital_system');
    return {
      kind: 'user',
      id: user.id,
      roles,
      permissions: permissionsOf(roles),
      panelIds: user.panelIds,
      agencyId: user.agencyId,
      idpId: user.idpId,
      displayName: user.displayName,
    };
  };
}

function sameToken(sent: string | undefined, expected: string | undefined): boolean {
  if (!sent || !expected) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The CSRF token of the session that authenticated this request (for /v1/me
 * to hand to the browser), or undefined when the caller is not signed in by
 * a session.
 */
export function sessionCsrfToken(req: Request): string | undefined {
  const p = req.ctx?.principal as Principal | undefined;
  const s = req.session;
  if (!p || p.kind !== 'user' || !s?.userId || s.userId !== p.id) return undefined;
  return s.csrfToken;
}
