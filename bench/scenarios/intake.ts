import { ENTITIES } from '../../src/entities';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import express from 'express';
import { Pool } from 'pg';
import { createApp } from '../../src/app';
import { startAuditSealer } from '../../src/audit';
import { createAuthMechanisms } from '../../src/auth';
import { JWT_BEARER_ASSERTION_TYPE, registerClient } from '../../src/auth/api-clients';
import { jose } from '../../src/auth/api-clients/jose';
import { newPkcs8Pem } from '../../src/auth/api-clients/signing-keys';
import { TOKEN_PATH } from '../../src/auth/api-clients/token-request';
import { generateSelfSignedKeyPair } from '../../src/auth/key-material';
import { loadConfig } from '../../src/config';
import { createDataSource } from '../../src/platform/db/data-source';
import { loadOpenApi } from '../../src/platform/http/openapi';
import { createLogger } from '../../src/platform/logger';
import { notification, seedDirectory, type Directory } from '../../test/support/notifications';
import type { BenchRequest, Scenario, ServerContext, ServerHandle, SetupContext } from '../lib/scenario';

/**
 * POST /v1/notifications from a registered hospital system: a new death per
 * request (unique valid NHS number, unique names, dates spread over the last
 * two years), a unique Idempotency-Key per request, and a real bearer token.
 *
 * Setup (in the parent, once the servers listen): seeds a panel and the
 * agencies a notification names (test/support/notifications.ts), registers an
 * API client for the hospital through registerClient (what `npm run
 * client:create` runs, generated key pair), signs a private_key_jwt client
 * assertion with jose and exchanges it at the candidate's real POST
 * /oauth2/token. The token is renewed before a load run once half its
 * lifetime has passed.
 *
 * Candidate: the whole service as src/server.ts assembles it (createApp with
 * createAuthMechanisms: SAML sessions + bearer tokens, and the audit sealer
 * running), NODE_ENV=production with throwaway key files, request logs at
 * info to a null stream, response validation off. Every request goes through
 * bearer verification (ES256 + the client check), OpenAPI validation,
 * authorization, the form rules, the Idempotency-Key check, the death locks,
 * dedupe lookup, the case write, audit and the idempotent response.
 *
 * Baseline: bare Express 5 + express.json() + one pg.Pool INSERT of the same
 * notification row (payload jsonb and the notification's columns) into a
 * notifications-like table, answered 201.
 */

/** Where the candidate says it lives; the token endpoint (and so the assertion's aud) derives from it. */
const PUBLIC_BASE_URL = 'https://cdop-bench.invalid';
const TOKEN_URL = `${PUBLIC_BASE_URL}${TOKEN_PATH}`;
const BASELINE_TABLE = 'bench_intake_baseline';

function nullStream(): Writable {
  return new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });
}

// ---------------------------------------------------------------- candidate (child process)

async function startCandidate(ctx: ServerContext): Promise<ServerHandle> {
  // Production insists on real key files: generate throwaway ones for this server only.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdop-bench-intake-'));
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
  process.on('exit', removeDir);
  const file = (name: string, content: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, content, { mode: 0o600 });
    return f;
  };
  const sp = generateSelfSignedKeyPair('cdop-bench SP');
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: ctx.databaseUrl,
    DB_POOL_MAX: String(ctx.poolMax),
    LOG_LEVEL: 'info',
    SEED_DEMO_DATA: 'false',
    OPENAPI_VALIDATE_RESPONSES: 'false',
    PUBLIC_BASE_URL,
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    SAML_SP_KEY_FILE: file('sp-key.pem', sp.privateKeyPem),
    SAML_SP_CERT_FILE: file('sp-cert.pem', sp.certPem),
    ACCESS_TOKEN_SIGNING_KEY_FILE: file('access-token-key.pem', newPkcs8Pem()),
    // One client from one address sends the whole load: limits far above it, so the limiter's cost is measured but never refuses.
    RATE_LIMIT_NOTIFICATIONS_PER_CLIENT: '1000000000',
    RATE_LIMIT_NOTIFICATIONS_PER_ADDRESS: '1000000000',
  });
  // Every request writes its "request completed" line at info, as in production; the sink drops it.
  const log = createLogger(config.logLevel, nullStream());
  const openapi = await loadOpenApi(config.openapiPath);
  const dataSource = createDataSource({ ...config.database, url: ctx.databaseUrl, log, entities: ENTITIES });
  await dataSource.initialize(); // the run's database is already migrated
  const auth = await createAuthMechanisms({ config, log, dataSource });
  const app = createApp({ config, log, dataSource, openapi, auth });
  const sealer = startAuditSealer(dataSource, log, config.auditSealIntervalMs);
  return {
    handler: app,
    async close() {
      for (const m of auth) await m.close?.();
      await sealer.stop().catch(() => undefined);
      await dataSource.destroy();
      removeDir();
    },
  };
}

