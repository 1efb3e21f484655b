import type { DataSource } from 'typeorm';
import type { Principal } from '../../../access/principal';
import { audit } from '../../../audit';
import { inTransaction } from '../../../platform/db/transaction';
import { toPage, type Page } from '../../../platform/http/pagination';
import { badRequest, notFound } from '../../../platform/http/problem';
import * as notifications from '../notifications.repository';
import type { NotificationReadRow } from '../notifications.repository';
import type { NotificationView } from '../notifications.types';

/**
 * GET /v1/notifications/{notificationId} and GET /v1/notifications: an agency
 * reads back what it sent (its own agency's notifications only); a coordinator
 * the notifications of the cases whose child they may identify. Anything else
 * is 404, whether or not it exists. Every read is audited.
 */
export function getNotification(ds: DataSource, p: Principal, id: string): Promise<NotificationView> {
  return inTransaction(ds, async (tx) => {
    const row = await notifications.findReadable(tx, p, id);
    if (!row) throw notFound('The notification', 'NOTIFICATION.NOT_FOUND');
    await audit(tx, { action: 'notification.read', resourceType: 'notification', resourceId: id, details: { caseId: row.case_id } });
    return notificationView(row);
  });
}

export function listNotifications(
  ds: DataSource,
  p: Principal,
  q: { since?: string; after?: (string | number)[]; limit: number },
): Promise<Page<NotificationView>> {
  const after = q.after;
  if (
    after &&
    !(typeof after[0] === 'string' && !Number.isNaN(Date.parse(after[0])) && typeof after[1] === 'string' && UUID.test(after[1]))
  ) {
    throw badRequest('The cursor is not valid; start again from the first page.', [{ field: 'query.cursor', message: 'invalid cursor' }]);
  }
  return inTransaction(ds, async (tx) => {
    const rows = await notifications.listReadable(tx, p, {
      since: q.since === undefined ? undefined : new Date(q.since),
      after: after as [string, string] | undefined,
      limit: q.limit,
    });
    const page = toPage(rows, q.limit, (r) => [r.received_key, r.id], notificationView);
    await audit(tx, { action: 'notification.list', resourceType: 'notification', details: { returned: page.items.length } });
    return page;
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function notificationView(r: NotificationReadRow): NotificationView {
  return {
    id: r.id,
    caseId: r.case_id,
    caseReference: r.case_reference,
    notifierAgency: { id: r.notifier_agency_id, name: r.agency_name, odsCode: r.agency_ods_code },
    notifiedOn: r.notified_on,
    receivedAt: r.received_at.toISOString(),
    match: r.match,
    form: r.payload,
  };
}
