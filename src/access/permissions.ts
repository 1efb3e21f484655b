/**
 * The one permission vocabulary. Every operation in the OpenAPI contract names
 * one of these in `x-permission`; a contract test proves the two agree.
 */
export const PERMISSIONS = [
  'directory:read',
  'directory:write',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}
