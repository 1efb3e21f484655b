import { sql } from '../../platform/db/sql';
import type { Tx } from '../../platform/db/transaction';

/**
 * Intake SQL. The intake is the hottest write path (hospital systems push
 * notifications in bursts), so it is a few wide statements rather than many
 * small ones: one to take the locks, one to look everything up, one to write.
 */

export interface CaseCandidate {
  id: string;
  reference: string | null;
  nhsNumber: string | null;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  dateOfDeath: string;
}

export interface IntakeLookup {
  nhsMatch: CaseCandidate | null;
  candidates: CaseCandidate[];
  panelId: string | null;
  missingAgencyIds: string[];
}

/**
 * Serialises intake of the same death: two notifications of one child
 * (by date of birth and death, and by NHS number when given) take turns,
 * so the second always sees the first's case. Always in this order: no deadlock.
 */
export async function lockDeath(tx: Tx, deathKey: string, nhsNumber: string | null): Promise<void> {
  await sql(
    tx,
    `SELECT pg_advisory_xact_lock(hashtextextended($1, 0)),
            CASE WHEN $2::text IS NULL THEN NULL ELSE pg_advisory_xact_lock(hashtextextended('nhs:' || $2, 0)) END`,
    [deathKey, nhsNumber],
  );
}

const CANDIDATE_JSON = `json_build_object('id', c.id, 'reference', c.reference, 'nhsNumber', c.child_nhs_number,
  'givenName', c.child_given_name, 'familyName', c.child_family_name,
  'dateOfBirth', c.child_date_of_birth::text, 'dateOfDeath', c.date_of_death::text)`;

export async function lookUpForIntake(
  tx: Tx,
  q: { nhsNumber: string | null; birthDates: string[]; dateOfDeath: string; localAuthority: string; agencyIds: string[] },
): Promise<IntakeLookup> {
  const { rows } = await sql<{ nhs_match: CaseCandidate | null; candidates: CaseCandidate[]; panel_id: string | null; missing: string[] }>(
    tx,
    `SELECT
       -- A case merged into another as a duplicate answers for its target.
       (SELECT ${CANDIDATE_JSON} FROM cases c
         WHERE c.id = (SELECT COALESCE(m.merged_into_case_id, m.id) FROM cases m WHERE $1::text IS NOT NULL AND m.child_nhs_number = $1)) AS nhs_match,
       (SELECT coalesce(json_agg(${CANDIDATE_JSON} ORDER BY c.created_at), '[]'::json)
          FROM (SELECT * FROM cases WHERE child_date_of_birth = ANY($2::date[]) AND merged_into_case_id IS NULL
                  AND date_of_death BETWEEN $3::date - 1 AND $3::date + 1 LIMIT 50) c) AS candidates,
       (SELECT panel_id FROM panel_local_authorities WHERE la_code = $4) AS panel_id,
       (SELECT coalesce(array_agg(a.id::text), '{}') FROM unnest($5::uuid[]) AS a(id)
         WHERE NOT EXISTS (SELECT 1 FROM agencies g WHERE g.id = a.id)) AS missing`,
    [q.nhsNumber, q.birthDates, q.dateOfDeath, q.localAuthority, q.agencyIds],
  );
  const r = rows[0]!;
  return { nhsMatch: r.nhs_match, candidates: r.candidates, panelId: r.panel_id, missingAgencyIds: r.missing };
}

export interface NewCase {
  panelId: string | null;
  year: number;
  nhsNumber: string | null;
  nhsException: string | null;
  givenName: string;
  familyName: string;
  matchKey: string;
  dateOfBirth: string;
  sex: string;
  dateOfDeath: string;
  ageAtDeathDays: number;
  localAuthority: string;
  expectedDeath: string;
  notifiedAt: Date;
}

export interface NotificationRow {
  notifierAgencyId: string;
  notifiedOn: string;
  submittedByType: string;
  submittedById: string;
  payload: unknown;
  /** agency id → contacts given for it in this notification */
  agencies: { agency_id: string; contacts: unknown[] }[];
}

export interface DeadlineRow {
  rule_id: string;
  starts_from: string;
  started_at: string;
  due_at: string;
  due_date: string;
  met_at: string | null;
}

export interface FlagRow {
  type: string;
  rule_id: string;
  rule_version: number;
  evidence: unknown;
  related_case_id: string | null;
}

