import type { LocalDate } from '../../platform/time';
import type { SafeguardingReviewClockEntity, SafeguardingReviewHistoryEntity } from './entities';
import { clockStatusOn } from './review-clocks.rule';
import { isLearningOverdue } from './review-rules';
import { allowedReviewActions } from './review-workflow';
import type { ImrRow, LearningRow, ReviewRow } from './safeguarding-reviews.repository';
import type {
  SafeguardingReviewClockView,
  SafeguardingReviewLearningView,
  SafeguardingReviewSummaryView,
  SafeguardingReviewView,
} from './safeguarding-reviews.types';

function clockView(k: SafeguardingReviewClockEntity, today: LocalDate): SafeguardingReviewClockView {
  const status = clockStatusOn(k, today);
  return {
    clockId: k.clock_id,
    label: k.label,
    basis: k.basis,
    startsOn: k.starts_on,
    dueOn: k.due_on,
    status,
    overdue: status === 'overdue',
    metAt: k.met_at?.toISOString() ?? null,
    stoppedAt: k.stopped_at?.toISOString() ?? null,
  };
}

export function summaryView(
  r: ReviewRow,
  clocks: readonly SafeguardingReviewClockEntity[],
  today: LocalDate,
): SafeguardingReviewSummaryView {
  const own = clocks.filter((k) => k.review_id === r.id);
  const next = own.filter((k) => k.status === 'pending').sort((a, b) => a.due_on.localeCompare(b.due_on))[0];
  return {
    id: r.id,
    caseId: r.case_id,
    caseReference: r.case_reference,
    panelId: r.panel_id,
    regime: r.regime,
    state: r.state,
    awareOn: r.aware_on,
    referredAt: r.referred_at.toISOString(),
    overdue: own.some((k) => clockStatusOn(k, today) === 'overdue'),
    nextDue: next ? { clockId: next.clock_id, dueOn: next.due_on } : null,
    version: r.version,
  };
}

export function learningView(l: LearningRow, today: LocalDate): SafeguardingReviewLearningView {
  return {
    id: l.id,
    reviewId: l.review_id,
    caseId: l.case_id,
    kind: l.kind,
    description: l.description,
    ownerAgency: l.owner_agency_id ? { id: l.owner_agency_id, name: l.owner_agency_name ?? '' } : null,
    dueDate: l.due_on,
    status: l.status,
    overdue: isLearningOverdue(l, today),
    createdAt: l.created_at.toISOString(),
  };
}

export interface ReviewParts {
  review: ReviewRow;
  flagIds: string[];
  clocks: SafeguardingReviewClockEntity[];
  history: SafeguardingReviewHistoryEntity[];
  imrs: ImrRow[];
  learning: LearningRow[];
  /** Whether the caller may read the referrer's free text (the case's coordinators: they may identify the child). */
  showReferralReason: boolean;
}

export function reviewView(x: ReviewParts, today: LocalDate): SafeguardingReviewView {
  const r = x.review;
  const clocks = x.clocks.map((k) => clockView(k, today));
  return {
    id: r.id,
    caseId: r.case_id,
    caseReference: r.case_reference,
    panelId: r.panel_id,
    regime: r.regime,
    state: r.state,
    awareOn: r.aware_on,
    referredAt: r.referred_at.toISOString(),
    referredBy: { type: r.referred_by_type, id: r.referred_by_id },
    referralReason: x.showReferralReason ? r.referral_reason : null,
    flagIds: x.flagIds,
    ruleIds: [...r.rule_ids],
    decision:
      r.decision && r.decision_reason !== null && r.decided_at
        ? { outcome: r.decision, reason: r.decision_reason, at: r.decided_at.toISOString() }
        : null,
    allowedActions: allowedReviewActions(r.regime, r.state),
    overdue: clocks.some((k) => k.overdue),
    clocks,
    history: x.history.map((h) => ({
      action: h.action,
      fromState: h.from_state,
      toState: h.to_state,
      by: { type: h.actor_type, id: h.actor_id },
      at: h.occurred_at.toISOString(),
      reason: h.reason,
      note: h.note,
    })),
    imrRequests: x.imrs.map((i) => ({
      requestId: i.form_request_id,
      agency: { id: i.agency_id, name: i.agency_name },
      templateId: i.template_id,
      status: i.status,
      dueDate: i.due_date,
      overdue: i.status === 'requested' && i.due_date < today,
      requestedAt: i.requested_at.toISOString(),
    })),
    learning: x.learning.map((l) => learningView(l, today)),
    clockRulesVersion: r.clock_rules_version,
    version: r.version,
  };
}
