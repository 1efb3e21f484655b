import type { CaseRecusalEntity, CaseReviewMeetingEntity, PanelMeetingEntity } from './entities';
import type { AgendaRow, MemberRow } from './panel-meetings.repository';
import type {
  PanelMeetingSummary,
  PanelMeetingView,
  QuorumRuleView,
  QuorumView,
  RecusalView,
  ReviewMeetingView,
} from './panel-meetings.types';
import { RULE_ID, RULE_VERSION, type QuorumRule } from './quorum.rule';

/** Rows → API objects. */

export const quorumRuleView = (panelId: string, rule: QuorumRule, isDefault: boolean): QuorumRuleView => ({
  panelId,
  chairRequired: rule.chairRequired,
  capacities: { ...rule.capacities },
  minimumPresent: rule.minimumPresent,
  isDefault,
  ruleId: RULE_ID,
  ruleVersion: RULE_VERSION,
});

export const meetingSummary = (m: PanelMeetingEntity): PanelMeetingSummary => ({
  id: m.id,
  panelId: m.panel_id,
  title: m.title,
  startsAt: m.starts_at.toISOString(),
  location: m.location,
  online: m.online,
  joiningLink: m.joining_link,
  status: m.status,
});

export const meetingView = (m: PanelMeetingEntity, members: MemberRow[], agenda: AgendaRow[], quorum: QuorumView): PanelMeetingView => ({
  ...meetingSummary(m),
  cancelledReason: m.cancelled_reason,
  members: members.map((r) => ({ userId: r.user_id, displayName: r.display_name, capacity: r.capacity, attendance: r.attendance })),
  agenda: agenda.map((a) => ({
    caseId: a.case_id,
    caseReference: a.case_reference,
    status: a.status === 'reviewed' ? 'reviewed' : 'scheduled',
    addedAt: new Date(a.added_at).toISOString(),
  })),
  quorum,
});

export const recusalView = (r: CaseRecusalEntity & { display_name: string | null }, showReason: boolean): RecusalView => ({
  id: r.id,
  caseId: r.case_id,
  userId: r.user_id,
  displayName: r.display_name,
  reason: showReason ? r.reason : null,
  recordedBy: `${r.recorded_by_type}:${r.recorded_by_id}`,
  declaredAt: new Date(r.declared_at).toISOString(),
});

export const reviewMeetingView = (r: CaseReviewMeetingEntity): ReviewMeetingView => ({
  id: r.id,
  caseId: r.case_id,
  heldOn: r.held_on,
  attendees: r.attendees,
  postMortemReport: r.post_mortem_report,
  draftAnalysis: {
    summary: r.summary,
    proposedCategory: r.proposed_category,
    modifiableFactors: r.modifiable_factors,
    learning: r.learning,
  },
  recordedAt: r.recorded_at.toISOString(),
});
