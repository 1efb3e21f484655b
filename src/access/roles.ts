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

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** What each role may do. Row scoping (which panels, which agency) is applied separately, in repositories. */
export const ROLE_PERMISSIONS = {
  cdop_coordinator: [
    'self:read',
    'directory:read',
    'directory:write',
    'notifications:write',
    'notifications:read',
    'cases:read',
    'cases:write',
    'forms:read',
    'forms:write',
    'meetings:read',
    'meetings:write',
    'reviews:read',
    'reviews:write',
    'family:read',
    'family:write',
    'safeguarding-reviews:read',
    'safeguarding-reviews:write',
    'flags:read',
    'flags:write',
  ],
  panel_chair: [
    'self:read',
    'directory:read',
    'cases:read',
    'forms:read',
    'meetings:read',
    'reviews:read',
    'reviews:write',
    'reviews:sign-off',
    'safeguarding-reviews:read',
    'flags:read',
    'flags:dismiss',
  ],
  panel_member: ['self:read', 'directory:read', 'cases:read', 'forms:read', 'meetings:read', 'reviews:read', 'reviews:write', 'flags:read'],
  agency_contributor: ['self:read', 'directory:read', 'notifications:write', 'notifications:read', 'forms:read', 'forms:write'],
  // A system's token narrows this further to the scopes its client was granted.
  hospital_system: ['directory:read', 'notifications:write', 'notifications:read', 'forms:read', 'forms:write'],
  auditor: ['self:read', 'directory:read', 'audit:read'],
  // Administrators see only the unassigned queue of cases (row scoping), to route them to a panel; they keep the form templates.
  administrator: [
    'self:read',
    'directory:read',
    'directory:write',
    'users:read',
    'users:write',
    'cases:read',
    'cases:write',
    'forms:read',
    'form-templates:write',
    // The SCR flags of the queue's cases: a statutory clock may run while a case waits to be routed.
    'flags:read',
  ],
} as const satisfies Record<Role, readonly Permission[]>;

/** The scopes a machine client may be registered with: whatever the hospital_system role can do. */
export const CLIENT_SCOPES: readonly Permission[] = ROLE_PERMISSIONS.hospital_system;

export function permissionsOf(roles: readonly Role[], scopes?: readonly string[]): Set<Permission> {
  const all = new Set<Permission>(roles.flatMap((r) => ROLE_PERMISSIONS[r]));
  if (!scopes) return all;
  return new Set([...all].filter((p) => scopes.includes(p)));
}

/** What each role is for, in words (the development IdP's page, the start page). */
export const ROLE_DESCRIPTIONS = {
  cdop_coordinator:
    'CDOP coordinator: logs notifications, runs the cases of their panels (and sees who the child was), requests and chases agency forms, keeps the directory',
  panel_chair: "Panel chair: reviews their panels' cases, anonymised",
  panel_member: "Panel member: reviews their panels' cases, anonymised",
  agency_contributor:
    'Agency contributor: notifies deaths for their own agency, reads those notifications back, and completes the forms requested from their agency',
  hospital_system:
    'Hospital or agency system: notifies deaths for its agency, reads them back and submits the forms requested from it, machine to machine (OAuth client, never a person)',
  auditor: 'Auditor: searches and verifies the audit trail',
  administrator: 'Administrator: panels, agencies, users and form templates; routes cases from the unassigned queue',
} as const satisfies Record<Role, string>;
