import type { components } from '../../generated/openapi';

export type NotificationCreate = components['schemas']['NotificationCreate'];
export type NotificationReceipt = components['schemas']['NotificationReceipt'];
export type NotificationView = components['schemas']['Notification'];
