export {
  DEFAULT_DEADLINE_RULES,
  DeadlineRulesError,
  loadDeadlineRules,
  OFFSET_UNITS,
  START_EVENTS,
  type DeadlineOffset,
  type DeadlineRule,
  type OffsetUnit,
  type StartEvent,
} from './deadline-rules';
export { computeCaseDeadlines, computeDeadline, deadlineStatus, isOverdue, type Deadline, type DeadlineStatus } from './deadlines';
