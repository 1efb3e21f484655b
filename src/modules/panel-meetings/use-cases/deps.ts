import type { DataSource } from 'typeorm';
import type { Principal } from '../../../access/principal';
import { audit, refusalOf, runAuditedCommand, type AuditEntry } from '../../../audit';
import type { Tx } from '../../../platform/db/transaction';
import type { CaseStatus } from '../../cases';

/** A case as the meetings need it (the cases module's CaseForPanel has these and more). */
export interface MeetingCase {
  id: string;
  reference: string | null;
  panelId: string | null;
  status: CaseStatus;
}

/**
 * What the module asks of the cases module, in its own transaction: the cases
 * module's `panels` side (CasesForPanels, src/modules/cases), wired in app.ts.
 */
export interface MeetingCases {
  /** The case if the caller may see it (its panel's coordinators, chairs, members), locked with `lock`. */
  find(tx: Tx, p: Principal, caseId: string, opts?: { lock?: boolean }): Promise<MeetingCase | undefined>;
  /** The workflow step, guarded as POST /v1/cases/{id}/actions is (its 404/409 problems), recorded in the case history. */
  step(
    tx: Tx,
    p: Principal,
    caseId: string,
    step: 'schedule_for_panel' | 'unschedule',
    details: { meetingId?: string; reason?: string },
  ): Promise<unknown>;
}

export interface PanelMeetingsDeps {
  ds: DataSource;
  cases: MeetingCases;
  now: () => Date;
}

export const meetingEvent = (id: string, e: Omit<AuditEntry, 'resourceType' | 'resourceId'>): AuditEntry => ({
  resourceType: 'panel_meeting',
  resourceId: id,
  ...e,
});
export const caseEvent = (id: string, e: Omit<AuditEntry, 'resourceType' | 'resourceId'>): AuditEntry => ({
  resourceType: 'case',
  resourceId: id,
  ...e,
});

/** `user:<id>` / `client:<id>`: who did it, as the other modules record it. */
export const actorRef = (p: Principal) => `${p.kind}:${p.id}`;

/** One command or read in one transaction; refusals audited on their own (runAuditedCommand). */
export function runMeetingsCommand<T>(
  deps: PanelMeetingsDeps,
  auditAction: string,
  resource: { type: string; id?: string },
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  return runAuditedCommand(deps.ds, refusalOf(auditAction, resource), work);
}

export { audit };
export type { Principal, Tx };
