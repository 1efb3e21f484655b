import type { DataSource } from 'typeorm';
import type { Principal } from '../../../access/principal';
import { audit, auditStandalone, type AuditEntry } from '../../../audit';
import { inTransaction, type Tx } from '../../../platform/db/transaction';
import { AppError, badRequest } from '../../../platform/http/problem';
import { londonDateOf } from '../../../platform/time';
import type { CaseNotificationsPort, CasesForForms } from '../../cases';
import type { AttachmentMediaType } from '../attachment-content';

/** What every agency-forms use case works with. */
export interface AgencyFormsDeps {
  ds: DataSource;
  cases: CasesForForms;
  /** A case's notification forms, for the suggestions (the notifications module; app.ts wires it). */
  notifications: Pick<CaseNotificationsPort, 'listOfCase'>;
  now: () => Date;
  /** Working days a form is due after when the coordinator names no date. */
  dueWorkingDays: number;
  attachments: AttachmentPolicy;
}

/** What files a form request takes (ATTACHMENT_* configuration). */
export interface AttachmentPolicy {
  /** The types accepted (a subset of ATTACHMENT_MEDIA_TYPES). */
  types: readonly AttachmentMediaType[];
  maxBytes: number;
  maxPerRequest: number;
}

export const requestEvent = (id: string, e: Omit<AuditEntry, 'resourceType' | 'resourceId'>): AuditEntry => ({
  resourceType: 'form_request',
  resourceId: id,
  ...e,
});

/** Today in England (due dates and "overdue" are Europe/London dates). */
export const todayOf = (deps: AgencyFormsDeps) => londonDateOf(deps.now());

/**
 * One command or read in one transaction. A refusal that says "not yours",
 * "not found", "not now" or "stale" rolls the work back and is audited on its own, so
 * probing for requests leaves a trace too.
 */
export async function runFormsCommand<T>(
  deps: AgencyFormsDeps,
  auditAction: string,
  resource: { type: string; id?: string },
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  try {
    return await inTransaction(deps.ds, work);
  } catch (err) {
    if (err instanceof AppError && [403, 404, 409, 412].includes(err.status)) {
      await auditStandalone(deps.ds, {
        action: auditAction,
        resourceType: resource.type,
        ...(resource.id ? { resourceId: resource.id } : {}),
        outcome: err.status === 404 ? 'failure' : 'denied',
        reason: err.code,
      });
    }
    throw err;
  }
}

/** Agency systems retry on timeouts, so each of their commands that creates something must carry an Idempotency-Key (as on the intake). */
export function requireKeyFromSystems(p: Principal, idempotencyKey: string | undefined, what: string): void {
  if (p.kind === 'client' && !idempotencyKey) {
    throw badRequest(
      `Agency systems must send an Idempotency-Key with each ${what}.`,
      [{ field: 'headers.idempotency-key', message: 'is required for agency systems', code: 'required' }],
      'IDEMPOTENCY.KEY_REQUIRED',
    );
  }
}

export { audit };
export type { Principal, Tx };
