import type { Permission } from './permissions';

export const ROLES = [
  'cdop_coordinator',
  'panel_chair',
  'panel_member',
  'agency_contributor',
  'hospital_system',
  'auditor',
  'administrator',
] as const;

export type Role = (typeof ROLES)[number];

/** What each role may do. Row scoping (which panels, which agency) is applied separately, in repositories. */
export const ROLE_PERMISSIONS = {
  cdop_coordinator: ['directory:read', 'directory:write'],
  panel_chair: ['directory:read'],
  panel_member: ['directory:read'],
  agency_contributor: ['directory:read'],
  hospital_system: ['directory:read'],
  auditor: ['directory:read'],
  administrator: ['directory:read', 'directory:write'],
} as const satisfies Record<Role, readonly Permission[]>;

export function permissionsOf(roles: readonly Role[]): Set<Permission> {
  return new Set(roles.flatMap((r) => ROLE_PERMISSIONS[r]));
}
