import type { Tx } from '../../platform/db/transaction';
import type { CaseForPanel, CasesForPanels } from '../cases';
import type { SignOffContext } from './review-rules';

/**
 * What the review needs from other modules, handed in by app.ts: the case (the cases module's side of a case for
 * panels), the meeting (panel-meetings) and the family's questions (family). Each takes the caller's transaction.
 */
/** The cases module's side of a case for the panel's modules (`cases.panels`): the case, the sign-off's step, the hook. */
export type ReviewCasesPort = Pick<CasesForPanels, 'find' | 'step' | 'changed'>;
export type ReviewCase = CaseForPanel;

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
