import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The family of the child who died (src/modules/family, issue 13): the key
 * worker who is their single point of contact and the bereavement support
 * offered (one row per case), the contacts made with them (append-only), and
 * the questions they asked the review to answer, with the panel's answers.
 *
 * Names, phone numbers, e-mail addresses and every free text here are personal
 * data: never logged, audited, mailed or put in a pack or report. Which values
 * go together (a date only for support offered, a phone or an e-mail for a key
 * worker) and when an answer may change are rules in the module; the CHECKs
 * below only keep each column's vocabulary.
 */
export class CaseFamily1796069109019 implements MigrationInterface {
  name = 'CaseFamily1796069109019';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_family (
        case_id                   uuid PRIMARY KEY REFERENCES cases (id),
        key_worker_name           text,
        key_worker_role           text,
        key_worker_agency         text,
        key_worker_phone          text,
        key_worker_email          text,
        bereavement_offered       text NOT NULL DEFAULT 'not_known'
                                  CHECK (bereavement_offered IN ('yes', 'no', 'declined', 'not_known')),
        bereavement_offered_on    date,
        bereavement_agency        text,
        version                   integer NOT NULL DEFAULT 1 CHECK (version >= 1),
        updated_at                timestamptz NOT NULL DEFAULT now(),
        updated_by_type           text NOT NULL CHECK (updated_by_type IN ('user', 'client')),
        updated_by_id             text NOT NULL,
        CHECK ((key_worker_name IS NULL) = (key_worker_role IS NULL))
      );
      COMMENT ON TABLE case_family IS 'A case''s key worker (the family''s single point of contact) and the bereavement support offered to the family; one row per case once anything is recorded. Personal data: never logged.';
      COMMENT ON COLUMN case_family.key_worker_phone IS 'Personal data: shown to the case''s coordinators only, never logged, audited, mailed or in a pack.';
      COMMENT ON COLUMN case_family.key_worker_email IS 'Personal data: shown to the case''s coordinators only, never logged, audited, mailed or in a pack.';
      COMMENT ON COLUMN case_family.version IS 'Row version for ETag / If-Match.';

      CREATE TABLE case_family_contacts (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id           uuid NOT NULL REFERENCES cases (id),
        contacted_on      date NOT NULL,
        method            text NOT NULL CHECK (method IN ('phone', 'visit', 'letter', 'email', 'meeting', 'other')),
        by_agency         text,
        by_role           text NOT NULL,
        summary           text NOT NULL,
        recorded_at       timestamptz NOT NULL DEFAULT now(),
        recorded_by_type  text NOT NULL CHECK (recorded_by_type IN ('user', 'client')),
        recorded_by_id    text NOT NULL
      );
      CREATE INDEX case_family_contacts_case_idx ON case_family_contacts (case_id, contacted_on, recorded_at, id);
      COMMENT ON TABLE case_family_contacts IS 'Contacts made with the family of the child, append-only (a correction is a further contact). The summary is personal data: never logged.';

      CREATE FUNCTION case_family_contacts_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'contacts with the family are never changed or removed' USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER case_family_contacts_append_only BEFORE UPDATE OR DELETE ON case_family_contacts
        FOR EACH ROW EXECUTE FUNCTION case_family_contacts_append_only();

      CREATE TABLE case_family_questions (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id           uuid NOT NULL REFERENCES cases (id),
        question          text NOT NULL,
        added_at          timestamptz NOT NULL DEFAULT now(),
        added_by_type     text NOT NULL CHECK (added_by_type IN ('user', 'client')),
        added_by_id       text NOT NULL,
        answer            text,
        answer_revision   integer NOT NULL DEFAULT 0 CHECK (answer_revision >= 0),
        answered_at       timestamptz,
        answered_by_type  text CHECK (answered_by_type IN ('user', 'client')),
        answered_by_id    text,
        CHECK ((answer IS NULL) = (answer_revision = 0)),
        CHECK ((answer IS NULL) = (answered_at IS NULL) AND (answer IS NULL) = (answered_by_id IS NULL))
      );
      CREATE INDEX case_family_questions_case_idx ON case_family_questions (case_id, added_at, id);
      COMMENT ON TABLE case_family_questions IS 'Questions the family asked the review to answer, with the panel''s latest answer (revisable until sign-off); every answer must be given before the review is signed off. Free text: never logged.';

      CREATE FUNCTION case_family_questions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'the family''s questions are never removed' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.case_id <> OLD.case_id OR NEW.question <> OLD.question OR NEW.added_at <> OLD.added_at
           OR NEW.added_by_type <> OLD.added_by_type OR NEW.added_by_id <> OLD.added_by_id THEN
          RAISE EXCEPTION 'a question the family asked never changes; only its answer does' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER case_family_questions_guard BEFORE UPDATE OR DELETE ON case_family_questions
        FOR EACH ROW EXECUTE FUNCTION case_family_questions_guard();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE case_family_questions;
      DROP FUNCTION case_family_questions_guard();
      DROP TABLE case_family_contacts;
      DROP FUNCTION case_family_contacts_append_only();
      DROP TABLE case_family;
    `);
  }
}
