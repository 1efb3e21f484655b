import type { DataSource } from 'typeorm';
import type { Principal } from '../../access/principal';
import type { IdempotentOutcome } from '../../platform/idempotency/idempotency';
import type { CaseNotificationsPort, CasesIntake } from '../cases';
import * as notifications from './notifications.repository';
import type { NotificationCreate, NotificationReceipt } from './notifications.types';
import { recordNotification } from './use-cases/record-notification';

export interface NotificationsService {
  /** Records a notification exactly once per Idempotency-Key (when one is given). */
  notify(
    principal: Principal,
    body: NotificationCreate,
    idempotencyKey: string | undefined,
  ): Promise<IdempotentOutcome<NotificationReceipt>>;
}

export interface NotificationsServiceOptions {
  /** The cases module's intake functions (createCasesService(...).intake). */
  cases: CasesIntake;
  now?: () => Date;
}

export function createNotificationsService(ds: DataSource, opts: NotificationsServiceOptions): NotificationsService {
  const deps = { ds, cases: opts.cases, now: opts.now ?? (() => new Date()) };
  return {
    notify: (principal, body, key) => recordNotification(deps, principal, body, key),
  };
}

/** The notifications module's side of a case, which the cases module is given (see CaseNotificationsPort). */
export const caseNotificationsPort: CaseNotificationsPort = {
  summaryOf: notifications.summaryOf,
  listOfCase: notifications.listOfCase,
  moveAll: notifications.moveAll,
  moveBack: notifications.moveBack,
};
