import type { Express } from 'express';
import request from 'supertest';
import { PERMISSIONS } from '../../src/access/permissions';
import { ROLE_PERMISSIONS } from '../../src/access/roles';
import { loadOpenApi, operations, type OperationObject } from '../../src/platform/http/openapi';
import { startTestApp, type TestApp } from '../support/app';

// The contract is the source of truth: every operation is identified,
// permissioned, documents its errors as problem+json, and has a handler;
// the code's permission vocabulary and the spec's agree exactly.

let ops: { path: string; method: string; op: OperationObject }[];
let t: TestApp;
beforeAll(async () => {
  const { dereferenced } = await loadOpenApi(`${__dirname}/../../openapi/openapi.yaml`);
  ops = operations(dereferenced);
  // every real route, including the auth mechanisms' own (and the development IdP's pages, which are not API operations)
  t = await startTestApp({ DEV_IDP: 'true' }, { realAuth: true });
});
afterAll(() => t.close());

const name = (o: { method: string; path: string }) => `${o.method.toUpperCase()} ${o.path}`;

it('when the spec is read, then every operation has a unique operationId', () => {
  const ids = ops.map((o) => o.op.operationId);
  expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
  expect(new Set(ids).size).toBe(ids.length);
});

it('when the spec is read, then every operation declares exactly one of x-permission (from the vocabulary) or x-public', () => {
  const bad = ops.filter(({ op }) => {
    const isPublic = op['x-public'] === true;
    const perm = op['x-permission'];
    return isPublic === (perm !== undefined) || (!isPublic && !(PERMISSIONS as readonly string[]).includes(String(perm)));
  });
  expect(bad.map(name)).toEqual([]);
});

it('when the spec is read, then no /v1 operation is public (the app answers an anonymous /v1 caller 401 before reading its request)', () => {
  const bad = ops.filter((o) => o.path.startsWith('/v1/') && o.op['x-public'] === true);
  expect(bad.map(name)).toEqual([]);
});

it('when the spec is read, then public operations say security: [] and the rest name their security schemes', () => {
  const bad = ops.filter(({ op }) => !Array.isArray(op.security) || (op['x-public'] === true) !== (op.security.length === 0));
  expect(bad.map(name)).toEqual([]);
});

it('when permissions are compared, then spec and code use the same vocabulary and every permission is granted to some role', () => {
  const used = new Set(ops.map((o) => o.op['x-permission']).filter(Boolean));
  expect([...used].sort()).toEqual([...PERMISSIONS].sort());
  const granted = new Set(Object.values(ROLE_PERMISSIONS).flat());
  expect(PERMISSIONS.filter((p) => !granted.has(p))).toEqual([]);
});

function required(o: { path: string; method: string; op: OperationObject }): string[] {
  const codes = ['500'];
  if (o.op['x-public'] === true) return codes;
  codes.push('400', '401', '403', '503');
  if (o.path.includes('{')) codes.push('404');
  if (o.op.requestBody) codes.push('413', '415');
  const params = (o.op.parameters as { name: string; in: string }[] | undefined) ?? [];
  if (params.some((p) => p.in === 'header' && p.name.toLowerCase() === 'if-match')) codes.push('412', '428');
  return codes;
}

it('when the spec is read, then every operation documents its error responses as problem+json', () => {
  const missing: string[] = [];
  for (const o of ops) {
    const responses = (o.op.responses ?? {}) as Record<string, { content?: Record<string, unknown> }>;
    for (const code of required(o)) {
      if (!responses[code]) missing.push(`${name(o)} lacks ${code}`);
    }
    for (const [code, r] of Object.entries(responses)) {
      if (Number(code) >= 400 && code !== '503' && !r.content?.['application/problem+json'])
        missing.push(`${name(o)} ${code} is not problem+json`);
    }
  }
  expect(missing).toEqual([]);
});

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

function routesOf(app: Express): Set<string> {
  const out = new Set<string>();
  const walk = (stack: Layer[] | undefined) => {
    for (const layer of stack ?? []) {
      if (layer.route) for (const m of Object.keys(layer.route.methods)) out.add(`${m.toUpperCase()} ${layer.route.path}`);
      walk(layer.handle?.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

it('when the app is built, then every operation in the spec has a handler and every handler is in the spec', () => {
  const routes = routesOf(t.app);
  const expressPath = (p: string) => p.replace(/\{([^}]+)\}/g, ':$1');
  const specRoutes = new Set(ops.map((o) => `${o.method.toUpperCase()} ${expressPath(o.path)}`));
  expect([...specRoutes].filter((r) => !routes.has(r))).toEqual([]);
  // Asset routes under /docs serve the UI's static files, and /dev-idp/ is the development IdP
  // (mounted before validation, never in production): neither are API operations.
  const notOperations = (r: string) => r.startsWith('GET /docs/') || / \/dev-idp\//.test(r);
  expect([...routes].filter((r) => !specRoutes.has(r) && !notOperations(r))).toEqual([]);
});

it('when any operation is called with an unknown query parameter, then the status it answers is one it documents (found by test/fuzz)', async () => {
  const undocumented: string[] = [];
  for (const o of ops) {
    const path = o.path.replace(/\{idpId\}/g, 'dev').replace(/\{[^}]+\}/g, '6f1c1f0e-9c1a-4b7e-9d1e-2a7f7b8c9d0e');
    const agent = request(t.app) as unknown as Record<string, (url: string) => request.Test>;
    const res = await agent[o.method]!(`${path}?fuzzUnknownParameter=1`);
    if (!(o.op.responses ?? {})[String(res.status)]) undocumented.push(`${name(o)} answered ${res.status}`);
  }
  expect(undocumented).toEqual([]);
});
