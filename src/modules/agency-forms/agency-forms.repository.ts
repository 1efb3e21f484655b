import type { Principal } from '../../access/principal';
import { columnsOf } from '../../platform/db/entity-sql';
import { sql } from '../../platform/db/sql';
import type { Tx } from '../../platform/db/transaction';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import {
  FormDraftEntity,
  FormRequestEntity,
  FormSubmissionEntity,
  type FormRequestStatus,
  type FormTemplateVersionEntity,
} from './entities';
import { requestScopeSql } from './request-scope';

/**
 * The agency-forms module's SQL for requests, drafts and submissions: rows in,
 * rows out, no rules. Reads join the case, agency and template rows a request
 * is shown with (read-only joins of other modules' tables); every read a caller
 * makes embeds requestScopeSql, so a request outside the caller's scope matches
 * no row. Templates are plain CRUD through TypeORM (templates.repository.ts).
 */

/** A request with what it is shown with. */
export type RequestRow = FormRequestEntity & {
  agency_name: string;
  agency_ods_code: string | null;
  template_title: string;
  template_kind: string;
  panel_id: string | null;
  case_reference: string | null;
  child_given_name: string;
  child_family_name: string;
  child_date_of_birth: string;
  date_of_death: string;
  child_nhs_number: string | null;
  /** requested_at exactly (microseconds, UTC), for the keyset cursor. */
  requested_at_key: string;
  /** Of the latest revision (null before the first submission). */
  latest: Pick<FormSubmissionEntity, 'questions' | 'answered' | 'not_known' | 'not_applicable'> | null;
};

const requestSelect = (tx: Tx) => `
  SELECT ${columnsOf(tx, FormRequestEntity, 'fr')},
         to_char(fr.requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS requested_at_key,
         a.name AS agency_name, a.ods_code AS agency_ods_code,
         v.title AS template_title, t.kind AS template_kind,
         c.panel_id, c.reference AS case_reference, c.child_given_name, c.child_family_name,
         c.child_date_of_birth::text AS child_date_of_birth, c.date_of_death::text AS date_of_death, c.child_nhs_number,
         CASE WHEN s.id IS NULL THEN NULL ELSE json_build_object('questions', s.questions, 'answered', s.answered,
           'not_known', s.not_known, 'not_applicable', s.not_applicable) END AS latest
    FROM form_requests fr
    JOIN cases c ON c.id = fr.case_id
    JOIN agencies a ON a.id = fr.agency_id
    JOIN form_templates t ON t.id = fr.template_id
    JOIN form_template_versions v ON v.template_id = fr.template_id AND v.version = fr.template_version
    LEFT JOIN form_submissions s ON s.request_id = fr.id AND s.revision = fr.revisions`;

interface RequestFilter {
  caseId?: string;
  status?: FormRequestStatus;
  /** With `today` (Europe/London): only requests overdue (true) or not (false). */
  overdue?: boolean;
  today: string;
  after?: { requestedAt: string; id: string };
  limit: number;
}

/** Requests the caller may see, oldest requested first. */
export async function listRequests(tx: Tx, p: Principal, q: RequestFilter): Promise<RequestRow[]> {
  const params: unknown[] = [];
  const where = [requestScopeSql(p, params)];
  if (q.caseId) where.push(`fr.case_id = $${params.push(q.caseId)}::uuid`);
  if (q.status) where.push(`fr.status = $${params.push(q.status)}`);
  if (q.overdue !== undefined) {
    const overdue = `(fr.status = 'requested' AND fr.due_date < $${params.push(q.today)}::date)`;
    where.push(q.overdue ? overdue : `NOT ${overdue}`);
  }
  if (q.after) {
    where.push(`(fr.requested_at, fr.id) > ($${params.push(q.after.requestedAt)}::timestamptz, $${params.push(q.after.id)}::uuid)`);
  }
  const { rows } = await sql<RequestRow>(
    tx,
    `${requestSelect(tx)} WHERE ${where.join(' AND ')} ORDER BY fr.requested_at, fr.id LIMIT $${params.push(q.limit + 1)}`,
    params,
  );
  return rows;
}

