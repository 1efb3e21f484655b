import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  clientCredentialsExample,
  disableClient,
  registerClient,
  RegistrationError,
  validatePublicJwks,
} from '../../../src/auth/api-clients';
import { jose } from '../../../src/auth/api-clients/jose';
import { projectRoot } from '../../../src/platform/project-root';
import { startTestApp, type TestApp } from '../../support/app';
import { goodClaims, insertTestAgency, signAssertion, tokenRequest } from '../../support/api-clients';

// Who may call: registering and disabling clients is an operator's job, done
// with `npm run client:create` on the service's database; there is no HTTP
// endpoint for it. These tests drive the CLI's core functions, then use what
// they return the way a hospital would: against POST /oauth2/token.

let t: TestApp;
let tokenUrl: string;
let agencyId: string;
beforeAll(async () => {
  t = await startTestApp({}, { realAuth: true });
  tokenUrl = `${t.config.publicBaseUrl}/oauth2/token`;
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.reset();
  agencyId = await insertTestAgency(t.ds);
});

const run = promisify(execFile);

it('when a client is registered without a JWKS, then it gets a generated key whose printed example obtains a token', async () => {
  const c = await registerClient(t.ds, { agency: 'rwp', scopes: ['directory:read'], name: 'RWP integration engine' });
  expect(c).toMatchObject({ agency: { id: agencyId, odsCode: 'RWP' }, scopes: ['directory:read'], alg: 'ES256' });
  expect(c.clientId).toMatch(/^rwp-[0-9a-f]{20}$/);
  expect(c.privateKey!.pkcs8Pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  expect(c.privateKey!.jwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: c.kid, d: expect.any(String) });

  // Only the public key is stored.
  const [row] = await t.ds.query('SELECT jwks, scopes, agency_id FROM api_clients WHERE client_id = $1', [c.clientId]);
  expect(row.jwks.keys).toHaveLength(1);
  expect(row.jwks.keys[0]).not.toHaveProperty('d');
  expect(row.jwks.keys[0]).toMatchObject({ kid: c.kid, alg: 'ES256', use: 'sig' });
  const [audit] = await t.ds.query(`SELECT actor_type, resource_id, details FROM audit_events WHERE action = 'auth.client.register'`);
  expect(audit).toMatchObject({ actor_type: 'system', resource_id: c.id, details: { clientId: c.clientId, keyGenerated: true } });
  expect(JSON.stringify(audit)).not.toContain(c.privateKey!.jwk.d);

  // The example script, run as printed, next to the private key (inside the project so `jose` resolves).
  const example = clientCredentialsExample({ clientId: c.clientId, tokenUrl, kid: c.kid, alg: c.alg, scopes: c.scopes });
  fs.mkdirSync(path.join(projectRoot(), '.data'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(projectRoot(), '.data', 'client-example-'));
  try {
    fs.writeFileSync(path.join(dir, 'private-key.pem'), c.privateKey!.pkcs8Pem, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'make-assertion.mjs'), example.script);
    const { stdout: assertion } = await run(process.execPath, ['make-assertion.mjs'], { cwd: dir });
    const res = await tokenRequest(t.app, assertion, { scope: 'directory:read' });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('directory:read');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  expect(example.curl).toContain(tokenUrl);
  expect(example.script + example.curl).not.toContain(c.privateKey!.jwk.d!);
});

it("when a client is registered with the hospital's own RSA JWKS, then no private key is made and its RS256 assertions work", async () => {
  const hospital = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = { ...hospital.publicKey.export({ format: 'jwk' }), kid: 'rwp-2026-01', use: 'sig' };
  const c = await registerClient(t.ds, { agency: agencyId, scopes: ['directory:read'], name: 'RWP EPR', jwks: { keys: [publicJwk] } });
  expect(c.privateKey).toBeUndefined();
  expect(c).toMatchObject({ alg: 'RS256', kid: 'rwp-2026-01' });
  const assertion = await signAssertion({
    key: hospital.privateKey,
    header: { alg: 'PS256', kid: 'rwp-2026-01' },
    claims: goodClaims(c.clientId, tokenUrl),
  });
  expect((await tokenRequest(t.app, assertion)).status).toBe(200);
});

it("when the JWKS has several keys, then the assertion's kid picks one, and none without a kid is refused", async () => {
  const { generateKeyPair, exportJWK } = await jose();
  const a = await generateKeyPair('ES256', { extractable: true });
  const b = await generateKeyPair('ES384', { extractable: true });
  const jwks = {
    keys: [
      { ...(await exportJWK(a.publicKey)), kid: 'a' },
      { ...(await exportJWK(b.publicKey)), kid: 'b' },
    ],
  };
  const c = await registerClient(t.ds, { agency: 'RWP', scopes: ['directory:read'], name: 'Rotating keys', jwks });
  const withKid = await signAssertion({ key: b.privateKey, header: { alg: 'ES384', kid: 'b' }, claims: goodClaims(c.clientId, tokenUrl) });
  expect((await tokenRequest(t.app, withKid)).status).toBe(200);
  const noKid = await signAssertion({ key: a.privateKey, header: { alg: 'ES256' }, claims: goodClaims(c.clientId, tokenUrl) });
  expect((await tokenRequest(t.app, noKid)).body.error).toBe('invalid_client');
});

it('when the registration is wrong, then it is refused with a message naming the problem and nothing is stored', async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const base = { agency: 'RWP', scopes: ['directory:read'], name: 'X' };
  await expect(registerClient(t.ds, { ...base, jwks: { keys: [privateKey.export({ format: 'jwk' })] } })).rejects.toThrow(
    /private key material/,
  );
  await expect(registerClient(t.ds, { ...base, scopes: ['directory:write'] })).rejects.toThrow(/not allowed: directory:write/);
  await expect(registerClient(t.ds, { ...base, agency: 'ZZZ99' })).rejects.toThrow(RegistrationError);
  await expect(registerClient(t.ds, { ...base, name: ' ' })).rejects.toThrow(/--name/);
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
  await expect(validatePublicJwks({ keys: [weak] })).rejects.toThrow(/2048/);
  await expect(validatePublicJwks({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] })).rejects.toThrow(/private key material/);
  await expect(validatePublicJwks({ keys: [] })).rejects.toThrow(/1 to 10/);
  expect((await t.ds.query('SELECT count(*)::int AS n FROM api_clients'))[0].n).toBe(0);
});

it('when a client is disabled, then it is recorded and audited; disabling it again reports nothing to do', async () => {
  const c = await registerClient(t.ds, { agency: 'RWP', scopes: ['directory:read'], name: 'X' });
  expect(await disableClient(t.ds, c.clientId)).toBe(true);
  expect(await disableClient(t.ds, c.clientId)).toBe(false);
  expect(await disableClient(t.ds, 'no-such-client')).toBe(false);
  const events = await t.ds.query(`SELECT resource_id FROM audit_events WHERE action = 'auth.client.disable'`);
  expect(events).toEqual([{ resource_id: c.id }]);
});
