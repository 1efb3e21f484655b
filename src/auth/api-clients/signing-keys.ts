import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CryptoKey, JWK } from 'jose' with { 'resolution-mode': 'import' };
import type { Config } from '../../config';
import type { Logger } from '../../platform/logger';
import { jose } from './jose';

/** The service's own key pair for access tokens (ES256). Never logged. */
export interface AccessTokenKeys {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** RFC 7638 thumbprint of the public key, sent as the tokens' `kid`. */
  kid: string;
}

/**
 * The access-token signing key: ACCESS_TOKEN_SIGNING_KEY_FILE when set
 * (required in production); otherwise generated once and kept under .data/keys
 * in development (so tokens survive a restart), or generated in memory in tests.
 */
export async function loadAccessTokenKeys(config: Config, log: Logger): Promise<AccessTokenKeys> {
  const { signingKeyFile, generatedKeyFile } = config.accessTokens;
  if (signingKeyFile) return fromPem(readKeyFile(signingKeyFile, log), signingKeyFile);
  if (config.env === 'development') return fromPem(readOrCreate(generatedKeyFile, log), generatedKeyFile);
  if (config.env === 'test') return fromPem(newPkcs8Pem(), 'generated in memory');
  throw new Error('ACCESS_TOKEN_SIGNING_KEY_FILE is required in production');
}

export function newPkcs8Pem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Imports a PKCS#8 PEM EC P-256 private key, refusing anything else with a message naming the source. */
export async function fromPem(pem: string, source: string): Promise<AccessTokenKeys> {
  if (!pem.includes('-----BEGIN PRIVATE KEY-----')) {
    throw new Error(
      `access-token signing key (${source}) must be a PKCS#8 PEM ("BEGIN PRIVATE KEY"); convert with: openssl pkcs8 -topk8 -nocrypt`,
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new Error(`access-token signing key (${source}) could not be read as a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(`access-token signing key (${source}) must be an EC P-256 key (ES256)`);
  }
  const { importPKCS8, importJWK, calculateJwkThumbprint } = await jose();
  const publicJwk = createPublicKey(key).export({ format: 'jwk' }) as JWK;
  return {
    privateKey: await importPKCS8(pem, 'ES256'),
    publicKey: (await importJWK(publicJwk, 'ES256')) as CryptoKey,
    kid: await calculateJwkThumbprint(publicJwk),
  };
}

function readKeyFile(file: string, log: Logger): string {
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`ACCESS_TOKEN_SIGNING_KEY_FILE ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, {
      cause: err,
    });
  }
  if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0) {
    log.warn({ file }, 'the access-token signing key file is readable by other users; chmod 600 it');
  }
  return pem;
}

/** Development: generate the key on first start and keep it (0600) so restarts do not invalidate tokens. */
function readOrCreate(file: string, log: Logger): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const pem = newPkcs8Pem();
  try {
    fs.writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    log.info({ file }, 'generated an access-token signing key (development)');
    return pem;
  } catch (err) {
    // Another instance starting at the same moment wrote it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(file, 'utf8');
    throw err;
  }
}
