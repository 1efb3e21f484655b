// Notification intake: the national notification form in, exactly one case per death out.
export { createNotificationsService, caseNotificationsPort } from './notifications.service';
export { notificationsRouter } from './notifications.routes';
export { parseNhsNumber, isValidNhsChecksum, formatNhsNumber } from './nhs-number';
export { NotificationEntity } from './entities/notification.entity';
export { notificationFormsOfCase, notificationsForRulesSql } from './notifications.repository';
