// The cases module's public surface: other modules import only from here.
export { createCasesService, type CasesService, type CasesServiceOptions } from './cases.service';
export { casesRouter } from './cases.routes';
export { canIdentifyChild, canSeeCase, caseScopeSql } from './case-scope';
export { CASE_STATUSES, HOLD_REASONS, type CaseStatus, type HoldReason } from './case-status';
export { nextCaseReference, formatCaseReference } from './case-reference';
export { ageAtDeath, ageBand, type AgeAtDeath, type AgeBand } from './age-at-death';
export { ALLOWED_ACTIONS_BY_STATUS, CASE_ACTIONS, FLAG_BLOCKS, allowedActions, evaluateAction, type CaseAction } from './case-workflow';
export { computeCaseDeadlines, DEFAULT_DEADLINE_RULES, loadDeadlineRules, DeadlineRulesError, type DeadlineRule } from './clocks';
