import type { DataSource } from 'typeorm';
import type { Principal } from '../../access/principal';
import type { IdempotentOutcome } from '../../platform/idempotency/idempotency';
import type { CaseNotificationsPort, CasesIntake } from '../cases';
import * as notifications from './notifications.repository';
import type { Page } from '../../platform/http/pagination';
import type { NotificationCreate, NotificationReceipt, NotificationView } from './notifications.types';
import { getNotification, listNotifications } from './use-cases/read-notifications';
import { recordNotification } from './use-cases/record-notification';

export interface NotificationsService {
  /** Records a notification exactly once per Idempotency-Key (when one is given). */
  notify(
    principal: Principal,
    body: NotificationCreate,
    idempotencyKey: string | undefined,
  ): Promise<IdempotentOutcome<NotificationReceipt>>;
  /** One notification the caller may read back. */
  get(principal: Principal, id: string): Promise<NotificationView>;
  /** The notifications the caller may read back, oldest received first. */
  list(principal: Principal, q: { since?: string; after?: (string | number)[]; limit: number }): Promise<Page<NotificationView>>;
}

interface NotificationsServiceOptions {
  /** The cases module's intake functions (createCasesService(...).intake). */
  cases: CasesIntake;
  now?: () => Date;
  /** Accept NHS numbers in the 999 test range (config NHS_TEST_NUMBERS_ACCEPTED). */
  acceptTestNhsNumbers: boolean;
}

export function createNotificationsService(ds: DataSource, opts: NotificationsServiceOptions): NotificationsService {
  const deps = { ds, cases: opts.cases, now: opts.now ?? (() => new Date()), nhsNumbers: { acceptTestRange: opts.acceptTestNhsNumbers } };
  return {
    notify: (principal, body, key) => recordNotification(deps, principal, body, key),
    get: (principal, id) => getNotification(ds, principal, id),
    list: (principal, q) => listNotifications(ds, principal, q),
  };
}

/** The notifications module's side of a case, which the cases module is given (see CaseNotificationsPort). */
export const caseNotificationsPort: CaseNotificationsPort = {
  summaryOf: notifications.summaryOf,
  listOfCase: notifications.listOfCase,
  moveAll: notifications.moveAll,
  moveBack: notifications.moveBack,
};