// ---------------------------------------------------------------- baseline (child process)

async function startBaseline(ctx: ServerContext): Promise<ServerHandle> {
  const pool = new Pool({ connectionString: ctx.databaseUrl, max: ctx.poolMax, application_name: 'cdop-bench-baseline' });
  pool.on('error', () => undefined);
  // The notifications table without its case: same columns, same agency foreign key, same payload.
  await pool.query(`CREATE TABLE IF NOT EXISTS ${BASELINE_TABLE} (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    notifier_agency_id  uuid NOT NULL REFERENCES agencies (id),
    notified_on         date NOT NULL,
    received_at         timestamptz NOT NULL DEFAULT now(),
    submitted_by_type   text NOT NULL,
    submitted_by_id     text NOT NULL,
    match               text NOT NULL,
    payload             jsonb NOT NULL)`);
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.post('/v1/notifications', async (req, res) => {
    const b = req.body as { notifier: { agencyId: string }; notifiedOn: string };
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO ${BASELINE_TABLE} (notifier_agency_id, notified_on, submitted_by_type, submitted_by_id, match, payload)
       VALUES ($1, $2, 'client', 'bench', 'new_case', $3) RETURNING id`,
      [b.notifier.agencyId, b.notifiedOn, JSON.stringify(req.body)],
    );
    res.status(201).json({ notificationId: rows[0]!.id, outcome: 'case_created' });
  });
  let reported = false;
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    if (!reported) console.error(`baseline: first request error: ${err.message}`);
    reported = true;
    res.status(500).json({ error: 'internal' });
  });
  return { handler: app, close: () => pool.end() };
}

// ---------------------------------------------------------------- requests (parent process)

interface Caller {
  directory: Directory;
  clientId: string;
  kid: string;
  signingKey: CryptoKey;
  candidateUrl: string;
  token: string;
  tokenObtainedAt: number;
  tokenTtlMs: number;
}

let caller: Caller | undefined;
/** Keeps the Idempotency-Keys of two runs apart (e.g. against the same external database). */
const RUN_ID = randomBytes(4).toString('hex');

/** YYYY-MM-DD for `daysAgo` days before today (UTC), precomputed: request() runs for every request. */
const DAY_MS = 86_400_000;
const TODAY = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
const DAYS = Array.from({ length: 7400 }, (_, i) => new Date(TODAY - i * DAY_MS).toISOString().slice(0, 10));

/** A valid NHS number (Modulus 11) unique to `seq`: the nine digits 100000000 + 10·seq + k, for the first k whose check digit exists. */
export function uniqueNhsNumber(seq: number): string {
  // Adding k to the last of the nine digits (weight 2) adds 2k to the sum: at most one k in 0..9 gives check digit 10.
  const base = 100_000_000 + (seq % 89_999_999) * 10;
  for (let k = 0; k < 10; k++) {
    const nine = String(base + k);
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += (nine.charCodeAt(i) - 48) * (10 - i);
    const check = 11 - (sum % 11);
    if (check !== 10) return nine + String(check === 11 ? 0 : check);
  }
  throw new Error('unreachable');
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
/** A letters-only name part unique to n ("b", "c"… "ba"…), so no two children share names. */
function letters(n: number): string {
  let s = '';
  do {
    s = LETTERS[n % 26] + s;
    n = Math.floor(n / 26);
  } while (n > 0);
  return s;
}
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/**
 * How many panels the deaths are spread over (BENCH_INTAKE_PANELS, default 1). With one, every
 * notification takes the same panel-and-year reference counter row lock (gapless references), so
 * the transactions queue on it: the worst case, and what one hospital's burst looks like. More
 * panels (each with its own local authority) show the cost of the stack without that queue.
 */
const PANELS = Math.max(1, Math.min(50, Number(process.env.BENCH_INTAKE_PANELS ?? '1') || 1));
/** GSS codes of the local authorities, one per panel; the first is the seeded Worcestershire. */
let localAuthorities: string[] = ['E10000034'];

function notificationFor(seq: number, dir: Directory) {
  // Deaths spread over the last two years (never today: no time-zone edge), births up to 17 years before:
  // a handful of dedupe candidates at most, as in production (a few thousand child deaths a year).
  const deathAgo = 2 + (seq % 730);
  const ageDays = 1 + ((seq * 7919) % 6200);
  return notification(dir, {
    nhsNumber: uniqueNhsNumber(seq),
    givenName: `Ava${letters(seq)}`,
    familyName: `Bench${cap(letters(seq * 31 + 7))}`,
    dateOfDeath: DAYS[deathAgo],
    dateOfBirth: DAYS[deathAgo + ageDays],
    localAuthority: localAuthorities[seq % localAuthorities.length],
  });
}

async function signAssertion(c: Pick<Caller, 'clientId' | 'kid' | 'signingKey'>): Promise<string> {
  const { SignJWT } = await jose();
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: c.kid, typ: 'JWT' })
    .setIssuer(c.clientId)
    .setSubject(c.clientId)
    .setAudience(TOKEN_URL)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('2m')
    .sign(c.signingKey);
}

/** The real client-credentials exchange at the candidate's POST /oauth2/token. */
async function obtainToken(c: Caller): Promise<void> {
  const res = await fetch(`${c.candidateUrl}${TOKEN_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
      client_assertion: await signAssertion(c),
      scope: 'notifications:write',
    }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as { access_token?: string; expires_in?: number; error?: string };
  if (res.status !== 200 || !body.access_token) throw new Error(`intake: token request answered ${res.status} ${body.error ?? ''}`);
  c.token = body.access_token;
  c.tokenObtainedAt = Date.now();
  c.tokenTtlMs = (body.expires_in ?? 300) * 1000;
}

async function setup(ctx: SetupContext): Promise<void> {
  const ds = createDataSource({
    url: ctx.databaseUrl,
    poolMax: 2,
    connectTimeoutMs: 10_000,
    statementTimeoutMs: 60_000,
    log: createLogger('warn'),
    entities: ENTITIES,
  });
  await ds.initialize();
  try {
    const directory = await seedDirectory(ds);
    localAuthorities = ['E10000034'];
    for (let i = 1; i < PANELS; i++) {
      const code = `B${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}`;
      const la = `E0${String(9_000_000 + i).padStart(7, '0')}`;
      const [panel] = await ds.query(`INSERT INTO panels (code, name) VALUES ($1, $2) RETURNING id`, [code, `Bench panel ${code}`]);
      await ds.query(`INSERT INTO panel_local_authorities (la_code, panel_id, name, position) VALUES ($1, $2, $3, 0)`, [
        la,
        panel.id,
        `Bench LA ${i}`,
      ]);
      localAuthorities.push(la);
    }
    const registered = await registerClient(ds, {
      agency: directory.hospitalId,
      scopes: ['notifications:write'],
      name: 'Bench RWP integration engine',
    });
    const { importPKCS8 } = await jose();
    caller = {
      directory,
      clientId: registered.clientId,
      kid: registered.kid,
      signingKey: await importPKCS8(registered.privateKey!.pkcs8Pem, 'ES256'),
      candidateUrl: ctx.urls.candidate,
      token: '',
      tokenObtainedAt: 0,
      tokenTtlMs: 0,
    };
    await obtainToken(caller);
  } finally {
    await ds.destroy();
  }
}

/** The highest audit event id before the current load run: verify() counts the run's events above it. */
let auditMark = 0;

export const intake: Scenario = {
  name: 'intake',
  description:
    `POST /v1/notifications from a hospital system (OAuth bearer token), a new death and Idempotency-Key per request, ` +
    `${PANELS === 1 ? 'one panel' : `${PANELS} panels`}`,
  expectedStatus: 201,
  sides: {
    baseline: {
      label: 'bare Express 5 + express.json() + pg.Pool single INSERT of the notification row (payload jsonb)',
      start: startBaseline,
    },
    candidate: {
      label:
        'full service: createApp + createAuthMechanisms (bearer ES256) + audit sealer, production config, info logs to a null stream, no response validation',
      start: startCandidate,
    },
  },

  setup,

  request(seq: number): BenchRequest {
    const c = caller;
    if (!c) throw new Error('intake: setup() has not run');
    return {
      method: 'POST',
      path: '/v1/notifications',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${c.token}`,
        'idempotency-key': `bench-${RUN_ID}-${seq}`,
      },
      body: JSON.stringify(notificationFor(seq, c.directory)),
    };
  },

  async reset(db) {
    // Requests the load generator gave up waiting for may still be finishing in the server: a
    // TRUNCATE that meets one can deadlock (its locks are taken table by table), so it is retried.
    for (let attempt = 1; ; attempt++) {
      try {
        await db.query(
          `TRUNCATE cases, notifications, case_actions, case_agencies, case_deadlines, case_flags, case_reference_counters,
                    idempotency_keys, ${BASELINE_TABLE} RESTART IDENTITY CASCADE`,
        );
        break;
      } catch (err) {
        if ((err as { code?: string }).code !== '40P01' || attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
    // audit_events is append-only (a trigger refuses TRUNCATE): it grows through the run, as in production.
    const { rows } = await db.query<{ id: string | null }>('SELECT max(id)::text AS id FROM audit_events');
    auditMark = Number(rows[0]?.id ?? 0);
    // Renew the access token once half its life has gone, so no load run meets an expired token.
    if (caller && Date.now() - caller.tokenObtainedAt > caller.tokenTtlMs / 2) await obtainToken(caller);
  },

  async verify(db, succeeded, side) {
    const { rows } = await db.query<{ baseline: number; notifications: number; cases: number; audited: number; completed: number }>(
      `SELECT (SELECT count(*)::int FROM ${BASELINE_TABLE}) AS baseline,
              (SELECT count(*)::int FROM notifications) AS notifications,
              (SELECT count(*)::int FROM cases) AS cases,
              (SELECT count(*)::int FROM audit_events WHERE id > $1 AND action = 'notification.create') AS audited,
              (SELECT count(*)::int FROM idempotency_keys WHERE status = 'completed') AS completed`,
      [auditMark],
    );
    const r = rows[0]!;
    // Requests still in flight when a run stops may add rows, never remove them.
    if (side === 'baseline') {
      return r.baseline < succeeded ? `${succeeded} responses said created but the baseline table holds ${r.baseline} rows` : undefined;
    }
    const problems: string[] = [];
    if (r.notifications < succeeded) problems.push(`${succeeded} responses said created but there are ${r.notifications} notifications`);
    if (r.cases !== r.notifications) problems.push(`${r.notifications} notifications of distinct deaths made ${r.cases} cases`);
    if (r.audited < r.notifications) problems.push(`${r.notifications} notifications but ${r.audited} notification.create audit events`);
    if (r.completed < r.notifications) problems.push(`${r.notifications} notifications but ${r.completed} completed Idempotency-Keys`);
    return problems.join('; ') || undefined;
  },

  targets: { minThroughputRatio: 0.6, maxCandidateP99Ms: 50, connections: 50 },
  // At a few hundred requests a second, 2 s of warm-up leaves the candidate's first rounds still being optimised.
  minWarmupSeconds: 6,
};
