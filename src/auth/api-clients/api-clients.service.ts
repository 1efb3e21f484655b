import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { JWK, JSONWebKeySet } from 'jose' with { 'resolution-mode': 'import' };
import { CLIENT_SCOPES } from '../../access/roles';
import { audit } from '../../audit';
import { inTransaction } from '../../platform/db/transaction';
import { createDirectoryService } from '../../modules/directory';
import * as clients from './api-clients.repository';
import { algorithmFitsKey, ASSERTION_ALGORITHMS, isAllowedAlgorithm, type AssertionAlgorithm } from './client-assertion';
import { jose } from './jose';

/** A registration refused for a reason the operator can fix (printed as is). */
export class RegistrationError extends Error {
  override name = 'RegistrationError';
}

interface RegisterClientInput {
  /** the agency's id (uuid) or ODS code */
  agency: string;
  scopes: readonly string[];
  name: string;
  /** the hospital's own public JWKS (better: its private key never leaves it); absent: a key pair is generated here */
  jwks?: unknown;
}

export interface RegisteredClient {
  id: string;
  clientId: string;
  name: string;
  agency: { id: string; name: string; odsCode: string | null };
  scopes: string[];
  /** what is stored: public keys only */
  jwks: JSONWebKeySet;
  /** the signing algorithm the example uses */
  alg: AssertionAlgorithm;
  kid: string;
  /** only when the key pair was generated here: shown once, never stored */
  privateKey?: { pkcs8Pem: string; jwk: JWK };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ODS_CODE = /^[A-Z0-9]{3,10}$/;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const MAX_KEYS = 10;

/**
 * Registers an agency system as an OAuth client (what `npm run client:create`
 * does). Stores only public keys. When no JWKS is given, generates an EC
 * P-256 key pair and returns the private key once.
 */
export async function registerClient(ds: DataSource, input: RegisterClientInput): Promise<RegisteredClient> {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 200) throw new RegistrationError('--name must be 1 to 200 characters');
  const scopes = [...new Set(input.scopes)];
  const unknown = scopes.filter((s) => !(CLIENT_SCOPES as readonly string[]).includes(s));
  if (!scopes.length || unknown.length) {
    throw new RegistrationError(
      `--scopes must list one or more of: ${CLIENT_SCOPES.join(', ')}${unknown.length ? ` (not allowed: ${unknown.join(', ')})` : ''}`,
    );
  }
  const agency = await findAgency(ds, input.agency);

  let jwks: JSONWebKeySet;
  let privateKey: RegisteredClient['privateKey'];
  if (input.jwks === undefined) {
    ({ jwks, privateKey } = await generateEs256Key());
  } else {
    jwks = await validatePublicJwks(input.jwks);
  }
  const first = jwks.keys[0]!;

  const clientId = `${(agency.odsCode ?? 'agency').toLowerCase()}-${randomBytes(10).toString('hex')}`;
  const client = await inTransaction(ds, async (tx) => {
    const c = await clients.insertClient(tx, { clientId, name, agencyId: agency.id, scopes, jwks });
    await audit(tx, {
      action: 'auth.client.register',
      actor: { type: 'system', id: null, idpId: null },
      resourceType: 'api_client',
      resourceId: c.id,
      details: { clientId, agencyId: agency.id, scopes, keys: jwks.keys.length, keyGenerated: Boolean(privateKey) },
    });
    return c;
  });
  return {
    id: client.id,
    clientId,
    name,
    agency,
    scopes,
    jwks,
    alg: algorithmFor(first),
    kid: first.kid!,
    privateKey,
  };
}

/** Disables a client: its next token request and every request with a token it already holds are refused. */
export async function disableClient(ds: DataSource, clientId: string): Promise<boolean> {
  return inTransaction(ds, async (tx) => {
    const id = await clients.disableClient(tx, clientId);
    if (!id) return false;
    await audit(tx, {
      action: 'auth.client.disable',
      actor: { type: 'system', id: null, idpId: null },
      resourceType: 'api_client',
      resourceId: id,
      details: { clientId },
    });
    return true;
  });
}

