import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { Authenticator } from '../../src/access/authorize';
import type { Principal } from '../../src/access/principal';
import { permissionsOf, type Role } from '../../src/access/roles';

/**
 * Test principals. Integration tests of a feature exercise its authorization
 * through this header-based authenticator; the authentication mechanisms
 * themselves (SAML sessions, client tokens) have suites of their own.
 */
const HEADER = 'x-test-principal';

export function principal(role: Role, over: Partial<Omit<Principal, 'permissions'>> = {}): Principal {
  const roles = over.roles ?? [role];
  return {
    kind: role === 'hospital_system' ? 'client' : 'user',
    id: over.id ?? randomUUID(),
    roles,
    permissions: permissionsOf(roles),
    panelIds: over.panelIds ?? [],
    agencyId: over.agencyId ?? null,
  };
}

export function as(p: Principal): Record<string, string> {
  return { [HEADER]: Buffer.from(JSON.stringify({ ...p, permissions: [...p.permissions] })).toString('base64url') };
}

export const testAuthenticator: Authenticator = async (req: Request) => {
  const raw = req.get(HEADER);
  if (!raw) return undefined;
  const p = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Principal & { permissions: string[] };
  return { ...p, permissions: permissionsOf(p.roles) };
};
