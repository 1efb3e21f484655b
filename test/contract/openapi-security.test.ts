import path from 'node:path';
import request from 'supertest';
import { CLIENT_SCOPES, ROLE_PERMISSIONS } from '../../src/access/roles';
import { SESSION_COOKIE } from '../../src/auth/sessions';
import { loadOpenApi, operations, type OpenApiDocument, type OperationObject } from '../../src/platform/http/openapi';
import { projectRoot } from '../../src/platform/project-root';
import { startTestApp } from '../support/app';

// The contract tells every caller how to authenticate: the cookie session of a
// signed-in person and the OAuth 2.0 client-credentials flow of an agency
// system are declared as security schemes (token URL, every scope); every
// operation names the schemes that apply, with the scope a system needs,
// exactly as the roles and scopes in the code allow; and every operation and
// parameter is described.

interface SecurityScheme {
  type: string;
  in?: string;
  name?: string;
  scheme?: string;
  description?: string;
  flows?: { clientCredentials?: { tokenUrl: string; scopes: Record<string, string> } };
}

let doc: OpenApiDocument;
let schemes: Record<string, SecurityScheme>;
let ops: { path: string; method: string; op: OperationObject }[];
beforeAll(async () => {
  ({ dereferenced: doc } = await loadOpenApi(path.join(projectRoot(), 'openapi', 'openapi.yaml')));
  schemes = (doc.components as { securitySchemes: Record<string, SecurityScheme> }).securitySchemes;
  ops = operations(doc);
});

const name = (o: { method: string; path: string }) => `${o.method.toUpperCase()} ${o.path}`;
const personPermissions = new Set(
  Object.entries(ROLE_PERMISSIONS)
    .filter(([role]) => role !== 'hospital_system')
    .flatMap(([, perms]) => perms as readonly string[]),
);

it('when the spec is read, then the cookie session and the OAuth client-credentials flow are declared, with the token URL and every scope', () => {
  expect(schemes.sessionCookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: SESSION_COOKIE });
  expect(schemes.sessionCookie!.description).toMatch(/X-CSRF-Token/);
  const flow = schemes.agencySystem?.flows?.clientCredentials;
  expect(schemes.agencySystem?.type).toBe('oauth2');
  expect(new URL(flow!.tokenUrl).pathname).toBe('/oauth2/token');
  expect(Object.keys(flow!.scopes).sort()).toEqual([...CLIENT_SCOPES].sort());
  expect(Object.values(flow!.scopes).every((d) => d.length > 20)).toBe(true);
  expect(schemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  // No document-wide default: each operation says what applies to it.
  expect(doc.security).toBeUndefined();
});

it('when each operation is read, then it names the session for people and the agency-system scope exactly where the code allows them', () => {
  const wrong: string[] = [];
  for (const o of ops) {
    const security = (o.op.security ?? []) as Record<string, string[]>[];
    if (o.op['x-public'] === true) {
      if (security.length) wrong.push(`${name(o)}: public, yet names ${JSON.stringify(security)}`);
      continue;
    }
    const perm = String(o.op['x-permission']);
    const expected: Record<string, string[]>[] = [];
    if (personPermissions.has(perm)) expected.push({ sessionCookie: [] });
    if ((CLIENT_SCOPES as readonly string[]).includes(perm)) expected.push({ agencySystem: [perm] }, { bearerAuth: [perm] });
    if (JSON.stringify(security) !== JSON.stringify(expected))
      wrong.push(`${name(o)} (${perm}): ${JSON.stringify(security)} instead of ${JSON.stringify(expected)}`);
    for (const requirement of security)
      for (const s of Object.keys(requirement)) if (!schemes[s]) wrong.push(`${name(o)}: unknown scheme ${s}`);
  }
  expect(wrong).toEqual([]);
});

it('when the spec is read, then every operation and every parameter has a description', () => {
  const missing: string[] = [];
  for (const o of ops) {
    if (typeof o.op.description !== 'string' || !o.op.description.trim()) missing.push(`${name(o)}: no description`);
    const pathParams = ((doc.paths[o.path] as { parameters?: unknown[] }).parameters ?? []) as { name: string; description?: string }[];
    const params = [...pathParams, ...((o.op.parameters ?? []) as { name: string; description?: string }[])];
    for (const p of params) if (!p.description?.trim()) missing.push(`${name(o)}: parameter ${p.name} has no description`);
  }
  expect(missing).toEqual([]);
});

it('when the contract is served, then its token URL is the one this instance checks, under PUBLIC_BASE_URL', async () => {
  const t = await startTestApp({ PUBLIC_BASE_URL: 'https://cdop.example.nhs.uk/cdop' });
  try {
    const res = await request(t.app).get('/openapi.json').expect(200);
    expect(res.body.components.securitySchemes.agencySystem.flows.clientCredentials.tokenUrl).toBe(
      'https://cdop.example.nhs.uk/cdop/oauth2/token',
    );
  } finally {
    await t.close();
  }
});
