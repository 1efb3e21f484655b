import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/config';
import { createIdpRegistry, loadIdpFile, type IdentityProvider } from '../../src/auth/saml/idp-registry';
import { isSafeRelayState } from '../../src/auth/saml/saml.routes';
import { assertedPerson } from '../../src/auth/saml/saml.service';
import { newKeyPair } from '../support/saml-idp';

// Pure pieces of single sign-on: reading SAML_IDPS_FILE, mapping an IdP's attributes to our
// roles, panels and agency, and deciding which RelayState values are a path on this site.

const cert = newKeyPair('Registry test IdP').certPem;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdop-idp-registry-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const valid = {
  id: 'nhs',
  displayName: 'NHS',
  entityId: 'https://idp.nhs.test/saml',
  ssoUrl: 'https://idp.nhs.test/sso',
  certs: ['idp.pem'],
  attributes: { roles: 'roles', panelCodes: 'panels', agencyOdsCode: 'ods', displayName: 'name', email: 'mail' },
  roleMap: { COORD: 'cdop_coordinator', BOTH: ['panel_member', 'auditor'] },
};

function load(idps: unknown[]): IdentityProvider[] {
  fs.writeFileSync(path.join(dir, 'idp.pem'), cert);
  const file = path.join(dir, 'idps.json');
  fs.writeFileSync(file, JSON.stringify({ identityProviders: idps }));
  return loadIdpFile(file);
}

describe('loadIdpFile', () => {
  it('when the file is valid, then certificates are read from paths relative to it and the role map is a Map', () => {
    const [idp] = load([valid]);
    expect(idp!.certs[0]).toContain('BEGIN CERTIFICATE');
    expect(idp!.roleMap.get('BOTH')).toEqual(['panel_member', 'auditor']);
    expect(idp!.requireSignedResponse).toBe(false);
  });

  it.each([
    ['an id that is not URL-safe', { id: 'NHS England' }, /identityProviders\.0\.id/],
    ['a role that does not exist', { roleMap: { X: 'superuser' } }, /roleMap/],
    ['a person mapped to the machine-only hospital_system role', { roleMap: { X: 'hospital_system' } }, /roleMap/],
    ['no certificate', { certs: [] }, /certs/],
    ['a certificate file that is missing', { certs: ['missing.pem'] }, /certificate file not found/],
    [
      'a certificate that is not X.509',
      { certs: ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'] },
      /not an X\.509 certificate/,
    ],
    ['an unknown field (a typo)', { attributtes: {} }, /identityProviders\.0/],
  ])('when it has %s, then a ConfigError names the place', (_what, change, message) => {
    expect(() => load([{ ...valid, ...change }])).toThrow(ConfigError);
    expect(() => load([{ ...valid, ...change }])).toThrow(message);
  });

  it('when two IdPs share an id, then the registry refuses them', () => {
    const idps = load([valid, valid]);
    expect(() => createIdpRegistry(idps)).toThrow(/used twice/);
  });
});

describe('assertedPerson', () => {
  const [idp] = load([valid]);
  const attrs = (o: Record<string, string[]>) => new Map(Object.entries(o));

  it('when attribute values map to roles, then the roles are the union in a stable order and unknown values are ignored', () => {
    expect(assertedPerson(idp!, attrs({ roles: ['BOTH', 'COORD', 'UNKNOWN', 'coord'] })).roles).toEqual([
      'cdop_coordinator',
      'panel_member',
      'auditor',
    ]);
    expect(assertedPerson(idp!, attrs({ roles: ['UNKNOWN'] })).roles).toEqual([]);
    expect(assertedPerson(idp!, attrs({})).roles).toEqual([]);
  });

  it('when panel codes, ODS code, name and email are asserted, then malformed values are dropped', () => {
    const p = assertedPerson(
      idp!,
      attrs({ roles: ['COORD'], panels: ['WOR', 'wor', "X'; DROP"], ods: ['rwp'], name: ['  Alex  '], mail: ['not-an-email'] }),
    );
    expect(p).toEqual({ roles: ['cdop_coordinator'], panelCodes: ['WOR'], agencyOdsCode: null, displayName: 'Alex', email: null });
  });

  it('when the IdP maps no panel attribute, then panels stay undefined (kept as they are), not emptied', () => {
    const noPanels = { ...idp!, attributes: { roles: 'roles' } };
    expect(assertedPerson(noPanels, attrs({ roles: ['COORD'] }))).toMatchObject({
      panelCodes: undefined,
      agencyOdsCode: undefined,
      email: undefined,
    });
  });
});

describe('isSafeRelayState', () => {
  it.each(['/v1/me', '/v1/panels?limit=5&cursor=abc', '/v1/panels/3b241101-e2bb-4255-8caf-4136c566a962', '/'])(
    'when %j, then accepted',
    (v) => {
      expect(isSafeRelayState(v)).toBe(true);
    },
  );

  it.each([
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '\\/evil.example',
    'https://evil.example',
    'http:/evil.example',
    'javascript:alert(1)',
    '/\t/evil.example',
    '/\n/evil.example',
    '/v1/me#frag',
    ' /v1/me',
    '',
    `/${'a'.repeat(80)}`,
    42,
    undefined,
  ])('when %j, then refused', (v) => {
    expect(isSafeRelayState(v)).toBe(false);
  });
});
