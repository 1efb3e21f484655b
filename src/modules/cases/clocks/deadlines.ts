import { DEFAULT_DEADLINE_RULES, type DeadlineRule, type StartEvent } from './deadline-rules';
import {
  addCalendarDays,
  addCalendarMonths,
  addWorkingDays,
  assertValidInstant,
  endOfLondonDay,
  londonDateOf,
  type LocalDate,
} from '../../../platform/time';

interface Deadline {
  ruleId: string;
  /** The last instant that still counts as on time (UTC). */
  dueAt: Date;
  /** The day it is due, as London's calendars show it. */
  dueDate: LocalDate;
}

const HOUR_MS = 3_600_000;

/**
 * Day-based rules count on the London calendar date of the start instant and are due
 * at the very end of the due day, London time: people read "within 5 working days"
 * as "by close of that day", and a death at 00:30 BST belongs to that London date even
 * though it is still the previous day in UTC.
 * Hour-based rules add elapsed time to the instant itself, so 48 hours across a clock
 * change is still 48 hours, not 47 or 49.
 */
export function computeDeadline(rule: DeadlineRule, startInstant: Date): Deadline {
  assertValidInstant(startInstant);
  const { unit, amount } = rule.offset;
  if (unit === 'hours') {
    const dueAt = new Date(startInstant.getTime() + amount * HOUR_MS);
    return { ruleId: rule.id, dueAt, dueDate: londonDateOf(dueAt) };
  }
  const start = londonDateOf(startInstant);
  const dueDate =
    unit === 'working_days'
      ? addWorkingDays(start, amount)
      : unit === 'calendar_days'
        ? addCalendarDays(start, amount)
        : addCalendarMonths(start, amount);
  return { ruleId: rule.id, dueAt: endOfLondonDay(dueDate), dueDate };
}

type DeadlineStatus = 'pending' | 'overdue' | 'met' | 'met_late';

/**
 * Once satisfied, a clock stops: a late form that has arrived is no longer "overdue"
 * (nobody needs to chase it) but is still reported as met late.
 */
export function deadlineStatus(deadline: Pick<Deadline, 'dueAt'>, now: Date, satisfiedAt?: Date | null): DeadlineStatus {
  if (satisfiedAt) return satisfiedAt.getTime() <= deadline.dueAt.getTime() ? 'met' : 'met_late';
  return now.getTime() > deadline.dueAt.getTime() ? 'overdue' : 'pending';
}

/** True while the deadline has passed and nothing has satisfied it yet. */
export function isOverdue(deadline: Pick<Deadline, 'dueAt'>, now: Date, satisfiedAt?: Date | null): boolean {
  return deadlineStatus(deadline, now, satisfiedAt) === 'overdue';
}

/**
 * The deadlines a case has so far: a clock whose start event has not happened (no SCR
 * referral, forms not yet requested) simply does not exist yet. Rule order is kept.
 */
export function computeCaseDeadlines(
  startEvents: Partial<Record<StartEvent, Date | null>>,
  rules: readonly DeadlineRule[] = DEFAULT_DEADLINE_RULES,
): Deadline[] {
  const deadlines: Deadline[] = [];
  for (const rule of rules) {
    const start = startEvents[rule.startsFrom];
    if (start) deadlines.push(computeDeadline(rule, start));
  }
  return deadlines;
}
