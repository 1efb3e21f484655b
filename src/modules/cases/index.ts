// The cases module's public surface: other modules import only from here.
import * as entities from './entities';

export { createCasesService, type CasesIntake } from './cases.service';
export { casesRouter } from './cases.routes';
export type {
  CaseNotificationsPort,
  CaseNotificationRow,
  NotificationSummary,
  CaseFormsPort,
  CaseClosurePort,
  CaseSafeguardingPort,
} from './cases.ports';
export type { CaseChange, CaseChangeContext, CaseChangeListener } from './case-changes';
export type { CasesForForms } from './use-cases/forms-support';
export type { CasesForPanels, CaseForPanel } from './use-cases/panel-support';
export type { CaseOnRecord } from './cases.repository';
export type { IntakeFlag } from './use-cases/open-case';
export { canIdentifyChild, canSeeCase, caseScopeSql, identifiableCaseScopeSql } from './case-scope';
export { CASE_STATUSES, HOLD_REASONS, type CaseStatus, type HoldReason } from './case-status';
export { ageAtDeath, type AgeBand } from './age-at-death';
export {
  ALLOWED_ACTIONS_BY_STATUS,
  CASE_ACTIONS,
  FLAG_BLOCKS,
  allowedActions,
  evaluateAction,
  type CaseAction,
  type PanelStep,
} from './case-workflow';
export { computeCaseDeadlines, DEFAULT_DEADLINE_RULES, loadDeadlineRules, DeadlineRulesError, type DeadlineRule } from './clocks';
export * from './entities';

/** The cases module's tables. */
export const CASES_ENTITIES = [
  entities.CaseEntity,
  entities.CaseActionEntity,
  entities.CaseAgencyEntity,
  entities.CaseDeadlineEntity,
  entities.CaseFlagEntity,
  entities.CaseReferenceCounterEntity,
  entities.CaseTransferEntity,
];
export { timelineOf as caseTimelineOf, type HistoryRow as CaseTimelineRow } from './cases.repository';
