import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';

export interface SigningKeyPair {
  /** PKCS#8 PEM */
  privateKeyPem: string;
  /** X.509 PEM */
  certPem: string;
}

/**
 * A fresh RSA key and a self-signed certificate for it (SHA-256). Only for
 * development and tests: production keys are provided as files. node-forge
 * is a devDependency, loaded here lazily so production never needs it.
 */
export function generateSelfSignedKeyPair(commonName: string, validDays = 3650): SigningKeyPair {
  // eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports -- a devDependency, loaded only here
  const forge = require('node-forge') as typeof import('node-forge');
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = `01${crypto.randomBytes(15).toString('hex')}`; // positive, unique
  cert.validity.notBefore = new Date(Date.now() - 5 * 60_000);
  cert.validity.notAfter = new Date(Date.now() + validDays * 86_400_000);
  const name = [{ name: 'commonName', value: commonName }];
  cert.setSubject(name);
  cert.setIssuer(name);
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  cert.sign(forgeKey, forge.md.sha256.create());
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certPem: forge.pki.certificateToPem(cert),
  };
}

const inMemory = new Map<string, SigningKeyPair>();
const inMemorySecrets = new Map<string, string>();

/**
 * A key pair that is generated once: kept under .data/keys in development
 * (so IdP configurations and sessions survive restarts), in memory for the
 * process in tests. Never called in production (config requires files).
 */
export function developmentKeyPair(config: Config, name: string, commonName: string): SigningKeyPair {
  if (config.env === 'production') throw new Error(`refusing to generate the ${name} key in production`);
  if (config.env === 'test') {
    let pair = inMemory.get(name);
    if (!pair) inMemory.set(name, (pair = generateSelfSignedKeyPair(commonName)));
    return pair;
  }
  const keyFile = path.join(config.saml.keysDir, `${name}.key.pem`);
  const certFile = path.join(config.saml.keysDir, `${name}.cert.pem`);
  if (fs.existsSync(keyFile) && fs.existsSync(certFile)) {
    return { privateKeyPem: fs.readFileSync(keyFile, 'utf8'), certPem: fs.readFileSync(certFile, 'utf8') };
  }
  const pair = generateSelfSignedKeyPair(commonName);
  makeKeysDir(config.saml.keysDir);
  fs.writeFileSync(keyFile, pair.privateKeyPem, { mode: 0o600 });
  fs.writeFileSync(certFile, pair.certPem, { mode: 0o644 });
  return pair;
}

/**
 * The keys folder, private (0700), inside a data folder that stays traversable
 * (0755). A recursive mkdir with mode 0700 would give the new data folder
 * (`.data`) that mode too, and the embedded PostgreSQL, which runs as the
 * `postgres` OS user when the service runs as root, could then not reach its
 * own folder beside it (`.data/postgres`: initdb fails, permission denied).
 */
function makeKeysDir(keysDir: string): void {
  fs.mkdirSync(path.dirname(keysDir), { recursive: true, mode: 0o755 });
  fs.mkdirSync(keysDir, { recursive: true, mode: 0o700 });
}

/** A random secret generated once (development: .data/keys; tests: per process). */
export function developmentSecret(config: Config, name: string): string {
  if (config.env === 'production') throw new Error(`refusing to generate the ${name} secret in production`);
  if (config.env === 'test') {
    let s = inMemorySecrets.get(name);
    if (!s) inMemorySecrets.set(name, (s = crypto.randomBytes(32).toString('base64url')));
    return s;
  }
  const file = path.join(config.saml.keysDir, `${name}.secret`);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const s = crypto.randomBytes(32).toString('base64url');
  makeKeysDir(config.saml.keysDir);
  fs.writeFileSync(file, s, { mode: 0o600 });
  return s;
}

/** Our SP signing key: the configured files, or a generated development/test pair. */
export function serviceProviderKeyPair(config: Config): SigningKeyPair {
  const { spKeyFile, spCertFile } = config.saml;
  if (spKeyFile && spCertFile) {
    const pair = { privateKeyPem: fs.readFileSync(spKeyFile, 'utf8'), certPem: fs.readFileSync(spCertFile, 'utf8') };
    // Fail at start-up, not at the first login, when the files do not belong together.
    const cert = new crypto.X509Certificate(pair.certPem);
    if (!cert.checkPrivateKey(crypto.createPrivateKey(pair.privateKeyPem))) {
      throw new Error('SAML_SP_CERT_FILE does not match SAML_SP_KEY_FILE');
    }
    return pair;
  }
  return developmentKeyPair(config, 'saml-sp', 'CDOP case management (development SP)');
}
