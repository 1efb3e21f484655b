import { DataSource } from 'typeorm';
import type { AuditRequestColumns } from '../../audit';
import { sql } from '../../platform/db/sql';
import { statement } from '../../platform/db/statement';
import type { Tx } from '../../platform/db/transaction';
import type { IdempotencyAnswer, IdempotentRequest } from '../../platform/idempotency/idempotency';

/**
 * Intake SQL. The intake is the hottest write path (hospital systems push
 * notifications in bursts) and every new case of a panel increments the same
 * gapless reference counter, so the whole intake is one call of the
 * server-side function intake_notification (migration IntakeInOneStatement):
 * one round trip, one statement, one transaction, locks held only while
 * PostgreSQL works. The function's contract is below; its SQL is in the
 * migration.
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

export interface NewCase {
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

/** The service's verdict on the candidates the function returned, with their signature. */
export type IntakeDecision =
  | { kind: 'attach'; caseId: string; match: 'nhs_number' | 'demographics'; signature: string }
  | { kind: 'create'; flags: FlagRow[]; possibleDuplicateOf: string[]; signature: string };

export interface IntakeCommand {
  idempotency: IdempotentRequest | null;
  /** What to lock and look up: the child's dates (and NHS number), where it lived, the agencies named. */
  lookup: {
    nhsNumber: string | null;
    dateOfBirth: string;
    dateOfDeath: string;
    birthDates: string[];
    localAuthority: string;
    agencyIds: string[];
  };
  decision: IntakeDecision | null;
  case: NewCase;
  notification: NotificationRow;
  deadlines: DeadlineRow[];
  audit: AuditRequestColumns;
}

export type IntakeAnswer =
  | IdempotencyAnswer
  | { result: 'unknown_agencies'; missing: string[] }
  | { result: 'decide'; nhsMatch: CaseCandidate | null; candidates: CaseCandidate[]; signature: string }
  | { result: 'done'; status: number; body: IntakeReceiptRow };

export interface IntakeReceiptRow {
  notificationId: string;
  caseId: string;
  caseReference: string | null;
  outcome: 'case_created' | 'attached_to_existing_case';
  possibleDuplicateOf: string[];
}

/** One call of the intake function: on its own (autocommit) with a DataSource, or as part of the caller's transaction. */
export async function runIntake(db: DataSource | Tx, command: IntakeCommand): Promise<IntakeAnswer> {
  const { idempotency, ...rest } = command;
  const text = 'SELECT intake_notification($1::jsonb) AS answer';
  const params = [
    JSON.stringify({
      ...rest,
      idempotency: idempotency && { scope: idempotency.scope, key: idempotency.key, hash: idempotency.fingerprint },
    }),
  ];
  const rows =
    db instanceof DataSource
      ? await statement<{ answer: IntakeAnswer }>(db, text, params)
      : (await sql<{ answer: IntakeAnswer }>(db, text, params)).rows;
  return rows[0]!.answer;
}