/** One request the caller may see, optionally locked for a command. */
export async function findRequest(tx: Tx, p: Principal, id: string, opts: { lock?: boolean } = {}): Promise<RequestRow | undefined> {
  const params: unknown[] = [id];
  const { rows } = await sql<RequestRow>(
    tx,
    `${requestSelect(tx)} WHERE fr.id = $1 AND ${requestScopeSql(p, params)}${opts.lock ? ' FOR UPDATE OF fr' : ''}`,
    params,
  );
  return rows[0];
}

/** The live request (not withdrawn) for this case, agency and template, if any. */
export async function findLiveRequest(tx: Tx, caseId: string, agencyId: string, templateId: string): Promise<string | undefined> {
  const { rows } = await sql<{ id: string }>(
    tx,
    `SELECT id FROM form_requests WHERE case_id = $1 AND agency_id = $2 AND template_id = $3 AND status <> 'withdrawn'`,
    [caseId, agencyId, templateId],
  );
  return rows[0]?.id;
}

/** Live requests of a case as (agency, template) pairs, for the suggestions. */
export async function liveRequestKeys(tx: Tx, caseId: string): Promise<Set<string>> {
  const { rows } = await sql<{ agency_id: string; template_id: string }>(
    tx,
    `SELECT agency_id, template_id FROM form_requests WHERE case_id = $1 AND status <> 'withdrawn'`,
    [caseId],
  );
  return new Set(rows.map((r) => `${r.agency_id}/${r.template_id}`));
}

export async function insertRequest(
  tx: Tx,
  r: Pick<
    FormRequestEntity,
    'id' | 'case_id' | 'agency_id' | 'template_id' | 'template_version' | 'due_date' | 'requested_at' | 'requested_by' | 'note'
  >,
): Promise<void> {
  await tx.insert(FormRequestEntity, r);
}

/** Moves the request on (the row must be locked by this transaction); the version always increases. */
export async function updateRequest(
  tx: Tx,
  id: string,
  ch: Partial<Pick<FormRequestEntity, 'status' | 'submitted_at' | 'revisions' | 'closed_at' | 'closed_by' | 'closed_reason'>>,
): Promise<number> {
  const { rows } = await sql<{ version: number }>(
    tx,
    `UPDATE form_requests SET
        status = COALESCE($2, status), submitted_at = COALESCE($3, submitted_at), revisions = COALESCE($4, revisions),
        closed_at = COALESCE($5, closed_at), closed_by = COALESCE($6, closed_by), closed_reason = COALESCE($7, closed_reason),
        version = version + 1
      WHERE id = $1 RETURNING version`,
    [
      id,
      ch.status ?? null,
      ch.submitted_at ?? null,
      ch.revisions ?? null,
      ch.closed_at ?? null,
      ch.closed_by ?? null,
      ch.closed_reason ?? null,
    ],
  );
  return rows[0]!.version;
}

export async function findDraft(tx: Tx, requestId: string): Promise<FormDraftEntity | null> {
  return tx.findOneBy(FormDraftEntity, { request_id: requestId });
}

export async function saveDraft(tx: Tx, d: Omit<FormDraftEntity, 'saved_at'> & { saved_at: Date }): Promise<void> {
  // TypeORM's deep-partial type cannot take a jsonb column typed Record<string, unknown>; the row is whole.
  await tx.upsert(FormDraftEntity, d as QueryDeepPartialEntity<FormDraftEntity>, ['request_id']);
}

export async function deleteDraft(tx: Tx, requestId: string): Promise<void> {
  await tx.delete(FormDraftEntity, { request_id: requestId });
}

export async function insertSubmission(tx: Tx, s: Omit<FormSubmissionEntity, 'id'>): Promise<FormSubmissionEntity> {
  const row = tx.create(FormSubmissionEntity, s);
  await tx.insert(FormSubmissionEntity, row as QueryDeepPartialEntity<FormSubmissionEntity>);
  return row;
}

export async function listSubmissions(tx: Tx, requestId: string): Promise<Omit<FormSubmissionEntity, 'answers'>[]> {
  return tx.find(FormSubmissionEntity, {
    where: { request_id: requestId },
    order: { revision: 'ASC' },
    select: {
      id: true,
      request_id: true,
      revision: true,
      template_id: true,
      template_version: true,
      questions: true,
      answered: true,
      not_known: true,
      not_applicable: true,
      amendment_reason: true,
      submitted_at: true,
      submitted_by_type: true,
      submitted_by_id: true,
    },
  });
}

