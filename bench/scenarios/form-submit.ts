import { ENTITIES } from '../../src/entities';
import express from 'express';
import { Pool, type Client } from 'pg';
import { seedNationalTemplates } from '../../src/modules/agency-forms';
import { exampleAnswers, findTemplate } from '../../src/modules/agency-forms/catalogue';
import { createDataSource } from '../../src/platform/db/data-source';
import { createLogger } from '../../src/platform/logger';
import { seedDirectory } from '../../test/support/notifications';
import { as, principal } from '../../test/support/principals';
import { startTestAuthCandidate } from '../lib/test-auth-candidate';
import type { BenchRequest, Scenario, ServerContext, ServerHandle, SetupContext } from '../lib/scenario';

/**
 * POST /v1/form-requests/{requestId}/submit: the largest national template (the
 * agency reporting form, about 110 questions) submitted complete, a request of
 * its own each time (a first submission, not an amendment), by the agency asked.
 *
 * Candidate: the whole application from createApp (production configuration,
 * request logs at info to a null stream, no response validation), the
 * header-based test authenticator as in `directory-create`: OpenAPI validation
 * of the body, authorization, the request's row scoping and lock, validation
 * of every answer against the template version with Ajv (compiled once), the
 * completeness, the revision, the request update, the draft removal, the case
 * change (case row lock, history entry, listeners), audit.
 *
 * Baseline: bare Express 5 + express.json() + pg, no validation or
 * authentication: the same rows in one transaction and one statement (the
 * request locked and updated, the submission inserted with its counts, the
 * draft deleted, the case row locked, the case history entry and the audit
 * event inserted).
 */

const REQUESTS = 20_000;
/** The largest national template (by questions): the agency reporting form. */
export const REPORTING_TEMPLATE = findTemplate('reporting')!;
const TEMPLATE = REPORTING_TEMPLATE;
/** The answers this scenario submits: complete, every tenth question that allows it 'not_known'. */
export const FORM_SUBMIT_ANSWERS = exampleAnswers(TEMPLATE, { notKnownEvery: 10 });
const BODY = submitBody(FORM_SUBMIT_ANSWERS);

/** A submission's body: the template version and the answers. */
export function submitBody(answers: Record<string, Record<string, unknown>>): string {
  return JSON.stringify({ templateVersion: TEMPLATE.version, answers });
}

/** The agency's requests, filled in by setup() (both sides get the same request for the same seq). */
let requestIds: string[] = [];
let agencyHeaders: Record<string, string> = {};

async function startBaseline(ctx: ServerContext): Promise<ServerHandle> {
  const pool = new Pool({ connectionString: ctx.databaseUrl, max: ctx.poolMax, application_name: 'cdop-bench-baseline' });
  pool.on('error', () => undefined);
  const app = express();
  app.use(express.json({ limit: '2mb' }));
  app.post('/v1/form-requests/:requestId/submit', async (req, res) => {
    const b = req.body as { templateVersion: number; answers: unknown };
    const { rows } = await pool.query<{ id: string }>(
      `WITH fr AS (SELECT id, case_id, template_id FROM form_requests WHERE id = $1 AND status = 'requested' FOR UPDATE),
            c AS (SELECT cases.id, cases.status FROM cases JOIN fr ON fr.case_id = cases.id FOR UPDATE OF cases),
            s AS (INSERT INTO form_submissions (request_id, revision, template_id, template_version, answers, questions, answered,
                    not_known, not_applicable, submitted_by_type, submitted_by_id)
                  SELECT fr.id, 1, fr.template_id, $2, $3::jsonb, 100, 90, 10, 0, 'user', 'bench' FROM fr RETURNING id, request_id),
            u AS (UPDATE form_requests r SET status = 'submitted', submitted_at = now(), revisions = 1, version = version + 1
                  FROM s WHERE r.id = s.request_id RETURNING r.id),
            d AS (DELETE FROM form_drafts WHERE request_id IN (SELECT id FROM fr)),
            h AS (INSERT INTO case_actions (case_id, action, from_status, to_status, actor_type, actor_id, payload)
                  SELECT c.id, 'form_submitted', c.status, c.status, 'user', 'bench', jsonb_build_object('requestId', $1::uuid) FROM c),
            a AS (INSERT INTO audit_events (actor_type, actor_id, action, resource_type, resource_id, outcome, details)
                  SELECT 'user', 'bench', 'form.submit', 'form_request', s.request_id::text, 'success', '{}'::jsonb FROM s)
       SELECT id FROM s`,
      [req.params.requestId, b.templateVersion, JSON.stringify(b.answers)],
    );
    if (!rows[0]) return void res.status(409).json({ error: 'not requested' });
    res.status(201).json({ requestId: req.params.requestId, revision: 1 });
  });
  let reported = false;
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    if (!reported) console.error(`baseline: first request error: ${err.message}`);
    reported = true;
    res.status(500).json({ error: 'internal' });
  });
  return { handler: app, close: () => pool.end() };
}

