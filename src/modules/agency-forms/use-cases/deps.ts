import type { DataSource } from 'typeorm';
import { refusalOf, runAuditedCommand, type AuditEntry } from '../../../audit';
import type { Tx } from '../../../platform/db/transaction';
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

/** One command or read in one transaction; refusals audited on their own (runAuditedCommand). */
export function runFormsCommand<T>(
  deps: AgencyFormsDeps,
  auditAction: string,
  resource: { type: string; id?: string },
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  return runAuditedCommand(deps.ds, refusalOf(auditAction, resource), work);
}

export type { Tx };
