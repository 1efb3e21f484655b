import type { Tx } from '../../platform/db/transaction';
import type { CaseStatus } from './case-status';

/**
 * The one way other modules tell the cases module that something happened to a
 * case, and the one way rules react to it: inside the transaction of the
 * command that made the change (docs/architecture.md, "Reacting to a case
 * change"). The module making the change calls `CasesForForms.changed` (or a
 * sibling for its own kind of change) after writing its own rows; the cases
 * module locks the case row, records the change in the case's history and then
 * runs every registered listener, in registration order, with the same `tx`.
 * A listener that throws rolls the whole command back, so a committed change
 * can never lack what a listener writes (the SCR triggers will be one).
 */
export type CaseChange =
  | { kind: 'form_requested'; caseId: string; requestId: string; agencyId: string; templateId: string }
  | {
      kind: 'form_submitted';
      caseId: string;
      requestId: string;
      agencyId: string;
      templateId: string;
      templateVersion: number;
      revision: number;
    }
  | {
      kind: 'form_request_closed';
      caseId: string;
      requestId: string;
      agencyId: string;
      templateId: string;
      decision: 'withdrawn' | 'waived';
    }
  /** The panel's analysis draft was written (panel-reviews): the SCR-trigger rules read the analysis. */
  | { kind: 'review_updated'; caseId: string; reviewId: string; revision: number }
  /** The chair signed the review off at a meeting (the `record_panel_review` step is taken separately). */
  | { kind: 'review_signed_off'; caseId: string; reviewId: string; revision: number; meetingId: string }
  /** The case was referred for a safeguarding review (safeguarding-reviews; `reviewId` is that module's review). */
  | { kind: 'safeguarding_review_opened'; caseId: string; reviewId: string; regime: '2015' | '2018' }
  /** The safeguarding review took a step that changes its state (a decision, completion, publication…). */
  | { kind: 'safeguarding_review_changed'; caseId: string; reviewId: string; action: string; state: string }
  /** A notification opened the case or joined it (the intake wrote the case's history itself). */
  | { kind: 'notification_recorded'; caseId: string; notificationId: string }
  /** A coordinator corrected the case's details (PATCH /v1/cases/{id}): the fields changed, never their values. */
  | { kind: 'case_corrected'; caseId: string; fields: string[] }
  /** A duplicate was merged into this case: its notifications and forms are this case's now. */
  | { kind: 'duplicate_merged'; caseId: string; mergedCaseId: string };

/** Who made the change. */
export interface ChangeActor {
  kind: 'user' | 'client';
  id: string;
}

/** The case as it is when a listener runs (locked by the transaction), after the change was recorded. */
export interface CaseChangeContext {
  caseId: string;
  panelId: string | null;
  status: CaseStatus;
  /** The category of death recorded on the case, when there is one. */
  category: number | null;
  actor: ChangeActor;
  at: Date;
}

export interface CaseChangeListener {
  /** For logs and errors: which listener ran. */
  readonly name: string;
  onCaseChange(tx: Tx, change: CaseChange, context: CaseChangeContext): Promise<void>;
}