async function findAgency(ds: DataSource, ref: string): Promise<RegisteredClient['agency']> {
  const directory = createDirectoryService(ds);
  const value = ref.trim();
  let agency;
  if (UUID.test(value)) {
    agency = await directory.getAgency(value).catch(() => undefined);
  } else if (ODS_CODE.test(value.toUpperCase())) {
    agency = (await directory.listAgencies({ odsCode: value.toUpperCase(), limit: 1 })).items[0];
  } else {
    throw new RegistrationError('--agency must be an agency id (uuid) or an ODS code');
  }
  if (!agency) throw new RegistrationError(`no agency ${value} in the directory: add it first (POST /v1/agencies)`);
  if (!agency.active) throw new RegistrationError(`agency ${value} is inactive`);
  return { id: agency.id, name: agency.name, odsCode: agency.odsCode };
}

async function generateEs256Key(): Promise<{ jwks: JSONWebKeySet; privateKey: NonNullable<RegisteredClient['privateKey']> }> {
  const { calculateJwkThumbprint } = await jose();
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pub = pair.publicKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint(pub);
  const meta = { kid, alg: 'ES256', use: 'sig' };
  return {
    jwks: { keys: [{ ...pub, ...meta }] },
    privateKey: {
      pkcs8Pem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      jwk: { ...(pair.privateKey.export({ format: 'jwk' }) as JWK), ...meta },
    },
  };
}

/**
 * A hospital's own JWKS: public RSA (≥ 2048 bits) or EC P-256/P-384 signing
 * keys only. Keys without a kid get their RFC 7638 thumbprint; only the
 * public members are kept.
 */
export async function validatePublicJwks(input: unknown): Promise<JSONWebKeySet> {
  const { importJWK, calculateJwkThumbprint } = await jose();
  const keys = (input as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length < 1 || keys.length > MAX_KEYS) {
    throw new RegistrationError(`the JWKS must be {"keys": [...]} with 1 to ${MAX_KEYS} public keys`);
  }
  const out: JWK[] = [];
  for (const [i, raw] of keys.entries()) {
    const k = raw as JWK;
    const where = `key ${i + 1}${typeof k?.kid === 'string' ? ` (kid ${k.kid})` : ''}`;
    if (typeof k !== 'object' || k === null) throw new RegistrationError(`${where} is not a JWK`);
    if (PRIVATE_MEMBERS.some((m) => m in k)) {
      throw new RegistrationError(
        `${where} contains private key material: send only the public JWKS, and keep the private key with the hospital`,
      );
    }
    let pub: JWK;
    if (k.kty === 'RSA' && typeof k.n === 'string' && typeof k.e === 'string') {
      if (Buffer.from(k.n, 'base64url').length < 256) throw new RegistrationError(`${where}: RSA keys must be at least 2048 bits`);
      pub = { kty: 'RSA', n: k.n, e: k.e };
    } else if (k.kty === 'EC' && (k.crv === 'P-256' || k.crv === 'P-384') && typeof k.x === 'string' && typeof k.y === 'string') {
      pub = { kty: 'EC', crv: k.crv, x: k.x, y: k.y };
    } else {
      throw new RegistrationError(`${where}: only RSA and EC (P-256, P-384) public keys are accepted`);
    }
    if (k.use !== undefined && k.use !== 'sig') throw new RegistrationError(`${where}: use must be "sig"`);
    const alg = k.alg ?? algorithmFor(pub);
    if (!isAllowedAlgorithm(alg) || !algorithmFitsKey(alg, pub)) {
      throw new RegistrationError(`${where}: alg ${alg} is not allowed for this key (allowed: ${ASSERTION_ALGORITHMS.join(', ')})`);
    }
    try {
      await importJWK(pub, alg);
    } catch {
      throw new RegistrationError(`${where} is not a valid ${pub.kty} public key`);
    }
    const kid = typeof k.kid === 'string' && k.kid.length > 0 && k.kid.length <= 200 ? k.kid : await calculateJwkThumbprint(pub);
    out.push({ ...pub, kid, use: 'sig', ...(k.alg ? { alg: k.alg } : {}) });
  }
  if (new Set(out.map((k) => k.kid)).size !== out.length) throw new RegistrationError('each key in the JWKS needs a different kid');
  return { keys: out };
}

function algorithmFor(k: JWK): AssertionAlgorithm {
  if (isAllowedAlgorithm(k.alg)) return k.alg;
  if (k.kty === 'RSA') return 'RS256';
  return k.crv === 'P-384' ? 'ES384' : 'ES256';
}
