import { ENTITIES } from '../../src/entities';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import express from 'express';
import { Pool, type Client } from 'pg';
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
import type { CandidateOptions } from '../lib/test-auth-candidate';
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
 * Baseline: the equal-work server (startEqualWork): bare Express 5 + pg.Pool
 * writing the same rows in one statement. Informative: one INSERT of the
 * notification row alone (`intake`), or the equal-work statement sent with as
 * many round trips as the service sends (`intake-floor`).
 */

/** Where the candidate says it lives; the token endpoint (and so the assertion's aud) derives from it. */
const PUBLIC_BASE_URL = 'https://cdop-bench.invalid';
const TOKEN_URL = `${PUBLIC_BASE_URL}${TOKEN_PATH}`;
const SINGLE_INSERT_TABLE = 'bench_intake_single_insert';

/**
 * The access-token signing key every candidate of the run shares, so the token setup() obtains from one is accepted
 * by another (the `scr-rules-intake` scenarios run the service on both sides). Generated in the parent when this
 * module loads; the server children inherit it through their environment, so they do not generate their own.
 */
const TOKEN_KEY_ENV = 'BENCH_INTAKE_TOKEN_SIGNING_KEY_PEM';
process.env[TOKEN_KEY_ENV] ??= newPkcs8Pem();

function nullStream(): Writable {
  return new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });
}

// ---------------------------------------------------------------- candidate (child process)

