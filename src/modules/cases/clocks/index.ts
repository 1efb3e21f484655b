export { DEFAULT_DEADLINE_RULES, DeadlineRulesError, loadDeadlineRules, type DeadlineRule, type StartEvent } from './deadline-rules';
export { computeCaseDeadlines, computeDeadline, deadlineStatus, isOverdue } from './deadlines';
