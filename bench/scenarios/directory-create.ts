import express from 'express';
import { Pool } from 'pg';
import { as, principal } from '../../test/support/principals';
import { startTestAuthCandidate } from '../lib/test-auth-candidate';
import type { BenchRequest, Scenario, ServerContext, ServerHandle } from '../lib/scenario';

/**
 * POST /v1/agencies with a unique body per request.
 *
 * Baseline: bare Express 5 + express.json() + one pg.Pool query, the same
 * INSERT ... RETURNING the repository runs, answered with 201 and the row.
 * Candidate: the whole application from createApp (helmet, request context and
 * request log, metrics, authentication, OpenAPI validation, authorization, the
 * directory service's READ COMMITTED transaction, problem mapping).
 */

const AGENCY_TYPES = [
  'hospital_trust',
  'gp_practice',
  'police',
  'childrens_social_care',
  'education',
  'ambulance',
  'public_health',
  'other',
] as const;

const COLUMNS = 'id, name, type, ods_code, contact_email, active, created_at, updated_at, version';

// Authentication: the header-based test authenticator from test/support/principals.ts, which
// trusts a base64url principal in `x-test-principal`. The real authenticators (client tokens,
// SAML sessions) arrive in a later issue; when they do, this scenario should authenticate the
// way a production caller does (e.g. a bearer token), so their cost is measured too.
const COORDINATOR_HEADERS = as(principal('cdop_coordinator'));

interface AgencyBody {
  name: string;
  type: string;
  odsCode?: string | null;
  contactEmail?: string | null;
  active?: boolean;
}

async function startBaseline(ctx: ServerContext): Promise<ServerHandle> {
  const pool = new Pool({ connectionString: ctx.databaseUrl, max: ctx.poolMax, application_name: 'cdop-bench-baseline' });
  pool.on('error', () => undefined); // an idle client lost: the pool replaces it
  const app = express();
  app.use(express.json());
  app.post('/v1/agencies', async (req, res) => {
    const b = req.body as AgencyBody;
    const { rows } = await pool.query(
      `INSERT INTO agencies (name, type, ods_code, contact_email, active) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [b.name, b.type, b.odsCode ?? null, b.contactEmail ?? null, b.active ?? true],
    );
    res.status(201).json(rows[0]);
  });
  // Failures are counted by the load generator; print only the first (Express's default handler prints every stack).
  let reported = false;
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    if (!reported) console.error(`baseline: first request error: ${err.message}`);
    reported = true;
    res.status(500).json({ error: 'internal' });
  });
  return { handler: app, close: () => pool.end() };
}

export const directoryCreate: Scenario = {
  name: 'directory-create',
  description: 'POST /v1/agencies as a coordinator, a new agency (unique name and ODS code) per request',
  expectedStatus: 201,
  sides: {
    baseline: { label: 'bare Express 5 + express.json() + pg.Pool single-row INSERT', start: startBaseline },
    candidate: {
      label: 'full app (createApp), production config, TypeORM transaction, request logs to a null stream',
      start: startTestAuthCandidate,
    },
  },

  request(seq: number): BenchRequest {
    const id = seq.toString(36).toUpperCase().padStart(6, '0');
    return {
      method: 'POST',
      path: '/v1/agencies',
      headers: { 'content-type': 'application/json', ...COORDINATOR_HEADERS },
      body: JSON.stringify({
        name: `Bench agency ${id}`,
        type: AGENCY_TYPES[seq % AGENCY_TYPES.length],
        odsCode: `B${id}`, // ^[A-Z0-9]{3,10}$, unique (agencies_ods_code_key)
        contactEmail: `agency-${id.toLowerCase()}@example.org`,
      }),
    };
  },

  async reset(db) {
    await db.query('TRUNCATE agencies RESTART IDENTITY CASCADE');
  },

  async verify(db, succeeded) {
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM agencies');
    const n = rows[0]?.n ?? 0;
    // Requests still in flight when the run stops may add rows, never remove them.
    return n < succeeded ? `${succeeded} responses said created but the table holds ${n} rows` : undefined;
  },

  // Issue 9: the service's plain CRUD path (a TypeORM transaction behind the whole middleware stack) serves at least 40% of a bare INSERT.
  targets: [{ connections: 50, minThroughputRatio: 0.4 }],
};
