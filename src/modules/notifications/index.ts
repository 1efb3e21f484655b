// Notification intake: the national notification form in, exactly one case per death out.
export { createNotificationsService, type NotificationsService } from './notifications.service';
export { notificationsRouter } from './notifications.routes';
export { parseNhsNumber, isValidNhsChecksum, formatNhsNumber } from './nhs-number';
