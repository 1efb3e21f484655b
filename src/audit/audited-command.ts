import type { DataSource } from 'typeorm';
import { inTransaction, type Tx } from '../platform/db/transaction';
import { AppError } from '../platform/http/problem';
import { auditStandalone } from './audit.writer';

/**
 * Runs a command or read in one transaction. A refusal the caller should not
 * retry blindly (403 not yours to change, 404 not found, 409 not now, 412
 * stale) rolls the work back and
 * is audited on its own, in a transaction of its own, so probing for records
 * leaves a trace too. Every module's use cases run through it.
 */
export async function runAuditedCommand<T>(
  ds: DataSource,
  refusal: { action: string; resourceType: string; resourceId?: string },
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  try {
    return await inTransaction(ds, work);
  } catch (err) {
    if (err instanceof AppError && [403, 404, 409, 412].includes(err.status)) {
      await auditStandalone(ds, {
        action: refusal.action,
        resourceType: refusal.resourceType,
        ...(refusal.resourceId ? { resourceId: refusal.resourceId } : {}),
        outcome: err.status === 404 ? 'failure' : 'denied',
        reason: err.code,
      });
    }
    throw err;
  }
}

/** The refusal to audit for an action on a resource named `{ type, id }` (the id absent for a command that creates it). */
export const refusalOf = (action: string, resource: { type: string; id?: string }) => ({
  action,
  resourceType: resource.type,
  ...(resource.id ? { resourceId: resource.id } : {}),
});
