import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromPem, loadAccessTokenKeys, newPkcs8Pem } from '../../src/auth/api-clients/signing-keys';
import { JWT_BEARER_ASSERTION_TYPE, parseTokenRequest } from '../../src/auth/api-clients/token-request';
import { TokenRefusal } from '../../src/auth/api-clients/token.errors';
import { grantedScopes } from '../../src/auth/api-clients/token.service';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/platform/logger';

const form = { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: 'a.b.c' };

function refusal(body: unknown): [string, string] | undefined {
  try {
    parseTokenRequest(body);
    return undefined;
  } catch (err) {
    if (err instanceof TokenRefusal) return [err.error, err.reason];
    throw err;
  }
}

describe('parseTokenRequest', () => {
  it('when the form is complete, then it is accepted, with scope split and deduplicated', () => {
    expect(parseTokenRequest({ ...form, scope: 'directory:read directory:read', extra: 'ignored' })).toEqual({
      clientAssertion: 'a.b.c',
      scopes: ['directory:read'],
      clientId: undefined,
    });
    expect(parseTokenRequest({ ...form, scope: '' }).scopes).toBeUndefined();
  });

  it.each([
    ['no body', 'invalid_request', undefined],
    ['no grant_type', 'invalid_request', { ...form, grant_type: undefined }],
    ['another grant_type', 'unsupported_grant_type', { ...form, grant_type: 'authorization_code' }],
    ['no client_assertion', 'invalid_request', { ...form, client_assertion: '' }],
    ['another client_assertion_type', 'invalid_request', { ...form, client_assertion_type: 'x' }],
    ['a repeated parameter', 'invalid_request', { ...form, client_assertion: ['a', 'b'] }],
    ['an oversized assertion', 'invalid_request', { ...form, client_assertion: 'a'.repeat(8193) }],
    ['a malformed scope', 'invalid_scope', { ...form, scope: 'directory:read  "x"' }],
  ])('when the form has %s, then %s', (_name, error, body) => {
    expect(refusal(body)?.[0]).toBe(error);
  });
});

describe('grantedScopes', () => {
  it('when no scope is requested, then every registered client scope; requested ones must all be registered', () => {
    expect(grantedScopes(undefined, ['directory:read'])).toEqual(['directory:read']);
    expect(grantedScopes(['directory:read'], ['directory:read'])).toEqual(['directory:read']);
    expect(grantedScopes(['directory:write'], ['directory:read'])).toBeUndefined();
    // A registered scope that clients may no longer hold is never granted.
    expect(grantedScopes(['directory:write'], ['directory:read', 'directory:write'])).toBeUndefined();
    expect(grantedScopes(undefined, ['audit:read'])).toBeUndefined();
  });
});

describe('access-token signing key', () => {
  const log = createLogger('silent');

  it('when configured, then ACCESS_TOKEN_TTL_S and the key file are read; production requires the key file', () => {
    const c = loadConfig({ ACCESS_TOKEN_TTL_S: '120', ACCESS_TOKEN_SIGNING_KEY_FILE: 'keys/at.pem' });
    expect(c.accessTokens).toMatchObject({ ttlS: 120, signingKeyFile: expect.stringMatching(/keys\/at\.pem$/) });
    expect(loadConfig({}).accessTokens.ttlS).toBe(300);
    expect(() => loadConfig({ ACCESS_TOKEN_TTL_S: '5' })).toThrow(/ACCESS_TOKEN_TTL_S/);
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/cdop' })).toThrow(
      /ACCESS_TOKEN_SIGNING_KEY_FILE: is required/,
    );
  });

  it('when the key is not a PKCS#8 EC P-256 key, then it is refused with a message naming the source', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(fromPem(rsa, 'the file')).rejects.toThrow(/the file.*EC P-256/);
    const sec1 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    await expect(fromPem(sec1, 'the file')).rejects.toThrow(/PKCS#8/);
    const keys = await fromPem(newPkcs8Pem(), 'test');
    expect(keys.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('when in development without a key file, then a key is generated once (0600) and reused', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdop-keys-'));
    try {
      const file = path.join(dir, 'keys', 'access-token-es256.pem');
      const base = loadConfig({});
      const config = { ...base, accessTokens: { ...base.accessTokens, generatedKeyFile: file } };
      const first = await loadAccessTokenKeys(config, log);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect((await loadAccessTokenKeys(config, log)).kid).toBe(first.kid);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
