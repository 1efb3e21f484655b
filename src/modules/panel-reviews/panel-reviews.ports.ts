import type { Principal } from '../../access/principal';
import type { Tx } from '../../platform/db/transaction';
import type { CaseStatus } from '../cases';
import type { SignOffContext } from './review-rules';

/**
 * What the review needs from other modules, handed in by app.ts: the case (the cases module's side of a case for
 * panels), the meeting (panel-meetings) and the family's questions (family). Each takes the caller's transaction.
 */
export interface ReviewCase {
  id: string;
  reference: string | null;
  panelId: string | null;
  status: CaseStatus;
  category: number | null;
}

export interface ReviewCasesPort {
  /** The case if the caller may see it (its panel's coordinators, chairs, members); locked FOR UPDATE with `lock`. */
  find(tx: Tx, p: Principal, caseId: string, opts?: { lock?: boolean }): Promise<ReviewCase | undefined>;
  /** The workflow step of a sign-off: moves the case to `reviewed` and records the category (the cases module's problems on refusal). */
  step(
    tx: Tx,
    p: Principal,
    caseId: string,
    step: 'record_panel_review',
    details: { meetingId?: string; category?: number },
  ): Promise<{ fromStatus: CaseStatus; toStatus: CaseStatus }>;
}

export interface ReviewMeetingsPort {
  /** Whether the person declared a conflict of interest for the case. */
  isRecused(tx: Tx, caseId: string, userId: string): Promise<boolean>;
  /** The meeting as it stands for signing off the case; undefined when there is no such meeting. */
  signOffContext(tx: Tx, meetingId: string, caseId: string): Promise<SignOffContext | undefined>;
  markAgendaItemReviewed(tx: Tx, meetingId: string, caseId: string): Promise<void>;
}

export interface ReviewFamilyPort {
  /** The family's questions the review has not answered yet. */
  openFamilyQuestions(tx: Tx, caseId: string): Promise<{ id: string }[]>;
}
