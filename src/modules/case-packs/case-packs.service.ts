import type { DataSource } from 'typeorm';
import type { Principal } from '../../access/principal';
import type { PackMediaType } from './case-packs.errors';
import type { CasePack } from './case-packs.types';
import type { CasePacksDeps, IsRecused, PackCasesPort } from './use-cases/deps';
import { readPack } from './use-cases/read-pack';

export interface CasePacksService {
  /** The anonymised pack, read and audited (with the format asked for) in one transaction. */
  read(p: Principal, caseId: string, format: PackMediaType): Promise<CasePack>;
}

interface CasePacksServiceOptions {
  /** The cases module's panel side (createCasesService(...).panels). */
  cases: PackCasesPort;
  /** The panel-meetings module's recusal check, when wired. */
  isRecused?: IsRecused;
  now?: () => Date;
}

export function createCasePacksService(ds: DataSource, opts: CasePacksServiceOptions): CasePacksService {
  const deps: CasePacksDeps = { ds, cases: opts.cases, isRecused: opts.isRecused, now: opts.now ?? (() => new Date()) };
  return { read: (p, caseId, format) => readPack(deps, p, caseId, format) };
}
