import { In } from 'typeorm';
import { londonDateOf } from '../../../platform/time';
import { AgencyEntity } from '../../directory';
import { caseClosed, caseNotFound, heldInFuture, unknownAgency } from '../panel-meetings.errors';
import * as repo from '../panel-meetings.repository';
import type { ReviewMeetingCreate, ReviewMeetingList, ReviewMeetingView } from '../panel-meetings.types';
import { reviewMeetingView } from '../panel-meetings.view';
import { audit, caseEvent, runMeetingsCommand, type PanelMeetingsDeps, type Principal } from './deps';

/**
 * Child Death Review Meetings: the local professionals' meeting for one case
 * (docs/domain.md, the process, step 4), recorded with the draft analysis it
 * hands to the panel. Recording one leaves the case's status alone: the
 * workflow's `convene_review_meeting` step stays with the coordinator
 * (POST /v1/cases/{caseId}/actions), as the cases module offers no step for it
 * to other modules.
 */

/** POST /v1/cases/{caseId}/review-meetings. */
export function recordReviewMeeting(
  deps: PanelMeetingsDeps,
  p: Principal,
  caseId: string,
  body: ReviewMeetingCreate,
): Promise<ReviewMeetingView> {
  if (body.heldOn > londonDateOf(deps.now())) return Promise.reject(heldInFuture());
  return runMeetingsCommand(deps, 'case.review_meeting.record', { type: 'case', id: caseId }, async (tx) => {
    const c = await deps.cases.find(tx, p, caseId, { lock: true });
    if (!c) throw caseNotFound();
    if (c.status === 'closed') throw caseClosed();
    const ids = [...new Set(body.attendees.map((a) => a.agencyId.toLowerCase()))];
    const known = new Set((await tx.find(AgencyEntity, { where: { id: In(ids) }, select: { id: true } })).map((a) => a.id.toLowerCase()));
    const unknown = body.attendees.findIndex((a) => !known.has(a.agencyId.toLowerCase()));
    if (unknown >= 0) throw unknownAgency(`body.attendees.${unknown}.agencyId`);
    const a = body.draftAnalysis;
    const row = await repo.insertReviewMeeting(tx, {
      case_id: caseId,
      held_on: body.heldOn,
      attendees: body.attendees.map((x) => ({ agencyId: x.agencyId, role: x.role })),
      post_mortem_report: body.postMortemReport,
      summary: a.summary,
      proposed_category: a.proposedCategory ?? null,
      modifiable_factors: a.modifiableFactors ?? null,
      learning: a.learning,
      recorded_by_type: p.kind,
      recorded_by_id: p.id,
    });
    await audit(
      tx,
      caseEvent(caseId, {
        action: 'case.review_meeting.record',
        details: { reviewMeetingId: row.id, agencyIds: ids, postMortemReport: body.postMortemReport },
      }),
    );
    return reviewMeetingView(row);
  });
}

/** GET /v1/cases/{caseId}/review-meetings. */
export function listReviewMeetings(deps: PanelMeetingsDeps, p: Principal, caseId: string): Promise<ReviewMeetingList> {
  return runMeetingsCommand(deps, 'case.review_meeting.list', { type: 'case', id: caseId }, async (tx) => {
    const c = await deps.cases.find(tx, p, caseId);
    if (!c) throw caseNotFound();
    const rows = await repo.reviewMeetingsOf(tx, caseId);
    await audit(tx, caseEvent(caseId, { action: 'case.review_meeting.list', details: { returned: rows.length } }));
    return { items: rows.map(reviewMeetingView) };
  });
}
