/**
 * The one permission vocabulary. Every operation in the OpenAPI contract names
 * one of these in `x-permission`; a contract test proves the two agree.
 * Machine clients' OAuth scopes use the same names.
 */
export const PERMISSIONS = [
  'self:read',
  'directory:read',
  'directory:write',
  'users:read',
  'users:write',
  'audit:read',
  'notifications:write',
  'notifications:read',
  'cases:read',
  'cases:write',
  'forms:read',
  'forms:write',
  'form-templates:write',
  'meetings:read',
  'meetings:write',
  'reviews:read',
  'reviews:write',
  'family:read',
  'family:write',
  'reviews:sign-off',
  'safeguarding-reviews:read',
  'safeguarding-reviews:write',
  'flags:read',
  'flags:write',
  'flags:dismiss',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}
