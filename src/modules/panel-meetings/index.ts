// Panel meetings: quorum rules, meetings, members and attendance, the agenda, recusals, Child Death Review Meetings.
import * as entities from './entities';

export { createPanelMeetingsService } from './panel-meetings.service';
export { panelMeetingsRouter } from './panel-meetings.routes';
export { isRecused, signOffContext, markAgendaItemReviewed } from './sign-off';
export { CAPACITIES, DEFAULT_QUORUM_RULE, evaluateQuorum, type Capacity, type QuorumRule } from './quorum.rule';
export * from './entities';

/** The panel-meetings module's tables. */
export const PANEL_MEETINGS_ENTITIES = [
  entities.PanelQuorumRuleEntity,
  entities.PanelMeetingEntity,
  entities.PanelMeetingMemberEntity,
  entities.PanelMeetingAgendaItemEntity,
  entities.CaseRecusalEntity,
  entities.CaseReviewMeetingEntity,
];
