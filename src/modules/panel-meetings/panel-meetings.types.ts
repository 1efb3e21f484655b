import type { components } from '../../generated/openapi';

type S = components['schemas'];
export type QuorumRuleView = S['QuorumRule'];
export type QuorumRuleUpdate = S['QuorumRuleUpdate'];
export type QuorumView = S['Quorum'];
export type PanelMeetingCreate = S['PanelMeetingCreate'];
export type PanelMeetingUpdate = S['PanelMeetingUpdate'];
export type PanelMeetingView = S['PanelMeeting'];
export type PanelMeetingSummary = S['PanelMeetingSummary'];
export type MeetingMemberInvite = S['MeetingMemberInvite'];
export type AttendanceRecord = S['AttendanceRecord'];
export type RecusalCreate = S['RecusalCreate'];
export type RecusalView = S['Recusal'];
export type RecusalList = S['RecusalList'];
export type ReviewMeetingCreate = S['ReviewMeetingCreate'];
export type ReviewMeetingView = S['ReviewMeeting'];
export type ReviewMeetingList = S['ReviewMeetingList'];