/** The service as src/server.ts assembles it; `options` may change what createApp gets (e.g. no case-change listeners). */
export async function startIntakeCandidate(ctx: ServerContext, options: CandidateOptions = {}): Promise<ServerHandle> {
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
    // The service's mail relay and job queue are not part of the request path measured here.
    MAIL_ENABLED: 'false',
    JOBS_ENABLED: 'false',
    OPENAPI_VALIDATE_RESPONSES: 'false',
    PUBLIC_BASE_URL,
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    SAML_SP_KEY_FILE: file('sp-key.pem', sp.privateKeyPem),
    SAML_SP_CERT_FILE: file('sp-cert.pem', sp.certPem),
    ACCESS_TOKEN_SIGNING_KEY_FILE: file('access-token-key.pem', process.env[TOKEN_KEY_ENV] ?? newPkcs8Pem()),
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
  const app = createApp({ config, log, dataSource, openapi, auth, ...options });
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

// ---------------------------------------------------------------- baselines (child process)

/** Records a baseline's first failure (Express's default handler would print every stack) and answers 500. */
function firstErrorReporter(name: string) {
  let reported = false;
  return (err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    if (!reported) console.error(`${name}: first request error: ${err.message}`);
    reported = true;
    res.status(500).json({ error: 'internal' });
  };
}

/** Who the equal-work baseline records as the actor (it authenticates nobody): an id as long as a client's. */
const BASELINE_ACTOR = '00000000-0000-4000-8000-00000000b3c4';
const DAY = 86_400_000;

/**
 * The intake's writes for a new death, in one statement (so one round trip and
 * one transaction): the panel of the local authority, the panel's reference
 * counter, the case with its `notify` action, agencies and clocks, the
 * notification, the two audit events (notification.create, case.create) and
 * the stored Idempotency-Key response, into the service's own tables. Written
 * for the baseline only: the service formats references and decides
 * everything in TypeScript, through each module's own statements.
 */
const EQUAL_WORK_SQL = `
WITH pl AS (
  SELECT p.id, p.code FROM panel_local_authorities la JOIN panels p ON p.id = la.panel_id WHERE la.la_code = $1),
counter AS (
  INSERT INTO case_reference_counters (panel_id, year, last_number) SELECT pl.id, $2::int, 1 FROM pl
  ON CONFLICT (panel_id, year) DO UPDATE SET last_number = case_reference_counters.last_number + 1
  RETURNING panel_id, last_number),
cs AS (
  INSERT INTO cases (id, reference, panel_id, status, child_nhs_number, child_nhs_exception, child_given_name, child_family_name,
                     child_date_of_birth, child_sex, date_of_death, age_at_death_days, local_authority_code, expected_death, notified_at)
  SELECT $3::uuid, pl.code || '-' || $2::int::text || '-' || lpad(counter.last_number::text, 4, '0'), pl.id, 'notified',
         $4, NULL, $5, $6, $7::date, $8, $9::date, $10::int, $1, $11, $12::timestamptz
    FROM pl JOIN counter ON counter.panel_id = pl.id
  RETURNING id, reference),
act AS (
  INSERT INTO case_actions (case_id, action, from_status, to_status, actor_type, actor_id, payload)
  SELECT cs.id, 'notify', NULL, 'notified', 'client', $13, $14::jsonb FROM cs),
ag AS (
  INSERT INTO case_agencies (case_id, agency_id, first_notification_id, contacts)
  SELECT cs.id, x.agency_id, $15::uuid, x.contacts FROM cs, jsonb_to_recordset($16::jsonb) AS x(agency_id uuid, contacts jsonb)),
dl AS (
  INSERT INTO case_deadlines (case_id, rule_id, starts_from, started_at, due_at, due_date, met_at)
  SELECT cs.id, t.* FROM cs,
         unnest($17::text[], $18::text[], $19::timestamptz[], $20::timestamptz[], $21::date[], $22::timestamptz[])
           AS t(rule_id, starts_from, started_at, due_at, due_date, met_at)),
n AS (
  INSERT INTO notifications (id, case_id, notifier_agency_id, notified_on, submitted_by_type, submitted_by_id, match, payload)
  SELECT $15::uuid, cs.id, $23::uuid, $24::date, 'client', $13, 'new_case', $25::jsonb FROM cs),
ev AS (
  INSERT INTO audit_events (actor_type, actor_id, action, resource_type, resource_id, outcome, details, request_id)
  SELECT 'client', $13, e.action, e.resource_type, e.resource_id, 'success', e.details, $26 FROM cs,
         (VALUES ('notification.create', 'notification', $15::text, '{"match":"new_case"}'::jsonb),
                 ('case.create', 'case', $3::text, '{"assigned":true,"flags":[]}'::jsonb)) AS e(action, resource_type, resource_id, details)),
ik AS (
  INSERT INTO idempotency_keys (scope, key, request_hash, response_status, response_body)
  SELECT $27, $28, $29, 201, $30::jsonb || jsonb_build_object('caseId', cs.id, 'caseReference', cs.reference) FROM cs)
SELECT reference FROM cs`;

interface NotificationBody {
  child: {
    nhsNumber?: string;
    name: { givenName: string; familyName: string };
    dateOfBirth: string;
    sex: string;
    localAuthorityOfResidence: string;
  };
  death: { dateOfDeath: string; timeOfDeath?: string; expected: string };
  agenciesInvolved: ({ agencyId: string } & Record<string, unknown>)[];
  notifier: { agencyId: string };
  notifiedOn: string;
}

/**
 * Equal-work baseline: bare Express 5 + express.json() + pg.Pool, no validation, authentication
 * or logging, and the rows the intake writes for a new death in one statement (EQUAL_WORK_SQL).
 * Its values come straight from the body, with the least arithmetic: the same rows, columns and
 * sizes, not the service's rules (no London time, no working days).
 */
function startEqualWork(ctx: ServerContext): Promise<ServerHandle> {
  return equalWorkServer(ctx, 'equal-work baseline', (pool, params) => pool.query<{ reference: string }>(EQUAL_WORK_SQL, params));
}

/**
 * The statements the service sends for a new death inside its transaction (test/integration/platform/statement-budget.test.ts
 * lists them: Idempotency-Key lock and lookup, routing, the child's locks, the cases on record, the audit events, the
 * reference counter, the case, the notification, the SCR rules' read, the stored response), and before it (the two
 * rate-limit counters).
 */
const SERVICE_STATEMENTS_IN_TRANSACTION = 11;
const SERVICE_STATEMENTS_BEFORE = 2;

/**
 * Informative side of `intake-floor`: the equal-work baseline's one statement, sent with as many round trips as the
 * service sends, each of them trivial (`SELECT $1`): two before the transaction (in parallel, as the rate limits are),
 * then BEGIN, the trivial ones and the real statement, COMMIT. No validation, authentication, rules or logging: what
 * the number of round trips alone costs on this machine, the floor under any code that keeps the service's
 * statements (one module, one statement; a lock before the read it protects).
 */
function startRoundTripFloor(ctx: ServerContext): Promise<ServerHandle> {
  return equalWorkServer(ctx, 'round-trip floor', async (pool, params) => {
    await Promise.all(Array.from({ length: SERVICE_STATEMENTS_BEFORE }, (_, i) => pool.query('SELECT $1::int', [i])));
    const client = await pool.connect();
    try {
      await client.query('START TRANSACTION');
      for (let i = 1; i < SERVICE_STATEMENTS_IN_TRANSACTION; i++) await client.query('SELECT $1::int', [i]);
      const result = await client.query<{ reference: string }>(EQUAL_WORK_SQL, params);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  });
}

/** Bare Express 5 + express.json() + pg.Pool answering POST /v1/notifications with EQUAL_WORK_SQL's rows, sent by `write`. */
async function equalWorkServer(
  ctx: ServerContext,
  name: string,
  write: (pool: Pool, params: unknown[]) => Promise<{ rows: { reference: string }[] }>,
): Promise<ServerHandle> {
  const pool = new Pool({
    connectionString: ctx.databaseUrl,
    max: ctx.poolMax,
    application_name: `cdop-bench-${name.replace(/\W+/g, '-')}`,
  });
  pool.on('error', () => undefined);
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.post('/v1/notifications', async (req, res) => {
    const raw = req.body as NotificationBody;
    const now = new Date();
    const caseId = randomUUID();
    const notificationId = randomUUID();
    const death = new Date(`${raw.death.dateOfDeath}T00:00:00Z`);
    const ageDays = Math.round((death.getTime() - Date.parse(`${raw.child.dateOfBirth}T00:00:00Z`)) / DAY);
    // One entry per agency named, the notifier's included, with the contact details given.
    const agencies = new Map<string, unknown[]>([[raw.notifier.agencyId, []]]);
    for (const { agencyId, ...contact } of raw.agenciesInvolved) {
      const list = agencies.get(agencyId) ?? [];
      if (Object.keys(contact).length) list.push(contact);
      agencies.set(agencyId, list);
    }
    // The two clocks a new case starts with (the notification form's, met now, and the panel review's).
    const formDue = new Date(death.getTime() + 2 * DAY);
    const reviewDue = new Date(death.getTime() + 182 * DAY);
    const timeOfDeath = raw.death.timeOfDeath
      ? {
          timeOfDeathRecorded: {
            instant: `${raw.death.dateOfDeath}T${raw.death.timeOfDeath}:00.000Z`,
            utcOffset: '+00:00',
            ambiguous: false,
          },
        }
      : {};
    const receipt = { notificationId, outcome: 'case_created', possibleDuplicateOf: [], ...timeOfDeath };
    const key = String(req.headers['idempotency-key'] ?? '');
    const { rows } = await write(pool, [
      raw.child.localAuthorityOfResidence,
      now.getUTCFullYear(),
      caseId,
      raw.child.nhsNumber?.replace(/\s/g, '') ?? null,
      raw.child.name.givenName,
      raw.child.name.familyName,
      raw.child.dateOfBirth,
      raw.child.sex,
      raw.death.dateOfDeath,
      ageDays,
      raw.death.expected,
      now,
      BASELINE_ACTOR,
      JSON.stringify({ notificationId }),
      notificationId,
      JSON.stringify([...agencies].map(([agency_id, contacts]) => ({ agency_id, contacts }))),
      ['notification_form_due', 'panel_review_target'],
      ['date_of_death', 'date_of_death'],
      [death.toISOString(), death.toISOString()],
      [formDue.toISOString(), reviewDue.toISOString()],
      [formDue.toISOString().slice(0, 10), reviewDue.toISOString().slice(0, 10)],
      [now.toISOString(), null],
      raw.notifier.agencyId,
      raw.notifiedOn,
      JSON.stringify(raw),
      randomUUID(),
      `client:${BASELINE_ACTOR}`,
      createHash('sha256').update(key).digest('hex'),
      createHash('sha256').update(JSON.stringify(raw)).digest('hex'),
      JSON.stringify(receipt),
    ]);
    const row = rows[0];
    if (!row) throw new Error(`no panel covers ${raw.child.localAuthorityOfResidence}`);
    res.status(201).json({ ...receipt, caseId, caseReference: row.reference });
  });
  app.use(firstErrorReporter(name));
  return { handler: app, close: () => pool.end() };
}

/**
 * Informative second baseline: bare Express 5 + express.json() + one pg.Pool INSERT of the
 * notification row alone (its columns and the payload as jsonb, the same agency foreign key)
 * into a notifications-like table: far less work than the intake does.
 */
async function startSingleInsert(ctx: ServerContext): Promise<ServerHandle> {
  const pool = new Pool({ connectionString: ctx.databaseUrl, max: ctx.poolMax, application_name: 'cdop-bench-single-insert' });
  pool.on('error', () => undefined);
  // The notifications table without its case: same columns, same agency foreign key, same payload.
  await pool.query(`CREATE TABLE IF NOT EXISTS ${SINGLE_INSERT_TABLE} (
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
    const b = req.body as NotificationBody;
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO ${SINGLE_INSERT_TABLE} (notifier_agency_id, notified_on, submitted_by_type, submitted_by_id, match, payload)
       VALUES ($1, $2, 'client', 'bench', 'new_case', $3) RETURNING id`,
      [b.notifier.agencyId, b.notifiedOn, JSON.stringify(req.body)],
    );
    res.status(201).json({ notificationId: rows[0]!.id, outcome: 'case_created' });
  });
  app.use(firstErrorReporter('single-insert baseline'));
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
function uniqueNhsNumber(seq: number): string {
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
  // A later run of the scenario (another connection count) in the same database: the directory and the
  // client are there already; only the new candidate (with its own token signing key) needs asking for a token.
  if (caller) {
    caller.candidateUrl = ctx.urls.candidate;
    await obtainToken(caller);
    return;
  }
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

/** The notification numbered `seq` as the hospital system sends it; `adjust` may change the form (a scenario's variant). */
export function intakeRequest(seq: number, adjust?: (form: ReturnType<typeof notification>) => void): BenchRequest {
  const c = caller;
  if (!c) throw new Error('intake: setup() has not run');
  const form = notificationFor(seq, c.directory);
  adjust?.(form);
  return {
    method: 'POST',
    path: '/v1/notifications',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${c.token}`,
      'idempotency-key': `bench-${RUN_ID}-${seq}`,
    },
    body: JSON.stringify(form),
  };
}

/**
 * Before every load run: empties the case tables (the safeguarding flags with them, by CASCADE) and the
 * Idempotency-Keys, and `extraTables` (a baseline's own); renews the token once half its life has gone.
 */
export async function resetIntake(db: Client, extraTables: readonly string[] = []): Promise<void> {
  // Requests the load generator gave up waiting for may still be finishing in the server: a
  // TRUNCATE that meets one can deadlock (its locks are taken table by table), so it is retried.
  for (let attempt = 1; ; attempt++) {
    try {
      await db.query(`TRUNCATE ${[...INTAKE_TABLES, ...extraTables].join(', ')} RESTART IDENTITY CASCADE`);
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
}

const INTAKE_TABLES = [
  'cases',
  'notifications',
  'case_actions',
  'case_agencies',
  'case_deadlines',
  'case_flags',
  'case_reference_counters',
  'idempotency_keys',
];

export const intake: Scenario = {
  name: 'intake',
  description:
    `POST /v1/notifications from a hospital system (OAuth bearer token), a new death and Idempotency-Key per request, ` +
    `${PANELS === 1 ? 'one panel' : `${PANELS} panels`}`,
  expectedStatus: 201,
  sides: {
    baseline: {
      label:
        "equal work: bare Express 5 + express.json() + pg.Pool, one statement writing the intake's rows (reference counter, case, " +
        'notify action, agencies, clocks, notification, 2 audit events, Idempotency-Key response) into the same tables',
      start: startEqualWork,
    },
    candidate: {
      label:
        'full service: createApp + createAuthMechanisms (bearer ES256) + audit sealer, production config, info logs to a null stream, no response validation',
      start: startIntakeCandidate,
    },
    informative: {
      label: 'bare Express 5 + express.json() + pg.Pool single INSERT of the notification row alone (payload jsonb)',
      start: startSingleInsert,
    },
  },

  setup,

  request: (seq) => intakeRequest(seq),

  reset: (db) => resetIntake(db, [SINGLE_INSERT_TABLE]),

  async verify(db, succeeded, side) {
    // Requests still in flight when a run stops may add rows, never remove them.
    if (side === 'informative') {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${SINGLE_INSERT_TABLE}`);
      return rows[0]!.n < succeeded
        ? `${succeeded} responses said created but the single-insert table holds ${rows[0]!.n} rows`
        : undefined;
    }
    return verifyIntake(db, succeeded);
  },

  // Issue 9: at 50 connections the service serves at least half the equal-work baseline's req/s; at 10 its p99 is at most 50 ms.
  targets: [
    { connections: 50, minThroughputRatio: 0.5 },
    { connections: 10, maxCandidateP99Ms: 50 },
  ],
  // At a few hundred requests a second, 2 s of warm-up leaves the candidate's first rounds still being optimised.
  minWarmupSeconds: 6,
};

