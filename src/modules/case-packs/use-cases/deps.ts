import type { DataSource } from 'typeorm';
import type { Principal } from '../../../access/principal';
import type { Tx } from '../../../platform/db/transaction';
import type { CaseStatus } from '../../cases';

/** The case as the pack needs it (the cases module's CaseForPanel has at least this). */
export interface PackCase {
  id: string;
  reference: string | null;
  status: CaseStatus;
  sex: 'male' | 'female' | 'indeterminate' | 'not_known';
  category: number | null;
  ageAtDeathDays: number;
  expectedDeath: 'expected' | 'unexpected' | 'not_known';
}

/** What the pack asks of the cases module (its `panels` side, CasesForPanels; app.ts wires it). */
export interface PackCasesPort {
  /** The case if the caller may see it (its panel's coordinators, chairs, members); undefined otherwise. */
  find(tx: Tx, p: Principal, caseId: string): Promise<PackCase | undefined>;
  /** Who the child was, only to redact it; called after `find`. */
  identityOf(
    tx: Tx,
    caseId: string,
  ): Promise<{ givenName: string; familyName: string; dateOfBirth: string; dateOfDeath: string; nhsNumber: string | null }>;
}

/** Whether a panel member has declared a conflict of interest for the case (the panel-meetings module; app.ts wires it). */
export type IsRecused = (tx: Tx, caseId: string, userId: string) => Promise<boolean>;

export interface CasePacksDeps {
  ds: DataSource;
  cases: PackCasesPort;
  isRecused?: IsRecused;
  now: () => Date;
}
