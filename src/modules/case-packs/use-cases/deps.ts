import type { DataSource } from 'typeorm';
import type { Tx } from '../../../platform/db/transaction';
import type { CasesForPanels } from '../../cases';

/** What the pack asks of the cases module: its panel side (createCasesService(...).panels; app.ts wires it). */
export type PackCasesPort = Pick<CasesForPanels, 'find' | 'identityOf'>;

/** Whether a panel member has declared a conflict of interest for the case (the panel-meetings module; app.ts wires it). */
export type IsRecused = (tx: Tx, caseId: string, userId: string) => Promise<boolean>;

export interface CasePacksDeps {
  ds: DataSource;
  cases: PackCasesPort;
  isRecused?: IsRecused;
  now: () => Date;
}
