import type { DataSource } from 'typeorm';
import type { Principal } from '../../../access/principal';
import { audit, refusalOf, runAuditedCommand } from '../../../audit';
import type { Tx } from '../../../platform/db/transaction';
import { londonDateOf } from '../../../platform/time';
import { caseNotFound, recused } from '../panel-reviews.errors';
import type { ReviewCase, ReviewCasesPort, ReviewFamilyPort, ReviewMeetingsPort } from '../panel-reviews.ports';

/** What every panel-reviews use case works with. */
export interface PanelReviewsDeps {
  ds: DataSource;
  cases: ReviewCasesPort;
  meetings: ReviewMeetingsPort;
  family: ReviewFamilyPort;
  now: () => Date;
}

/** Today in England (due dates and "overdue" are Europe/London dates). */
export const todayOf = (deps: PanelReviewsDeps) => londonDateOf(deps.now());

/** One command or read in one transaction; refusals audited on their own (runAuditedCommand). */
export function runReviewCommand<T>(
  deps: PanelReviewsDeps,
  auditAction: string,
  resource: { type: string; id?: string },
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  return runAuditedCommand(deps.ds, refusalOf(auditAction, resource), work);
}

/** The case if the caller may see it, else 404. */
export async function getCase(deps: PanelReviewsDeps, tx: Tx, p: Principal, caseId: string, lock = false): Promise<ReviewCase> {
  const c = await deps.cases.find(tx, p, caseId, { lock });
  if (!c) throw caseNotFound();
  return c;
}

/** A member who declared a conflict of interest for the case may not write its review or actions. */
export async function refuseRecused(deps: PanelReviewsDeps, tx: Tx, p: Principal, caseId: string): Promise<void> {
  if (await deps.meetings.isRecused(tx, caseId, p.id)) throw recused();
}

export { audit };
export type { Principal, Tx };
