import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { CryptoKey, JWK, JWTPayload, JWSHeaderParameters, KeyObject } from 'jose' with { 'resolution-mode': 'import' };
import { registerClient, JWT_BEARER_ASSERTION_TYPE, type RegisteredClient } from '../../src/auth/api-clients';
import { jose } from '../../src/auth/api-clients/jose';

/**
 * Agency systems for tests: a registered client with a real key pair, client
 * assertions signed the way a hospital would sign them (or deliberately
 * wrong), and the token request itself.
 */
export interface TestClient extends RegisteredClient {
  /** the generated private key, imported for signing */
  signingKey: CryptoKey;
}

export async function insertTestAgency(ds: DataSource, odsCode = 'RWP'): Promise<string> {
  const rows: { id: string }[] = await ds.query(
    `INSERT INTO agencies (name, type, ods_code) VALUES ('Example Acute Hospitals NHS Trust', 'hospital_trust', $1) RETURNING id`,
    [odsCode],
  );
  return rows[0]!.id;
}

/** Registers a client through the same function as `npm run client:create` (an EC P-256 key pair generated for it). */
export async function registerTestClient(
  ds: DataSource,
  opts: { agency?: string; scopes?: string[]; name?: string } = {},
): Promise<TestClient> {
  const client = await registerClient(ds, {
    agency: opts.agency ?? 'RWP',
    scopes: opts.scopes ?? ['directory:read'],
    name: opts.name ?? 'RWP integration engine',
  });
  const { importPKCS8 } = await jose();
  return { ...client, signingKey: await importPKCS8(client.privateKey!.pkcs8Pem, 'ES256') };
}

interface AssertionOptions {
  key: CryptoKey | KeyObject | JWK | Uint8Array;
  header: JWSHeaderParameters & { alg: string };
  /** the claims; `undefined` members are left out */
  claims: JWTPayload;
}

/** Correct claims for a client: iss = sub = client_id, aud = the token endpoint, a fresh jti, five minutes' life. */
export function goodClaims(clientId: string, tokenUrl: string, over: Partial<Record<keyof JWTPayload, unknown>> = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: clientId,
    sub: clientId,
    aud: tokenUrl,
    jti: randomUUID(),
    iat: now,
    exp: now + 300,
    ...over,
  };
  for (const k of Object.keys(claims)) if (claims[k] === undefined) delete claims[k];
  return claims;
}

export async function signAssertion(o: AssertionOptions): Promise<string> {
  const { CompactSign } = await jose();
  return new CompactSign(new TextEncoder().encode(JSON.stringify(o.claims))).setProtectedHeader(o.header).sign(o.key);
}

/** An unsecured JWT (`alg: none`), which jose will not produce on purpose. */
export function unsecuredJwt(header: Record<string, unknown>, claims: JWTPayload): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64(header)}.${b64(claims)}.`;
}

export function tokenRequest(app: Express, assertion: string, extra: Record<string, string> = {}) {
  return request(app)
    .post('/oauth2/token')
    .type('form')
    .send({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: assertion, ...extra });
}

/** A valid assertion for the client, and the access token it is exchanged for. */
export async function accessTokenFor(
  app: Express,
  client: TestClient,
  tokenUrl: string,
  extra: Record<string, string> = {},
): Promise<string> {
  const assertion = await signAssertion({
    key: client.signingKey,
    header: { alg: 'ES256', kid: client.kid, typ: 'JWT' },
    claims: goodClaims(client.clientId, tokenUrl),
  });
  const res = await tokenRequest(app, assertion, extra);
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.access_token as string;
}

/**
 * Sends the request again until it answers `status` (at most `limitMs`) and
 * returns that response; fails with the last status otherwise. For changes an
 * instance learns of by notification, shortly after they commit.
 */
export async function untilStatus(
  send: () => Promise<request.Response>,
  status: number,
  limitMs = 5000,
  everyMs = 20,
): Promise<request.Response> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const res = await send();
    if (res.status === status) return res;
    if (Date.now() >= deadline) throw new Error(`expected ${status} within ${limitMs} ms, still ${res.status}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
