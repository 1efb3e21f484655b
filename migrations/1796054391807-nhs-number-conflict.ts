import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A notification that gives an NHS number another case already holds, for a
 * child with other dates of birth or death, opens a case of its own flagged
 * NHS_NUMBER_CONFLICT (src/modules/notifications/duplicate-match.ts, rule
 * version 2). The number stays on the notification form: the unique index on
 * cases.child_nhs_number keeps one case per number. Such a case records why it
 * holds no number: 'nhs_number_conflict'.
 */
export class NhsNumberConflict1796054391807 implements MigrationInterface {
  name = 'NhsNumberConflict1796054391807';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE cases DROP CONSTRAINT cases_child_nhs_exception_check,
        ADD CONSTRAINT cases_child_nhs_exception_check
          CHECK (child_nhs_exception IN ('child_non_resident_in_england', 'nhs_number_not_currently_available', 'nhs_number_conflict'));
      COMMENT ON COLUMN cases.child_nhs_exception IS 'Why the case holds no NHS number: a reason from the notification form, or nhs_number_conflict (another case holds the number given; see the NHS_NUMBER_CONFLICT flag).';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE cases SET child_nhs_exception = 'nhs_number_not_currently_available' WHERE child_nhs_exception = 'nhs_number_conflict';
      ALTER TABLE cases DROP CONSTRAINT cases_child_nhs_exception_check,
        ADD CONSTRAINT cases_child_nhs_exception_check
          CHECK (child_nhs_exception IN ('child_non_resident_in_england', 'nhs_number_not_currently_available'));
    `);
  }
}
