import type { DataSource } from 'typeorm';
import type { Principal } from '../../access/principal';
import type { Tx } from '../../platform/db/transaction';
import type { Page } from '../../platform/http/pagination';
import type { CaseClosurePort } from '../cases';
import * as repo from './panel-reviews.repository';
import type { ReviewCasesPort, ReviewFamilyPort, ReviewMeetingsPort } from './panel-reviews.ports';
import type {
  AnalysisTemplateList,
  ReviewActionCreate,
  ReviewActionList,
  ReviewActionStatusUpdate,
  ReviewActionUpdate,
  ReviewActionView,
  CaseReviewUpdate,
  ReviewSettingsUpdate,
  ReviewSettingsView,
  ReviewSignOff,
} from './panel-reviews.types';
import { closureBlockersOf } from './review-rules';
import { addActionUpdate, createAction, listActions, listCaseActions, updateAction, type ActionListQuery } from './use-cases/actions';
import type { PanelReviewsDeps } from './use-cases/deps';
import { getReview, saveReview, type ReviewResult } from './use-cases/review-draft';
import { getSettings, listTemplates, updateSettings } from './use-cases/settings';
import { signOff } from './use-cases/sign-off';

/** The panel-reviews module's use cases, for its routes (one file each under use-cases/). */
export interface PanelReviewsService {
  listTemplates(): AnalysisTemplateList;
  getSettings(p: Principal, panelId: string): Promise<ReviewSettingsView>;
  updateSettings(p: Principal, panelId: string, body: ReviewSettingsUpdate): Promise<ReviewSettingsView>;
  getReview(p: Principal, caseId: string, revision?: number): Promise<ReviewResult>;
  saveReview(p: Principal, caseId: string, ifMatch: number | undefined, body: CaseReviewUpdate): Promise<ReviewResult>;
  signOff(p: Principal, caseId: string, body: ReviewSignOff): Promise<ReviewResult>;
  createAction(p: Principal, caseId: string, body: ReviewActionCreate): Promise<ReviewActionView>;
  listCaseActions(p: Principal, caseId: string): Promise<ReviewActionList>;
  updateAction(p: Principal, id: string, body: ReviewActionUpdate): Promise<ReviewActionView>;
  addActionUpdate(p: Principal, id: string, body: ReviewActionStatusUpdate): Promise<ReviewActionView>;
  listActions(p: Principal, q: ActionListQuery): Promise<Page<ReviewActionView>>;
}

interface PanelReviewsServiceOptions {
  /** The cases module's side of a case for panels (`cases.panels`; app.ts wires it). */
  cases: ReviewCasesPort;
  /** panel-meetings: recusal, the meeting for a sign-off, the agenda item. */
  meetings: ReviewMeetingsPort;
  /** family: the family's questions still open. */
  family: ReviewFamilyPort;
  now?: () => Date;
}

export function createPanelReviewsService(ds: DataSource, opts: PanelReviewsServiceOptions): PanelReviewsService {
  const deps: PanelReviewsDeps = {
    ds,
    cases: opts.cases,
    meetings: opts.meetings,
    family: opts.family,
    now: opts.now ?? (() => new Date()),
  };
  return {
    listTemplates: () => listTemplates(),
    getSettings: (p, panelId) => getSettings(deps, p, panelId),
    updateSettings: (p, panelId, body) => updateSettings(deps, p, panelId, body),
    getReview: (p, caseId, revision) => getReview(deps, p, caseId, revision),
    saveReview: (p, caseId, ifMatch, body) => saveReview(deps, p, caseId, ifMatch, body),
    signOff: (p, caseId, body) => signOff(deps, p, caseId, body),
    createAction: (p, caseId, body) => createAction(deps, p, caseId, body),
    listCaseActions: (p, caseId) => listCaseActions(deps, p, caseId),
    updateAction: (p, id, body) => updateAction(deps, p, id, body),
    addActionUpdate: (p, id, body) => addActionUpdate(deps, p, id, body),
    listActions: (p, q) => listActions(deps, p, q),
  };
}

/**
 * The cases module's question before `close` (a CaseClosurePort): why the case cannot close yet, for the
 * review's part. Every action must have an owner agency (REVIEW.ACTION_WITHOUT_OWNER, one per action).
 */
export const caseReviewPort: CaseClosurePort = {
  async closureBlockers(tx: Tx, caseId: string) {
    return closureBlockersOf(await repo.actionsOfCase(tx, caseId));
  },
};
