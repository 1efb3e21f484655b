import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ROLES, type Role } from '../../access/roles';
import { ConfigError } from '../../config';

/** Roles a person may hold; `hospital_system` belongs to machine clients only. */
export const PERSON_ROLES = ROLES.filter((r): r is Exclude<Role, 'hospital_system'> => r !== 'hospital_system');
export type PersonRole = (typeof PERSON_ROLES)[number];

/**
 * One identity provider we trust (an NHS or police IdP). Everything comes
 * from a local file: this machine has no internet and metadata is not
 * fetched at run time.
 */
export interface IdentityProvider {
  /** In our URLs: /auth/saml/{id}/login */
  id: string;
  displayName: string;
  /** The IdP's entity id: must be the Issuer of its responses and assertions. */
  entityId: string;
  ssoUrl: string;
  sloUrl?: string;
  /** PEM certificates whose keys may sign its responses (several during a rollover). */
  certs: string[];
  /** Which SAML attribute (its Name) carries each piece of information. */
  attributes: {
    roles: string;
    panelCodes?: string;
    agencyOdsCode?: string;
    displayName?: string;
    email?: string;
  };
  /** IdP attribute value → our roles. Values not listed give no role. */
  roleMap: ReadonlyMap<string, readonly PersonRole[]>;
  /** Also require the Response (not only the assertion) to be signed. */
  requireSignedResponse: boolean;
}

export interface IdpRegistry {
  get(id: string): IdentityProvider | undefined;
  list(): readonly IdentityProvider[];
}

const IDP_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

const attributeName = z.string().min(1).max(256);
const personRole = z.enum(PERSON_ROLES as [PersonRole, ...PersonRole[]]);

const idpSchema = z
  .object({
    id: z.string().regex(IDP_ID_PATTERN, 'must be 1-32 lower-case letters, digits or hyphens'),
    displayName: z.string().min(1).max(100),
    entityId: z.string().min(1).max(1024),
    ssoUrl: z.url({ protocol: /^https?$/ }),
    sloUrl: z.url({ protocol: /^https?$/ }).optional(),
    certs: z.array(z.string().min(1)).min(1, 'at least one certificate (PEM text or a file path)'),
    attributes: z
      .object({
        roles: attributeName,
        panelCodes: attributeName.optional(),
        agencyOdsCode: attributeName.optional(),
        displayName: attributeName.optional(),
        email: attributeName.optional(),
      })
      .strict(),
    roleMap: z.record(z.string().min(1).max(256), z.union([personRole, z.array(personRole).min(1)])),
    requireSignedResponse: z.boolean().default(false),
  })
  .strict();

const fileSchema = z.object({ identityProviders: z.array(idpSchema) }).strict();

export function createIdpRegistry(idps: readonly IdentityProvider[]): IdpRegistry {
  const byId = new Map<string, IdentityProvider>();
  for (const idp of idps) {
    if (byId.has(idp.id)) throw new ConfigError(`Invalid configuration:\n  SAML identity provider id "${idp.id}" is used twice`);
    byId.set(idp.id, idp);
  }
  const list = Object.freeze([...byId.values()]);
  return { get: (id) => byId.get(id), list: () => list };
}

/** Reads SAML_IDPS_FILE. Certificates may be inline PEM or paths relative to the file. */
export function loadIdpFile(file: string): IdentityProvider[] {
  const where = `SAML_IDPS_FILE (${file})`;
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`Invalid configuration:\n  ${where}: cannot be read as JSON (${(err as Error).message})`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${where}: ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data.identityProviders.map((raw, i) => ({
    id: raw.id,
    displayName: raw.displayName,
    entityId: raw.entityId,
    ssoUrl: raw.ssoUrl,
    sloUrl: raw.sloUrl,
    certs: raw.certs.map((c, j) => readCert(c, path.dirname(file), `${where}: identityProviders.${i}.certs.${j}`)),
    attributes: raw.attributes,
    roleMap: new Map(Object.entries(raw.roleMap).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])),
    requireSignedResponse: raw.requireSignedResponse,
  }));
}

function readCert(value: string, baseDir: string, where: string): string {
  let pem = value;
  if (!value.includes('-----BEGIN')) {
    try {
      pem = fs.readFileSync(path.resolve(baseDir, value), 'utf8');
    } catch {
      throw new ConfigError(`Invalid configuration:\n  ${where}: certificate file not found`);
    }
  }
  try {
    new crypto.X509Certificate(pem);
  } catch {
    throw new ConfigError(`Invalid configuration:\n  ${where}: not an X.509 certificate in PEM form`);
  }
  return pem.trim();
}
