import type { DataSource } from 'typeorm';
import type { Principal } from '../../../access/principal';
import { runAuditedCommand, type AuditEntry } from '../../../audit';
import type { Tx } from '../../../platform/db/transaction';
import { londonDateOf } from '../../../platform/time';
import type { SafeguardingReviewsForFlags } from '../scr-triggers.ports';

/** What every scr-triggers use case works with. */
export interface ScrTriggersDeps {
  ds: DataSource;
  referrals: SafeguardingReviewsForFlags;
  now: () => Date;
}

export type { Principal, Tx };

export const flagEvent = (flagId: string, e: Omit<AuditEntry, 'resourceType' | 'resourceId'>): AuditEntry => ({
  resourceType: 'safeguarding_flag',
  resourceId: flagId,
  ...e,
});

export const actorOf = (p: Principal) => ({ type: p.kind, id: p.id });

/** Today in England: clocks fall due on London dates. */
export const todayOf = (deps: ScrTriggersDeps) => londonDateOf(deps.now());

/** One command or read in one transaction; refusals (403, 404, 409) audited on their own. */
export function runFlagCommand<T>(
  deps: ScrTriggersDeps,
  action: string,
  resource: { type: string; id?: string },
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  return runAuditedCommand(deps.ds, { action, resourceType: resource.type, ...(resource.id ? { resourceId: resource.id } : {}) }, work);
}