export async function findSubmission(tx: Tx, requestId: string, revision: number): Promise<FormSubmissionEntity | null> {
  return tx.findOneBy(FormSubmissionEntity, { request_id: requestId, revision });
}

/** Requests of a case still waiting for the agency (for the cases module's "ready for panel" check). */
export async function outstandingOf(
  tx: Tx,
  caseId: string,
): Promise<{ id: string; agency_id: string; agency_name: string; template_id: string; due_date: string }[]> {
  const { rows } = await sql<{ id: string; agency_id: string; agency_name: string; template_id: string; due_date: string }>(
    tx,
    `SELECT fr.id, fr.agency_id, a.name AS agency_name, fr.template_id, fr.due_date::text AS due_date
       FROM form_requests fr JOIN agencies a ON a.id = fr.agency_id
      WHERE fr.case_id = $1 AND fr.status = 'requested' ORDER BY fr.due_date, fr.requested_at, fr.id`,
    [caseId],
  );
  return rows;
}

/** The agencies on a case (every agency its notifications named), for the suggestions. */
export async function agenciesOfCase(
  tx: Tx,
  caseId: string,
): Promise<{ id: string; name: string; ods_code: string | null; type: string }[]> {
  const { rows } = await sql<{ id: string; name: string; ods_code: string | null; type: string }>(
    tx,
    `SELECT a.id, a.name, a.ods_code, a.type
       FROM case_agencies ca JOIN agencies a ON a.id = ca.agency_id
      WHERE ca.case_id = $1 AND a.active ORDER BY a.name, a.id`,
    [caseId],
  );
  return rows;
}

/** A submitted form as the anonymised case pack shows it: the latest revision, its template version, the agency. */
interface SubmittedForm {
  request_id: string;
  agency_name: string;
  agency_type: string;
  template_id: string;
  template_kind: string;
  template_title: string;
  template_version: number;
  revision: number;
  submitted_at: Date;
  answers: Record<string, unknown>;
  schema: Record<string, unknown>;
  display: FormTemplateVersionEntity['display'];
}

/**
 * The latest revision of every submitted request of a case (requests withdrawn, waived or still waiting are left
 * out), with the template version it was submitted against; no scope applied: for a caller that has already found
 * the case in its own scope (the anonymised case pack). Ordered by agency, then template.
 */
export async function submittedFormsOfCase(tx: Tx, caseId: string): Promise<SubmittedForm[]> {
  const { rows } = await sql<SubmittedForm>(
    tx,
    `SELECT fr.id AS request_id, a.name AS agency_name, a.type AS agency_type, s.template_id, t.kind AS template_kind,
            v.title AS template_title, s.template_version, s.revision, s.submitted_at, s.answers, v.schema, v.display
       FROM form_requests fr
       JOIN agencies a ON a.id = fr.agency_id
       JOIN form_submissions s ON s.request_id = fr.id AND s.revision = fr.revisions
       JOIN form_templates t ON t.id = s.template_id
       JOIN form_template_versions v ON v.template_id = s.template_id AND v.version = s.template_version
      WHERE fr.case_id = $1 AND fr.status = 'submitted'
      ORDER BY a.name, a.id, v.title, fr.requested_at, fr.id`,
    [caseId],
  );
  return rows;
}

/**
 * The answers of the latest submitted revision of each form on the case, without the templates, as a JSON array
 * `[{ requestId, templateId, templateVersion, revision, answers }]`: a scalar subquery for the case-change rules (the
 * SCR triggers). `caseParam` is the statement's placeholder holding the case id.
 */
export const submittedAnswersForRulesSql = (caseParam: string) =>
  `(SELECT coalesce(json_agg(json_build_object('requestId', fr.id, 'templateId', s.template_id, 'templateVersion', s.template_version,
                                              'revision', s.revision, 'answers', s.answers) ORDER BY fr.requested_at, fr.id), '[]'::json)
      FROM form_requests fr JOIN form_submissions s ON s.request_id = fr.id AND s.revision = fr.revisions
     WHERE fr.case_id = ${caseParam} AND fr.status = 'submitted')`;