/** A panel, the agencies, the national templates, REQUESTS cases each with a reporting form asked of the hospital. */
async function setup(ctx: SetupContext): Promise<void> {
  // A later scenario of the same run (e.g. scr-rules-form-submit after scr-rules-form-submit-flags) shares the
  // database: the cases and requests seeded for the first are still there (reset() never removes them).
  if (requestIds.length) {
    const { rows } = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM form_requests WHERE id = ANY($1::uuid[])', [
      requestIds,
    ]);
    if (rows[0]?.n === requestIds.length) return;
  }
  const ds = createDataSource({
    url: ctx.databaseUrl,
    poolMax: 2,
    connectTimeoutMs: 10_000,
    statementTimeoutMs: 120_000,
    log: createLogger('warn'),
    entities: ENTITIES,
  });
  await ds.initialize();
  try {
    await seedNationalTemplates(ds);
    const dir = await seedDirectory(ds);
    await ds.query(
      `INSERT INTO cases (reference, panel_id, status, child_nhs_exception, child_given_name, child_family_name, child_date_of_birth,
                          child_sex, date_of_death, age_at_death_days, local_authority_code, expected_death, notified_at)
       SELECT 'WOR-2026-' || lpad(i::text, 5, '0'), $1, 'gathering_information', 'nhs_number_not_currently_available',
              'Bench', 'Child' || i, DATE '2020-01-01', 'female', DATE '2026-06-01', 2343, 'E10000034', 'unexpected', now()
         FROM generate_series(1, $2) AS i`,
      [dir.panelId, REQUESTS],
    );
    await ds.query(
      `INSERT INTO form_requests (case_id, agency_id, template_id, template_version, due_date, requested_by)
       SELECT id, $1, 'reporting', $2, DATE '2027-01-31', 'user:bench' FROM cases ORDER BY reference`,
      [dir.hospitalId, TEMPLATE.version],
    );
    const rows: { id: string }[] = await ds.query(
      `SELECT fr.id FROM form_requests fr JOIN cases c ON c.id = fr.case_id ORDER BY c.reference`,
    );
    requestIds = rows.map((r) => r.id);
    agencyHeaders = as(principal('agency_contributor', { agencyId: dir.hospitalId }));
  } finally {
    await ds.destroy();
  }
}

let auditMark = 0;

export const formSubmit: Scenario = {
  name: 'form-submit',
  description: `POST /v1/form-requests/{id}/submit: the agency reporting form (${TEMPLATE.display.sections.reduce((n, s) => n + s.fields.length, 0)} questions) complete, a first submission each`,
  expectedStatus: 201,
  sides: {
    baseline: {
      label: 'bare Express 5 + express.json() + pg: the same rows in one statement (request, submission, draft, case lock, history, audit)',
      start: startBaseline,
    },
    candidate: {
      label: 'full service: createApp, production config, info logs to a null stream, test authenticator, no response validation',
      start: startTestAuthCandidate,
    },
  },
  setup,

  request: (seq) => formSubmitRequest(seq, BODY),
  reset: resetFormSubmit,
  verify: verifyFormSubmit,

  // No target is set for it (issue 12 asks for the ratio and p99 to be reported): runs at 50 connections.
  targets: [],
  minWarmupSeconds: 4,
};

/** The submission numbered `seq`: `body` (submitBody()) to the next of the seeded requests, as the agency asked. */
export function formSubmitRequest(seq: number, body: string): BenchRequest {
  if (!requestIds.length) throw new Error('form-submit: setup() has not run');
  return {
    method: 'POST',
    path: `/v1/form-requests/${requestIds[seq % requestIds.length]}/submit`,
    headers: { 'content-type': 'application/json', ...agencyHeaders },
    body,
  };
}

/**
 * Before every load run: no submission, draft, case history or safeguarding flag (so every submission is a first
 * one, and the rules meet the case as they do a first time), and every request back to `requested`.
 */
export async function resetFormSubmit(db: Client): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.query(
        // CASCADE: rows that refer to these (a case transfer's history entry) go with them; none in this scenario.
        `TRUNCATE form_submissions, form_drafts, case_actions, safeguarding_flag_events, safeguarding_flag_clocks, safeguarding_flags CASCADE`,
      );
      break;
    } catch (err) {
      if ((err as { code?: string }).code !== '40P01' || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
  await db.query(
    `UPDATE form_requests SET status = 'requested', submitted_at = NULL, revisions = 0, version = 1 WHERE status <> 'requested'`,
  );
  const { rows } = await db.query<{ id: string | null }>('SELECT max(id)::text AS id FROM audit_events');
  auditMark = Number(rows[0]?.id ?? 0);
}

/** After a load run: the submissions, submitted requests, history entries and audit events the responses claim. */
export async function verifyFormSubmit(db: Client, succeeded: number): Promise<string | undefined> {
  const { rows } = await db.query<{ submissions: number; submitted: number; history: number; audited: number }>(
    `SELECT (SELECT count(*)::int FROM form_submissions) AS submissions,
            (SELECT count(*)::int FROM form_requests WHERE status = 'submitted') AS submitted,
            (SELECT count(*)::int FROM case_actions WHERE action = 'form_submitted') AS history,
            (SELECT count(*)::int FROM audit_events WHERE id > $1 AND action = 'form.submit') AS audited`,
    [auditMark],
  );
  const r = rows[0]!;
  const problems: string[] = [];
  if (r.submissions < succeeded) problems.push(`${succeeded} responses said submitted but there are ${r.submissions} submissions`);
  if (r.submitted !== r.submissions) problems.push(`${r.submissions} submissions but ${r.submitted} submitted requests`);
  if (r.history < r.submissions) problems.push(`${r.submissions} submissions but ${r.history} case history entries`);
  if (r.audited < r.submissions) problems.push(`${r.submissions} submissions but ${r.audited} form.submit audit events`);
  return problems.join('; ') || undefined;
}
