// INTERIM, until main's CasesForPanels (cases.panels) is merged: app.ts then wires `cases.panels` and this file goes.
import { caseScopeSql } from '../cases';
import type { PackCasesPort } from './use-cases/deps';

export const interimPackCases: PackCasesPort = {
  async find(tx, p, caseId) {
    const params: unknown[] = [caseId];
    const rows: Record<string, unknown>[] = await tx.query(
      `SELECT c.id, c.reference, c.status, c.child_sex, c.category, c.age_at_death_days, c.expected_death
         FROM cases c WHERE c.id = $1 AND ${caseScopeSql(p, 'c', params)}`,
      params,
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      id: r.id as string,
      reference: r.reference as string | null,
      status: r.status as never,
      sex: r.child_sex as never,
      category: r.category as number | null,
      ageAtDeathDays: r.age_at_death_days as number,
      expectedDeath: r.expected_death as never,
    };
  },
  async identityOf(tx, caseId) {
    const [r]: { child_given_name: string; child_family_name: string; dob: string; dod: string; child_nhs_number: string | null }[] =
      await tx.query(
        `SELECT child_given_name, child_family_name, child_date_of_birth::text AS dob, date_of_death::text AS dod, child_nhs_number
         FROM cases WHERE id = $1`,
        [caseId],
      );
    return {
      givenName: r.child_given_name,
      familyName: r.child_family_name,
      dateOfBirth: r.dob,
      dateOfDeath: r.dod,
      nhsNumber: r.child_nhs_number,
    };
  },
};
