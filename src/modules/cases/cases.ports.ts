import type { Principal } from '../../access/principal';
import type { Tx } from '../../platform/db/transaction';

/**
 * What the cases module needs from the notifications module, which owns the
 * `notifications` table: a case's notifications to show, and moving them
 * when duplicates are merged or unmerged. The notifications module
 * implements it and app.ts hands it in, so the cases module never imports
 * the notifications module (which imports the cases module to open cases).
 * Every function applies the caller's case scope itself.
 */
export interface CaseNotificationsPort {
  /** How many notifications the case has, and the child's address and other names from the earliest. */
  summaryOf(tx: Tx, p: Principal, caseId: string): Promise<NotificationSummary>;
  /** A page of the case's notifications, oldest first; the form itself only `withForm`. */
  listOfCase(
    tx: Tx,
    p: Principal,
    caseId: string,
    q: { after?: (string | number)[]; limit: number; withForm: boolean },
  ): Promise<CaseNotificationRow[]>;
  /** Moves every notification of one case onto another (a merge); returns each with the match it had. */
  moveAll(tx: Tx, p: Principal, fromCaseId: string, toCaseId: string): Promise<{ id: string; match: string }[]>;
  /** Moves exactly these back, restoring each one's match (an unmerge); returns the ids moved. */
  moveBack(tx: Tx, p: Principal, fromCaseId: string, toCaseId: string, moved: readonly { id: string; match: string }[]): Promise<string[]>;
}

export interface NotificationSummary {
  count: number;
  /** From the earliest notification on the case: the child's address and other names, as notified. */
  firstChild: { address?: unknown; alternativeNames?: unknown } | null;
}

export interface CaseNotificationRow {
  id: string;
  notifier_agency_id: string;
  agency_name: string;
  agency_type: string;
  notified_on: string;
  received_at: Date;
  /** received_at exactly (microseconds), for the keyset cursor. */
  received_key: string;
  match: 'new_case' | 'nhs_number' | 'demographics' | 'merged';
  /** The form as received; null unless asked for with the form. */
  payload: Record<string, unknown> | null;
}

/**
 * What the cases module needs from the agency-forms module, which owns the form
 * requests: the requests still outstanding on a case, so a case moves to
 * "ready for panel" only when every request is submitted, waived or withdrawn.
 * app.ts wires it, so the cases module never imports agency-forms (which
 * imports the cases module).
 */
export interface CaseFormsPort {
  outstandingOf(tx: Tx, caseId: string): Promise<OutstandingForm[]>;
}

export interface OutstandingForm {
  requestId: string;
  agencyId: string;
  agencyName: string;
  templateId: string;
  dueDate: string;
}

/**
 * What the cases module asks the modules that can hold a closure back, before a case is closed: why it cannot be yet.
 * panel-reviews answers for the review's actions (an action without an owner), scr-triggers for its flags (an SCR flag
 * neither referred nor dismissed). app.ts wires them, so the cases module never imports those modules (which import
 * the cases module).
 */
export interface CaseClosurePort {
  /** Empty when this module allows closing. */
  closureBlockers(tx: Tx, caseId: string): Promise<ClosureBlocker[]>;
}

export interface ClosureBlocker {
  /** Stable, e.g. `REVIEW.ACTION_WITHOUT_OWNER`, `SCR.FLAG_UNDECIDED`. */
  code: string;
  /** In words, without personal data. */
  detail: string;
}

/**
 * What the cases module shows of the SCR flags the scr-triggers module raised on a case (a summary on the case view;
 * `/v1/flags` has the rest). app.ts wires it, so the cases module never imports scr-triggers.
 */
export interface CaseSafeguardingPort {
  flagsOf(tx: Tx, caseId: string): Promise<CaseSafeguardingFlag[]>;
}

export interface CaseSafeguardingFlag {
  id: string;
  ruleId: string;
  kind: 'safeguarding_review' | 'statutory_notification' | 'review_consideration';
  status: 'open' | 'acknowledged' | 'referred' | 'dismissed';
  overdue: boolean;
}
