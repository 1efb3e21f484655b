import type { Principal } from '../../access/principal';
import type { Permission } from '../../access/permissions';
import type { LocalDate } from '../../platform/time';
import type { FlagClockStatus, SafeguardingFlagStatus } from './entities';

/**
 * What may be done with a flag, as pure rules (README, "Rules and decisions"). Acknowledging, referring, correcting
 * the awareness date and recording a notification are the coordinators' (`flags:write`); dismissing is the chair's
 * (`flags:dismiss`). A dismissed flag is final: new evidence raises a new flag.
 */
export const FLAG_ACTIONS = ['acknowledge', 'refer', 'dismiss', 'correct_awareness', 'record_notification'] as const;
export type FlagAction = (typeof FLAG_ACTIONS)[number];

const BY_STATUS: Record<SafeguardingFlagStatus, readonly FlagAction[]> = {
  open: ['acknowledge', 'refer', 'dismiss', 'correct_awareness', 'record_notification'],
  acknowledged: ['refer', 'dismiss', 'correct_awareness', 'record_notification'],
  referred: ['correct_awareness', 'record_notification'],
  dismissed: [],
};

const PERMISSION: Record<FlagAction, Permission> = {
  acknowledge: 'flags:write',
  refer: 'flags:write',
  dismiss: 'flags:dismiss',
  correct_awareness: 'flags:write',
  record_notification: 'flags:write',
};

/** A flag still waiting for a decision (neither referred nor dismissed) stops its case closing. */
export const isUndecided = (status: SafeguardingFlagStatus) => status === 'open' || status === 'acknowledged';

/** Why the action cannot be taken on the flag now, or null when it can (the caller's permission aside). */
export function actionRefusal(
  action: FlagAction,
  flag: { status: SafeguardingFlagStatus; clocks: readonly { status: FlagClockStatus }[] },
): string | null {
  if (!BY_STATUS[flag.status].includes(action)) return `A flag that is ${flag.status} cannot take ${action}.`;
  if (action === 'record_notification' && !flag.clocks.some((c) => c.status === 'running')) {
    return 'The flag has no statutory clock still running.';
  }
  return null;
}

/** The actions the caller may take on the flag now. */
export function allowedFlagActions(
  p: Principal,
  flag: { status: SafeguardingFlagStatus; clocks: readonly { status: FlagClockStatus }[] },
): FlagAction[] {
  return FLAG_ACTIONS.filter((a) => p.permissions.has(PERMISSION[a]) && actionRefusal(a, flag) === null);
}

/** A date a person records must not be in the future (Europe/London) nor before `notBefore` when given. */
export function dateError(field: string, date: LocalDate, today: LocalDate, notBefore?: { date: LocalDate; what: string }) {
  if (date > today) return { field, message: 'must not be in the future' };
  if (notBefore && date < notBefore.date) return { field, message: `must not be before ${notBefore.what} (${notBefore.date})` };
  return null;
}
