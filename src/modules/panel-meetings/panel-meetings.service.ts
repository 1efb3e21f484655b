import type { DataSource } from 'typeorm';
import type { Principal } from '../../access/principal';
import type { Page } from '../../platform/http/pagination';
import type {
  AttendanceRecord,
  MeetingMemberInvite,
  PanelMeetingCreate,
  PanelMeetingSummary,
  PanelMeetingUpdate,
  QuorumRuleUpdate,
  QuorumRuleView,
  RecusalCreate,
  RecusalList,
  RecusalView,
  ReviewMeetingCreate,
  ReviewMeetingList,
  ReviewMeetingView,
} from './panel-meetings.types';
import { addAgendaItem, removeAgendaItem } from './use-cases/agenda';
import type { MeetingCases, PanelMeetingsDeps } from './use-cases/deps';
import {
  cancelMeeting,
  getMeeting,
  listMeetings,
  scheduleMeeting,
  updateMeeting,
  type MeetingListQuery,
  type MeetingResult,
} from './use-cases/meetings';
import { inviteMember, recordAttendance } from './use-cases/members';
import { getQuorumRule, setQuorumRule } from './use-cases/quorum';
import { declareRecusal, listRecusals } from './use-cases/recusals';
import { listReviewMeetings, recordReviewMeeting } from './use-cases/review-meetings';

/** The panel-meetings module's use cases, for its routes (one file per group under use-cases/). */
export interface PanelMeetingsService {
  getQuorumRule(p: Principal, panelId: string): Promise<QuorumRuleView>;
  setQuorumRule(p: Principal, panelId: string, body: QuorumRuleUpdate): Promise<QuorumRuleView>;
  schedule(p: Principal, body: PanelMeetingCreate): Promise<MeetingResult>;
  list(p: Principal, q: MeetingListQuery): Promise<Page<PanelMeetingSummary>>;
  get(p: Principal, id: string): Promise<MeetingResult>;
  update(p: Principal, id: string, ifMatch: number, body: PanelMeetingUpdate): Promise<MeetingResult>;
  cancel(p: Principal, id: string, reason: string): Promise<MeetingResult>;
  invite(p: Principal, id: string, body: MeetingMemberInvite): Promise<MeetingResult>;
  recordAttendance(p: Principal, id: string, userId: string, body: AttendanceRecord): Promise<MeetingResult>;
  addAgendaItem(p: Principal, id: string, caseId: string): Promise<MeetingResult>;
  removeAgendaItem(p: Principal, id: string, caseId: string, reason: string | undefined): Promise<MeetingResult>;
  declareRecusal(p: Principal, caseId: string, body: RecusalCreate): Promise<RecusalView>;
  listRecusals(p: Principal, caseId: string): Promise<RecusalList>;
  recordReviewMeeting(p: Principal, caseId: string, body: ReviewMeetingCreate): Promise<ReviewMeetingView>;
  listReviewMeetings(p: Principal, caseId: string): Promise<ReviewMeetingList>;
}

interface PanelMeetingsServiceOptions {
  /** The cases module's panel side (`createCasesService(...).panels`), wired in app.ts. */
  cases: MeetingCases;
  now?: () => Date;
}

export function createPanelMeetingsService(ds: DataSource, opts: PanelMeetingsServiceOptions): PanelMeetingsService {
  const deps: PanelMeetingsDeps = { ds, cases: opts.cases, now: opts.now ?? (() => new Date()) };
  return {
    getQuorumRule: (p, panelId) => getQuorumRule(deps, p, panelId),
    setQuorumRule: (p, panelId, body) => setQuorumRule(deps, p, panelId, body),
    schedule: (p, body) => scheduleMeeting(deps, p, body),
    list: (p, q) => listMeetings(deps, p, q),
    get: (p, id) => getMeeting(deps, p, id),
    update: (p, id, ifMatch, body) => updateMeeting(deps, p, id, ifMatch, body),
    cancel: (p, id, reason) => cancelMeeting(deps, p, id, reason),
    invite: (p, id, body) => inviteMember(deps, p, id, body),
    recordAttendance: (p, id, userId, body) => recordAttendance(deps, p, id, userId, body),
    addAgendaItem: (p, id, caseId) => addAgendaItem(deps, p, id, caseId),
    removeAgendaItem: (p, id, caseId, reason) => removeAgendaItem(deps, p, id, caseId, reason),
    declareRecusal: (p, caseId, body) => declareRecusal(deps, p, caseId, body),
    listRecusals: (p, caseId) => listRecusals(deps, p, caseId),
    recordReviewMeeting: (p, caseId, body) => recordReviewMeeting(deps, p, caseId, body),
    listReviewMeetings: (p, caseId) => listReviewMeetings(deps, p, caseId),
  };
}