/** Creates the case, its first notification, action, agencies, clocks and flags in one statement. */
export async function insertCaseWithNotification(
  tx: Tx,
  c: NewCase,
  n: NotificationRow,
  deadlines: DeadlineRow[],
  flags: FlagRow[],
): Promise<{ caseId: string; reference: string | null; notificationId: string }> {
  const { rows } = await sql<{ case_id: string; reference: string | null; notification_id: string }>(
    tx,
    `WITH ref AS (
       INSERT INTO case_reference_counters (panel_id, year, last_number)
       SELECT $1::uuid, $2, 1 WHERE $1::uuid IS NOT NULL
       ON CONFLICT (panel_id, year) DO UPDATE SET last_number = case_reference_counters.last_number + 1
       RETURNING last_number),
     c AS (
       INSERT INTO cases (reference, panel_id, status, child_nhs_number, child_nhs_exception, child_given_name, child_family_name,
                          child_match_key, child_date_of_birth, child_sex, date_of_death, age_at_death_days,
                          local_authority_code, expected_death, notified_at)
       SELECT (SELECT p.code || '-' || $2 || '-' || lpad(ref.last_number::text, 4, '0') FROM ref, panels p WHERE p.id = $1),
              $1, 'notified', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14
       RETURNING id, reference),
     n AS (
       INSERT INTO notifications (case_id, notifier_agency_id, notified_on, submitted_by_type, submitted_by_id, match, payload)
       SELECT c.id, $15, $16, $17, $18, 'new_case', $19 FROM c
       RETURNING id, case_id),
     a AS (
       INSERT INTO case_actions (case_id, action, from_status, to_status, actor_type, actor_id, payload)
       SELECT n.case_id, 'notify', NULL, 'notified', $17, $18, jsonb_build_object('notificationId', n.id) FROM n),
     ag AS (
       INSERT INTO case_agencies (case_id, agency_id, first_notification_id, contacts)
       SELECT n.case_id, x.agency_id, n.id, x.contacts FROM n, jsonb_to_recordset($20::jsonb) AS x(agency_id uuid, contacts jsonb)),
     d AS (
       INSERT INTO case_deadlines (case_id, rule_id, starts_from, started_at, due_at, due_date, met_at)
       SELECT c.id, x.rule_id, x.starts_from, x.started_at, x.due_at, x.due_date, x.met_at
         FROM c, jsonb_to_recordset($21::jsonb) AS x(rule_id text, starts_from text, started_at timestamptz, due_at timestamptz, due_date date, met_at timestamptz)),
     f AS (
       INSERT INTO case_flags (case_id, type, rule_id, rule_version, evidence, related_case_id)
       SELECT c.id, x.type, x.rule_id, x.rule_version, x.evidence, x.related_case_id
         FROM c, jsonb_to_recordset($22::jsonb) AS x(type text, rule_id text, rule_version int, evidence jsonb, related_case_id uuid))
     SELECT c.id AS case_id, c.reference, n.id AS notification_id FROM c, n`,
    [c.panelId, c.year, c.nhsNumber, c.nhsException, c.givenName, c.familyName, c.matchKey, c.dateOfBirth, c.sex, c.dateOfDeath,
      c.ageAtDeathDays, c.localAuthority, c.expectedDeath, c.notifiedAt, n.notifierAgencyId, n.notifiedOn, n.submittedByType,
      n.submittedById, JSON.stringify(n.payload), JSON.stringify(n.agencies), JSON.stringify(deadlines), JSON.stringify(flags)],
  );
  const r = rows[0]!;
  return { caseId: r.case_id, reference: r.reference, notificationId: r.notification_id };
}

/**
 * Adds a notification to an existing case: the notification, an action in the
 * case log, any agencies not yet involved, and the NHS number when the case
 * was created without one.
 */
export async function attachNotification(
  tx: Tx,
  caseId: string,
  match: 'nhs_number' | 'demographics',
  n: NotificationRow,
  nhsNumber: string | null,
): Promise<{ notificationId: string; reference: string | null }> {
  const { rows } = await sql<{ notification_id: string; reference: string | null }>(
    tx,
    `WITH learn AS (
       -- The case learns the NHS number unless another case holds it (a duplicate merged into this one does).
       SELECT $7::text AS nhs WHERE $7::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM cases o WHERE o.child_nhs_number = $7)),
     cs AS (
       UPDATE cases SET
         child_nhs_number = COALESCE(child_nhs_number, (SELECT nhs FROM learn)),
         child_nhs_exception = CASE WHEN child_nhs_number IS NULL AND EXISTS (SELECT 1 FROM learn) THEN NULL ELSE child_nhs_exception END,
         updated_at = now(), version = version + 1
       WHERE id = $1
       RETURNING id, status, reference),
     n AS (
       INSERT INTO notifications (case_id, notifier_agency_id, notified_on, submitted_by_type, submitted_by_id, match, payload)
       SELECT cs.id, $2, $3, $4, $5, $6, $8 FROM cs
       RETURNING id, case_id),
     a AS (
       INSERT INTO case_actions (case_id, action, from_status, to_status, actor_type, actor_id, payload)
       SELECT n.case_id, 'attach_notification', cs.status, cs.status, $4, $5, jsonb_build_object('notificationId', n.id, 'match', $6::text)
         FROM n, cs),
     ag AS (
       INSERT INTO case_agencies (case_id, agency_id, first_notification_id, contacts)
       SELECT n.case_id, x.agency_id, n.id, x.contacts FROM n, jsonb_to_recordset($9::jsonb) AS x(agency_id uuid, contacts jsonb)
       ON CONFLICT (case_id, agency_id) DO NOTHING)
     SELECT n.id AS notification_id, cs.reference FROM n, cs`,
    [caseId, n.notifierAgencyId, n.notifiedOn, n.submittedByType, n.submittedById, match, nhsNumber, JSON.stringify(n.payload), JSON.stringify(n.agencies)],
  );
  const r = rows[0]!;
  return { notificationId: r.notification_id, reference: r.reference };
}
