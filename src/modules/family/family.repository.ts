import { columnsOf } from '../../platform/db/entity-sql';
import { sql } from '../../platform/db/sql';
import type { Tx } from '../../platform/db/transaction';
import { CaseFamilyContactEntity, CaseFamilyEntity, CaseFamilyQuestionEntity } from './entities';

/**
 * The family module's SQL: rows in, rows out, no rules. Scoping happens before
 * these run: every use case first finds the case through the cases module
 * (in the caller's scope), then reads or writes the case's family rows by id.
 */

type Actor = { type: 'user' | 'client'; id: string };

export async function findFamily(tx: Tx, caseId: string): Promise<CaseFamilyEntity | undefined> {
  const { rows } = await sql<CaseFamilyEntity>(
    tx,
    `SELECT ${columnsOf(tx, CaseFamilyEntity, 'f')} FROM case_family f WHERE f.case_id = $1`,
    [caseId],
  );
  return rows[0];
}

export type FamilyValues = Pick<
  CaseFamilyEntity,
  | 'key_worker_name'
  | 'key_worker_role'
  | 'key_worker_agency'
  | 'key_worker_phone'
  | 'key_worker_email'
  | 'bereavement_offered'
  | 'bereavement_offered_on'
  | 'bereavement_agency'
>;

/** Inserts the case's row (version 1) or replaces its values (version + 1); returns the row as stored. */
export async function saveFamily(tx: Tx, caseId: string, v: FamilyValues, at: Date, by: Actor): Promise<CaseFamilyEntity> {
  const { rows } = await sql<CaseFamilyEntity>(
    tx,
    `INSERT INTO case_family AS f (case_id, key_worker_name, key_worker_role, key_worker_agency, key_worker_phone, key_worker_email,
                                   bereavement_offered, bereavement_offered_on, bereavement_agency, updated_at, updated_by_type, updated_by_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (case_id) DO UPDATE SET
       key_worker_name = EXCLUDED.key_worker_name, key_worker_role = EXCLUDED.key_worker_role,
       key_worker_agency = EXCLUDED.key_worker_agency, key_worker_phone = EXCLUDED.key_worker_phone,
       key_worker_email = EXCLUDED.key_worker_email, bereavement_offered = EXCLUDED.bereavement_offered,
       bereavement_offered_on = EXCLUDED.bereavement_offered_on, bereavement_agency = EXCLUDED.bereavement_agency,
       updated_at = EXCLUDED.updated_at, updated_by_type = EXCLUDED.updated_by_type, updated_by_id = EXCLUDED.updated_by_id,
       version = f.version + 1
     RETURNING ${columnsOf(tx, CaseFamilyEntity, 'f')}`,
    [
      caseId,
      v.key_worker_name,
      v.key_worker_role,
      v.key_worker_agency,
      v.key_worker_phone,
      v.key_worker_email,
      v.bereavement_offered,
      v.bereavement_offered_on,
      v.bereavement_agency,
      at,
      by.type,
      by.id,
    ],
  );
  return rows[0]!;
}

export async function contactsOf(tx: Tx, caseId: string): Promise<CaseFamilyContactEntity[]> {
  const { rows } = await sql<CaseFamilyContactEntity>(
    tx,
    `SELECT ${columnsOf(tx, CaseFamilyContactEntity, 'c')} FROM case_family_contacts c
      WHERE c.case_id = $1 ORDER BY c.contacted_on, c.recorded_at, c.id`,
    [caseId],
  );
  return rows;
}

export async function insertContact(
  tx: Tx,
  c: Pick<CaseFamilyContactEntity, 'case_id' | 'contacted_on' | 'method' | 'by_agency' | 'by_role' | 'summary' | 'recorded_at'>,
  by: Actor,
): Promise<CaseFamilyContactEntity> {
  const { rows } = await sql<CaseFamilyContactEntity>(
    tx,
    `INSERT INTO case_family_contacts AS c (case_id, contacted_on, method, by_agency, by_role, summary, recorded_at, recorded_by_type, recorded_by_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${columnsOf(tx, CaseFamilyContactEntity, 'c')}`,
    [c.case_id, c.contacted_on, c.method, c.by_agency, c.by_role, c.summary, c.recorded_at, by.type, by.id],
  );
  return rows[0]!;
}

export async function questionsOf(tx: Tx, caseId: string): Promise<CaseFamilyQuestionEntity[]> {
  const { rows } = await sql<CaseFamilyQuestionEntity>(
    tx,
    `SELECT ${columnsOf(tx, CaseFamilyQuestionEntity, 'q')} FROM case_family_questions q
      WHERE q.case_id = $1 ORDER BY q.added_at, q.id`,
    [caseId],
  );
  return rows;
}

export async function openQuestionIds(tx: Tx, caseId: string): Promise<{ id: string }[]> {
  const { rows } = await sql<{ id: string }>(
    tx,
    `SELECT q.id FROM case_family_questions q WHERE q.case_id = $1 AND q.answer IS NULL ORDER BY q.added_at, q.id`,
    [caseId],
  );
  return rows;
}

export async function insertQuestion(tx: Tx, caseId: string, question: string, at: Date, by: Actor): Promise<CaseFamilyQuestionEntity> {
  const { rows } = await sql<CaseFamilyQuestionEntity>(
    tx,
    `INSERT INTO case_family_questions AS q (case_id, question, added_at, added_by_type, added_by_id)
     VALUES ($1, $2, $3, $4, $5) RETURNING ${columnsOf(tx, CaseFamilyQuestionEntity, 'q')}`,
    [caseId, question, at, by.type, by.id],
  );
  return rows[0]!;
}

/** Records an answer (the first, or a revision) to a question of the case; undefined if the case has no such question. */
export async function answerQuestion(
  tx: Tx,
  caseId: string,
  questionId: string,
  answer: string,
  at: Date,
  by: Actor,
): Promise<CaseFamilyQuestionEntity | undefined> {
  const { rows } = await sql<CaseFamilyQuestionEntity>(
    tx,
    `UPDATE case_family_questions AS q
        SET answer = $3, answer_revision = q.answer_revision + 1, answered_at = $4, answered_by_type = $5, answered_by_id = $6
      WHERE q.id = $2 AND q.case_id = $1
      RETURNING ${columnsOf(tx, CaseFamilyQuestionEntity, 'q')}`,
    [caseId, questionId, answer, at, by.type, by.id],
  );
  return rows[0];
}
