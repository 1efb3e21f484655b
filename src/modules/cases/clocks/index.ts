export {
  DEFAULT_DEADLINE_RULES,
  DeadlineRulesError,
  loadDeadlineRules,
  type DeadlineOffset,
  type DeadlineRule,
  type OffsetUnit,
  type StartEvent,
} from './deadline-rules';
export { computeCaseDeadlines, computeDeadline, deadlineStatus, isOverdue, type Deadline, type DeadlineStatus } from './deadlines';
