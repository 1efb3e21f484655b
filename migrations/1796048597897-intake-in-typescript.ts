import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The notification intake moves back to TypeScript (src/modules/notifications,
 * docs/architecture.md): its server-side functions go, with what only they used.
 *
 * - intake_notification, intake_candidate, idempotency_begin and
 *   idempotency_complete are dropped: the use case runs the steps itself, and
 *   the Idempotency-Key protocol lives in src/platform/idempotency.
 * - idempotency_keys keeps only completed responses (a row exists if and only
 *   if its command committed): the 'in_flight' claim rows of an older protocol
 *   and the status and completed_at columns go; the response is required.
 * - cases.child_match_key was written and never read: dropped.
 * - A new case's agencies are written with the case, before the notification
 *   that named them, in the same transaction: the foreign key from
 *   case_agencies to notifications is checked at commit.
 */
export class IntakeInTypescript1796048597897 implements MigrationInterface {
  name = 'IntakeInTypescript1796048597897';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION intake_notification(jsonb);
      DROP FUNCTION intake_candidate(cases);
      DROP FUNCTION idempotency_complete(text, text, text, integer, jsonb);
      DROP FUNCTION idempotency_begin(text, text, text);

      DELETE FROM idempotency_keys WHERE status <> 'completed';
      ALTER TABLE idempotency_keys
        DROP COLUMN status,
        DROP COLUMN completed_at,
        ALTER COLUMN response_status SET NOT NULL,
        ALTER COLUMN response_body SET NOT NULL;
      COMMENT ON TABLE idempotency_keys IS 'The first response of each command sent with an Idempotency-Key, per caller (scope), with a hash of the request; written in the command''s transaction. Kept at least 24 hours.';

      ALTER TABLE cases DROP COLUMN child_match_key;

      ALTER TABLE case_agencies ALTER CONSTRAINT case_agencies_first_notification_id_fkey DEFERRABLE INITIALLY DEFERRED;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE case_agencies ALTER CONSTRAINT case_agencies_first_notification_id_fkey NOT DEFERRABLE;
      ALTER TABLE cases ADD COLUMN child_match_key text;
      UPDATE cases SET child_match_key = lower(child_given_name) || '|' || lower(child_family_name);
      ALTER TABLE cases ALTER COLUMN child_match_key SET NOT NULL;
      ALTER TABLE idempotency_keys
        ALTER COLUMN response_status DROP NOT NULL,
        ALTER COLUMN response_body DROP NOT NULL,
        ADD COLUMN status text NOT NULL DEFAULT 'completed' CHECK (status IN ('in_flight', 'completed')),
        ADD COLUMN completed_at timestamptz;
    `);
    // The intake functions are not restored: the version that used them is gone with them.
  }
}
