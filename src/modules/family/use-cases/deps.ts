import type { DataSource } from 'typeorm';
import type { Principal } from '../../../access/principal';
import { runAuditedCommand, type AuditEntry } from '../../../audit';
import type { Tx } from '../../../platform/db/transaction';
import { londonDateOf } from '../../../platform/time';
import { canIdentifyChild, type CaseForPanel, type CasesForPanels } from '../../cases';
import { caseNotFound, notCoordinator } from '../family.errors';

/** What the family module asks of the cases module, inside its own transaction: the case in the caller's scope. */
export type FamilyCases = Pick<CasesForPanels, 'find'>;

/** What every family use case works with. */
export interface FamilyDeps {
  ds: DataSource;
  cases: FamilyCases;
  now: () => Date;
}

/** Every event is about the case; details carry ids and field names only, never a value. */
export const familyEvent = (caseId: string, e: Omit<AuditEntry, 'resourceType' | 'resourceId'>): AuditEntry => ({
  resourceType: 'case',
  resourceId: caseId,
  ...e,
});

export const actorOf = (p: Principal) => ({ type: p.kind, id: p.id });

/** Today in England (a contact's date, the date support was offered). */
export const todayOf = (deps: FamilyDeps) => londonDateOf(deps.now());

/** One command or read in one transaction; refusals (403, 404, 409, 412) audited on their own. */
export function runFamilyCommand<T>(deps: FamilyDeps, action: string, caseId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  return runAuditedCommand(deps.ds, { action, resourceType: 'case', resourceId: caseId }, work);
}

/** The case, in the caller's scope (404 otherwise). */
export async function caseInScope(deps: FamilyDeps, tx: Tx, p: Principal, caseId: string, lock = false): Promise<CaseForPanel> {
  const c = await deps.cases.find(tx, p, caseId, { lock });
  if (!c) throw caseNotFound();
  return c;
}

/**
 * The case, for its coordinators only: the family's details and contacts are
 * personal data (family:read / family:write, checked on the operation, are
 * coordinators' permissions; this adds "of this case's panel"). Someone who
 * sees the case otherwise (a member of its panel) gets 403; outside scope, 404.
 */
export async function caseForCoordinator(deps: FamilyDeps, tx: Tx, p: Principal, caseId: string, lock = false): Promise<CaseForPanel> {
  const c = await caseInScope(deps, tx, p, caseId, lock);
  if (!canIdentifyChild(p, c)) throw notCoordinator();
  return c;
}
