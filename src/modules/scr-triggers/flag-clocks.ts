import { addWorkingDays, type LocalDate } from '../../platform/time';
import type { FlagClockStatus } from './entities';
import type { ClockDefinition } from './rules';

/**
 * A flag's statutory clocks as dates (README, "Clocks"): due a number of working days (England and Wales bank
 * holidays, src/platform/time) after the day the responsible body became aware. A clock is overdue from the day after
 * its due date while it runs; meeting it records the day the notification was sent (late if after the due date);
 * dismissing the flag stops it.
 */

export const dueOn = (awareOn: LocalDate, clock: Pick<ClockDefinition, 'workingDays'>): LocalDate =>
  addWorkingDays(awareOn, clock.workingDays);

type ClockState = 'pending' | 'overdue' | 'met' | 'met_late' | 'stopped';

export function clockState(c: { status: FlagClockStatus; due_on: string; met_on: string | null }, today: LocalDate): ClockState {
  if (c.status === 'stopped') return 'stopped';
  if (c.status === 'met') return c.met_on !== null && c.met_on > c.due_on ? 'met_late' : 'met';
  return today > c.due_on ? 'overdue' : 'pending';
}
