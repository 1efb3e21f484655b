import type { Server } from 'node:http';
import type { Express } from 'express';
import { ROLES } from '../../src/access/roles';
import { createApp } from '../../src/app';
import { createAuthMechanisms, type AuthMechanism } from '../../src/auth';
import { createHttpServer } from '../../src/platform/http/http-server';
import { loadOpenApi } from '../../src/platform/http/openapi';
import { capturingLogger, testConfig } from '../support/app';
import { openTestDataSource, truncateAll } from '../support/db';
import { testAuthenticator } from '../support/principals';
import { fuzzOperations, type FuzzOperation } from './operations';
import { fingerprinter, Oracle } from './oracle';
import { runOperation, type OperationResult, type RunContext } from './runner';
import { dropWorldSnapshot, restoreWorld, seedWorld, snapshotWorld, type World, type WorldSnapshot } from './world';
import type { DataSource } from 'typeorm';

// Who may call: everyone. Every operation of the contract is sent requests derived from its schemas (valid ones and
// ones with one defect each: see test/fuzz/README.md), anonymously and as every role, and every answer is judged
// (test/fuzz/oracle.ts): no 5xx; a documented status, content type and body; every 4xx problem+json with a code and
// a bounded body; no 2xx without the permission; and nothing written by a refused request.
//
// Seeded and reproducible: FUZZ_SEED (default below), FUZZ_RUNS cases per operation (12 in `npm test`, 500 in
// `npm run fuzz`), FUZZ_OPS=opA,opB to fuzz only some operations. The counts are printed at the end.

