import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each step of chasing a form request was taken (src/modules/agency-forms/chasing.rule.ts): the reminder
 * before the due date, the reminder on it, the overdue marking (with its notice to the agency) and the escalation
 * to the coordinators. Each is taken once; the daily job skips a step already taken.
 */
export class FormRequestChasing1796062094744 implements MigrationInterface {
  name = 'FormRequestChasing1796062094744';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE form_requests
        ADD COLUMN reminded_before_at timestamptz,
        ADD COLUMN reminded_due_at timestamptz,
        ADD COLUMN overdue_at timestamptz,
        ADD COLUMN escalated_at timestamptz;
      CREATE INDEX form_requests_chasing_idx ON form_requests (due_date) WHERE status = 'requested' AND escalated_at IS NULL;
      COMMENT ON COLUMN form_requests.reminded_before_at IS 'When the agency was reminded before the due date (null: not yet).';
      COMMENT ON COLUMN form_requests.reminded_due_at IS 'When the agency was reminded on the due date.';
      COMMENT ON COLUMN form_requests.overdue_at IS 'When the request was marked overdue (the first working day after its due date) and the agency told.';
      COMMENT ON COLUMN form_requests.escalated_at IS 'When the case''s coordinators were told the request is overdue by the configured number of working days.';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX form_requests_chasing_idx;
      ALTER TABLE form_requests DROP COLUMN reminded_before_at, DROP COLUMN reminded_due_at, DROP COLUMN overdue_at, DROP COLUMN escalated_at;
    `);
  }
}
