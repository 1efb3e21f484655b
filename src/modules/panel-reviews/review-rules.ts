import type { CaseStatus } from '../cases';
import type { CaseReviewEntity, ReviewActionStatus } from './entities';

/**
 * The panel review's rules, pure (table-tested in test/unit/panel-reviews): when a draft may be written, what a
 * draft needs before sign-off, what stops a sign-off at a meeting, when an action is overdue and what stops a
 * case from closing.
 */

/** What the cases module's state allows for the review: a reviewed or closed case keeps its signed review. */
type DraftDecision =
  { kind: 'create'; revision: number } | { kind: 'update' } | { kind: 'refuse'; code: 'REVIEW.SIGNED' | 'REVIEW.CASE_CLOSED' };

/**
 * Whether a PUT may write the review, given the latest revision and the case's status. A draft is updated; with
 * none, revision 1 is started; after a signed revision, a new one only once the case has been reopened (the
 * case is no longer `reviewed` or `closed`).
 */
export function draftDecision(latest: Pick<CaseReviewEntity, 'status' | 'revision'> | undefined, caseStatus: CaseStatus): DraftDecision {
  if (caseStatus === 'closed') return { kind: 'refuse', code: 'REVIEW.CASE_CLOSED' };
  if (!latest) return { kind: 'create', revision: 1 };
  if (latest.status === 'draft') return { kind: 'update' };
  if (caseStatus === 'reviewed') return { kind: 'refuse', code: 'REVIEW.SIGNED' };
  return { kind: 'create', revision: latest.revision + 1 };
}

/** What a draft lacks before it can be signed off (field names of the API). */
export function missingForSignOff(draft: Pick<CaseReviewEntity, 'category' | 'modifiable_factors'>): string[] {
  const missing: string[] = [];
  if (draft.category === null) missing.push('categoriesConsidered');
  if (draft.modifiable_factors === null) missing.push('modifiableFactors');
  return missing;
}

/** The panel-meetings module's view of a meeting for signing off one case. */
export interface SignOffContext {
  meetingId: string;
  panelId: string;
  status: string;
  caseOnAgenda: boolean;
  quorum: { met: boolean; missing: string[] };
  present: { userId: string; capacity: string }[];
}

export interface SignOffFacts {
  chairId: string;
  casePanelId: string | null;
  /** Undefined: no such meeting (or not the caller's to see). */
  meeting: SignOffContext | undefined;
  chairRecused: boolean;
  openFamilyQuestionIds: readonly string[];
}

export interface Refusal {
  status: 400 | 409;
  code: string;
  detail: string;
  extensions?: Record<string, unknown>;
}

/** Meeting statuses at which nothing can be signed off. */
const CLOSED_MEETING_STATUSES = new Set(['cancelled']);

/**
 * The first reason a chair may not sign off the case's review at this meeting, in the order a chair would fix
 * them; undefined when nothing stands in the way. The draft's completeness is checked before (missingForSignOff),
 * and the case workflow after (the cases module's `record_panel_review` step).
 */
export function signOffRefusal(f: SignOffFacts): Refusal | undefined {
  const m = f.meeting;
  if (!m || m.panelId !== f.casePanelId) {
    return { status: 400, code: 'REVIEW.UNKNOWN_MEETING', detail: "No meeting of the case's panel has this id." };
  }
  if (CLOSED_MEETING_STATUSES.has(m.status)) {
    return {
      status: 409,
      code: 'REVIEW.MEETING_NOT_OPEN',
      detail: `The meeting is ${m.status}; nothing can be signed off at it.`,
      extensions: { meetingStatus: m.status },
    };
  }
  if (!m.caseOnAgenda) {
    return { status: 409, code: 'REVIEW.NOT_ON_AGENDA', detail: "The case is not on this meeting's agenda." };
  }
  if (f.chairRecused) {
    return {
      status: 409,
      code: 'REVIEW.CHAIR_RECUSED',
      detail: 'You declared a conflict of interest for this case: another chair must sign it off.',
    };
  }
  if (!m.present.some((a) => a.userId === f.chairId)) {
    return {
      status: 409,
      code: 'REVIEW.CHAIR_NOT_PRESENT',
      detail: 'You are not recorded as present at this meeting: record your attendance first.',
    };
  }
  if (!m.quorum.met) {
    return {
      status: 409,
      code: 'REVIEW.NOT_QUORATE',
      detail: `The meeting is not quorate for this case; it lacks: ${m.quorum.missing.join(', ')}.`,
      extensions: { missing: m.quorum.missing },
    };
  }
  if (f.openFamilyQuestionIds.length) {
    return {
      status: 409,
      code: 'REVIEW.FAMILY_QUESTIONS_OPEN',
      detail: `The family asked ${f.openFamilyQuestionIds.length} question${f.openFamilyQuestionIds.length === 1 ? '' : 's'} the review has not answered yet.`,
      extensions: { questionIds: [...f.openFamilyQuestionIds] },
    };
  }
  return undefined;
}

/** Statuses in which an action is still being worked on (and so can be overdue). */
export const ACTIVE_ACTION_STATUSES: readonly ReviewActionStatus[] = ['open', 'in_progress'];

/** Overdue: a due date before today (a Europe/London date) and still open or in progress. */
export function isActionOverdue(a: { due_date: string | null; status: ReviewActionStatus }, today: string): boolean {
  return a.due_date !== null && a.due_date < today && ACTIVE_ACTION_STATUSES.includes(a.status);
}

interface ClosureBlocker {
  code: string;
  detail: string;
}

/** Why a case cannot close yet, for the review's part: every action needs an owner agency. */
export function closureBlockersOf(actions: readonly { id: string; owner_agency_id: string | null }[]): ClosureBlocker[] {
  return actions
    .filter((a) => a.owner_agency_id === null)
    .map((a) => ({
      code: 'REVIEW.ACTION_WITHOUT_OWNER',
      detail: `Action ${a.id} has no owner agency: assign one before closing the case.`,
    }));
}