const DEFAULT_SEED = 20261010;
const SEED = intFromEnv('FUZZ_SEED', DEFAULT_SEED);
const RUNS = intFromEnv('FUZZ_RUNS', 12);
const ONLY = process.env.FUZZ_OPS?.split(',').filter(Boolean);
const BASE = 'http://cdop.test';
/** BODY_LIMIT, set here so the oversized bodies the generator sends are small enough to build quickly. */
const BODY_LIMIT_BYTES = 256 * 1024;
/** A shared world is reseeded after a minute: the agency system's access token in it lives 5 minutes (ACCESS_TOKEN_TTL_S). */
const WORLD_MAX_AGE_MS = 60_000;

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, not ${raw}`);
  return n;
}

let ds: DataSource;
let logLines: string[];
let app: Express;
let server: Server;
let auth: AuthMechanism[];
let ops: FuzzOperation[];
let base: Omit<RunContext, 'world'>;
const results: OperationResult[] = [];

beforeAll(async () => {
  const config = testConfig({
    PUBLIC_BASE_URL: BASE,
    DEV_IDP: 'true',
    BODY_LIMIT: `${BODY_LIMIT_BYTES}b`,
    ACCESS_TOKEN_TTL_S: '3600',
    // Off, so every case reaches its operation (the limits have tests of their own).
    RATE_LIMIT_SAML_PER_ADDRESS: '0',
    RATE_LIMIT_TOKEN_PER_ADDRESS: '0',
    RATE_LIMIT_TOKEN_PER_CLIENT: '0',
    RATE_LIMIT_NOTIFICATIONS_PER_CLIENT: '0',
    RATE_LIMIT_NOTIFICATIONS_PER_ADDRESS: '0',
  });
  const { log, lines } = capturingLogger('error');
  logLines = lines;
  ds = await openTestDataSource(config.database.url);
  const openapi = await loadOpenApi(config.openapiPath);
  // Every real mechanism (SAML with the development IdP, sessions, agency systems' tokens), and the test header for people.
  auth = [...(await createAuthMechanisms({ config, log, dataSource: ds })), { authenticators: [testAuthenticator] }];
  app = createApp({ config, log, dataSource: ds, openapi, auth });
  // The production server (src/server.ts): its answers to what Node's HTTP parser refuses are judged too.
  server = createHttpServer(app, log);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ops = fuzzOperations(openapi.dereferenced).filter((o) => !ONLY || ONLY.includes(o.operationId));
  base = {
    server,
    ds,
    oracle: new Oracle(),
    fingerprint: await fingerprinter(ds),
    tokenUrl: `${config.publicBaseUrl}/oauth2/token`,
    bodyLimitBytes: BODY_LIMIT_BYTES,
    errorsLogged: () => logLines.splice(0),
  };
});

afterAll(async () => {
  if (results.length) process.stdout.write(summary(results));
  await new Promise((r) => server?.close(r));
  for (const m of auth ?? []) await m.close?.();
  if (ds) await dropWorldSnapshot(ds);
  await ds?.destroy();
});

it(
  `when every operation is sent ${RUNS} generated requests (seed ${SEED}), anonymously and as every role, then every answer is as the contract says`,
  async () => {
    expect(ops.length).toBeGreaterThan(0);
    let world: World | undefined;
    let snapshot: WorldSnapshot | undefined;
    let seededAt = 0;
    let written = false;
    for (const op of ops) {
      // Every operation starts from the same world: seeded (again once it is a minute old, as its access token ages),
      // then restored from its snapshot after an operation that may have written. A read leaves it as it found it,
      // audit rows aside, so the next operation shares it. Seeding it for every operation took most of the suite's time.
      if (!world || !snapshot || Date.now() - seededAt > WORLD_MAX_AGE_MS) {
        await truncateAll(ds);
        world = await seedWorld(ds, app, base.tokenUrl);
        snapshot = await snapshotWorld(ds);
        seededAt = Date.now();
      } else if (written) await restoreWorld(ds, snapshot);
      results.push(await runOperation({ ...base, world }, op, RUNS, SEED));
      written = op.method !== 'get';
    }
    const violations = results.flatMap((r) => r.violations);
    // The first 50 in full (the summary printed after the run counts them all); FUZZ_OPS reruns one operation.
    expect({ violations: violations.slice(0, 50), total: violations.length }).toEqual({ violations: [], total: 0 });
    expect(results.map((r) => r.cases)).toEqual(ops.map(() => RUNS));
    // From 16 cases on, every operation was tried anonymously and as every role (runner.ts, principalFor).
    if (RUNS >= 16) {
      const everyone = ['anonymous', ...ROLES].sort();
      expect(results.filter((r) => JSON.stringify([...r.callers].sort()) !== JSON.stringify(everyone)).map((r) => r.operationId)).toEqual(
        [],
      );
    }
  },
  timeoutMs(),
);

function timeoutMs(): number {
  // About 30 ms a case on this machine, generously; the seeding of each operation's world on top.
  return 120_000 + RUNS * 36 * 150;
}

function summary(rs: OperationResult[]): string {
  const statuses = [...new Set(rs.flatMap((r) => Object.keys(r.statuses).map(Number)))].sort((a, b) => a - b);
  const w = Math.max(...rs.map((r) => r.operationId.length), 'operation'.length);
  const head = ['operation'.padEnd(w), 'cases', 'valid', ...statuses.map((s) => String(s).padStart(4)), '5xx'].join(' ');
  const lines = rs.map((r) =>
    [
      r.operationId.padEnd(w),
      String(r.cases).padStart(5),
      String(r.valid).padStart(5),
      ...statuses.map((s) => String(r.statuses[s] ?? '').padStart(4)),
      String(r.fiveXx).padStart(3),
    ].join(' '),
  );
  const cases = rs.reduce((n, r) => n + r.cases, 0);
  const fiveXx = rs.reduce((n, r) => n + r.fiveXx, 0);
  const violations = rs.reduce((n, r) => n + r.violations.length, 0);
  return [
    '',
    `Spec-driven fuzzing (seed ${SEED}, ${RUNS} cases per operation)`,
    head,
    ...lines,
    `operations: ${rs.length}, cases: ${cases}, 5xx: ${fiveXx}, violations: ${violations}`,
    ...(violations
      ? [`reproduce one operation: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} FUZZ_OPS=<operationId> npx jest test/fuzz/spec-fuzz.test.ts`]
      : []),
    '',
  ].join('\n');
}
