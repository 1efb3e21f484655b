import * as repo from '../panel-reviews.repository';
import { noDraft, refusedBy, reviewIncomplete, reviewSigned } from '../panel-reviews.errors';
import type { ReviewSignOff } from '../panel-reviews.types';
import { missingForSignOff, signOffRefusal } from '../review-rules';
import { audit, getCase, runReviewCommand, type PanelReviewsDeps, type Principal } from './deps';
import { viewOf, type ReviewResult } from './review-draft';

/**
 * POST /v1/cases/{caseId}/review/sign-off, in one transaction: the case (locked) → the draft (locked) → complete?
 * → the meeting, the chair's recusal and the family's open questions (signOffRefusal) → the workflow step
 * `record_panel_review` (the cases module: status `reviewed`, category, history, clocks; its own refusals pass
 * through) → the review signed → the agenda item marked reviewed → audit. Any refusal writes nothing.
 */
export function signOff(deps: PanelReviewsDeps, p: Principal, caseId: string, body: ReviewSignOff): Promise<ReviewResult> {
  return runReviewCommand(deps, 'case.review.signed_off', { type: 'case', id: caseId }, async (tx) => {
    const c = await getCase(deps, tx, p, caseId, true);
    const draft = await repo.latestReview(tx, caseId, { lock: true });
    if (!draft) throw noDraft();
    if (draft.status === 'signed') throw reviewSigned();
    const missing = missingForSignOff(draft);
    if (missing.length) throw reviewIncomplete(missing);

    const refusal = signOffRefusal({
      chairId: p.id,
      casePanelId: c.panelId,
      meeting: await deps.meetings.signOffContext(tx, body.meetingId, caseId),
      chairRecused: await deps.meetings.isRecused(tx, caseId, p.id),
      openFamilyQuestionIds: (await deps.family.openFamilyQuestions(tx, caseId)).map((q) => q.id),
    });
    if (refusal) throw refusedBy(refusal);

    await deps.cases.step(tx, p, caseId, 'record_panel_review', { meetingId: body.meetingId, category: draft.category! });
    await repo.signReview(tx, draft.id, { by: p.id, meetingId: body.meetingId, at: deps.now() });
    await deps.meetings.markAgendaItemReviewed(tx, body.meetingId, caseId);
    await deps.cases.changed(tx, p, {
      kind: 'review_signed_off',
      caseId,
      reviewId: draft.id,
      revision: draft.revision,
      meetingId: body.meetingId,
    });
    await audit(tx, {
      action: 'case.review.signed_off',
      resourceType: 'case',
      resourceId: caseId,
      details: { revision: draft.revision, meetingId: body.meetingId, category: draft.category },
    });
    return viewOf((await repo.latestReview(tx, caseId))!, c.reference);
  });
}
