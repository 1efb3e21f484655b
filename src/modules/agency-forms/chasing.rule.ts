import { addWorkingDays, isWorkingDay, type LocalDate } from '../../platform/time';

/**
 * Chasing a form request, as a pure rule over its due date and what was done
 * already (RULE_VERSION 1). The daily job (use-cases/chase-requests.ts) asks it
 * which steps are due on a day, takes them once each, and records when.
 *
 * - remind_before: on the first working day from which the due date is at most
 *   `reminderWorkingDaysBefore` working days away (and still ahead);
 * - remind_due: on the due date, when it is a working day;
 * - mark_overdue: on the first working day after the due date (the agency is told);
 * - escalate: on the first working day at least `escalateAfterOverdueWorkingDays`
 *   working days after the due date (the case's coordinators are told).
 *
 * Mail goes out on working days only (England and Wales bank holidays count as
 * closed: the people chased are at work then). A step whose day has passed
 * without a run (the service was down) is taken on the next run, except the
 * reminders, which make no sense late: a missed "before" reminder is skipped
 * once the due date is reached, a missed "on the day" one once it has passed.
 */
export const RULE_ID = 'form-request-chasing';
export const RULE_VERSION = 1;

export interface ChasingPolicy {
  reminderWorkingDaysBefore: number;
  escalateAfterOverdueWorkingDays: number;
}

export type ChasingStep = 'remind_before' | 'remind_due' | 'mark_overdue' | 'escalate';

export interface ChasingState {
  dueDate: LocalDate;
  remindedBefore: boolean;
  remindedDue: boolean;
  overdue: boolean;
  escalated: boolean;
}

export function chasingSteps(r: ChasingState, today: LocalDate, policy: ChasingPolicy): ChasingStep[] {
  if (!isWorkingDay(today)) return [];
  const steps: ChasingStep[] = [];
  if (!r.remindedBefore && today < r.dueDate && addWorkingDays(today, policy.reminderWorkingDaysBefore) >= r.dueDate) {
    steps.push('remind_before');
  }
  if (!r.remindedDue && today === r.dueDate) steps.push('remind_due');
  if (!r.overdue && today > r.dueDate) steps.push('mark_overdue');
  if (!r.escalated && today > r.dueDate && addWorkingDays(r.dueDate, policy.escalateAfterOverdueWorkingDays) <= today) {
    steps.push('escalate');
  }
  return steps;
}

/** The latest due date a request can have and still need a step today (for the job's query). */
export function chasingHorizon(today: LocalDate, policy: ChasingPolicy): LocalDate {
  return addWorkingDays(today, Math.max(policy.reminderWorkingDaysBefore, 0));
}