/**
 * After a load run of a side that writes the intake's rows (the equal-work baseline, or the service): a case, its
 * action, agencies, clocks, audit events and stored response for every notification, and a notification for every 201.
 */
export async function verifyIntake(db: Client, succeeded: number): Promise<string | undefined> {
  const { rows } = await db.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM notifications) AS notifications,
            (SELECT count(*)::int FROM cases) AS cases,
            (SELECT count(DISTINCT reference)::int FROM cases) AS references,
            (SELECT coalesce(sum(last_number), 0)::int FROM case_reference_counters) AS numbered,
            (SELECT count(*)::int FROM case_actions WHERE action = 'notify') AS actions,
            (SELECT count(*)::int FROM case_agencies) AS agencies,
            (SELECT count(*)::int FROM case_deadlines) AS deadlines,
            (SELECT count(*)::int FROM audit_events WHERE id > $1 AND action = 'notification.create') AS audited_notifications,
            (SELECT count(*)::int FROM audit_events WHERE id > $1 AND action = 'case.create') AS audited_cases,
            (SELECT count(*)::int FROM idempotency_keys) AS keys`,
    [auditMark],
  );
  const r = rows[0]!;
  // The baseline and the candidate write the same rows: each is checked against the same expectations.
  const n = r.notifications!;
  const expected: [string, number, number][] = [
    ['cases (one per death)', r.cases!, n],
    ['distinct case references', r.references!, n],
    ['reference numbers taken', r.numbered!, n],
    ['notify actions', r.actions!, n],
    ['case agencies (3 per notification)', r.agencies!, 3 * n],
    ['clocks (2 per case)', r.deadlines!, 2 * n],
    ['notification.create audit events', r.audited_notifications!, n],
    ['case.create audit events', r.audited_cases!, n],
    ['stored Idempotency-Key responses', r.keys!, n],
  ];
  const problems = expected.filter(([, got, want]) => got !== want).map(([what, got, want]) => `${what}: ${got}, expected ${want}`);
  if (n < succeeded) problems.unshift(`${succeeded} responses said created but there are ${n} notifications`);
  return problems.join('; ') || undefined;
}

/**
 * `intake` with the round-trip floor as its informative side (startRoundTripFloor): how much of the distance between
 * the service and the equal-work baseline is the number of round trips alone, before any of the service's code. A
 * diagnostic for the issue 9 targets (bench/results/README.md); it states no target.
 */
export const intakeFloor: Scenario = {
  ...intake,
  name: 'intake-floor',
  description: `${intake.description}; informative: the equal-work statement with the service's number of round trips`,
  sides: {
    baseline: intake.sides.baseline,
    candidate: intake.sides.candidate,
    informative: {
      label:
        `round-trip floor: the equal-work statement inside a transaction with ${SERVICE_STATEMENTS_IN_TRANSACTION - 1} trivial ` +
        `statements before it, and ${SERVICE_STATEMENTS_BEFORE} before the transaction (as many round trips as the service)`,
      start: startRoundTripFloor,
    },
  },
  reset: (db) => resetIntake(db),
  verify: (db, succeeded) => verifyIntake(db, succeeded),
  targets: undefined,
};
