import type { Principal } from '../../../access/principal';
import { audit } from '../../../audit';
import { toPage, type Page } from '../../../platform/http/pagination';
import { canIdentifyChild } from '../case-scope';
import { caseNotFound } from '../cases.errors';
import * as cases from '../cases.repository';
import type { CaseHistoryEntry, CaseNotificationView } from '../cases.types';
import { historyView, notificationView } from '../cases.view';
import { badCursor, caseEvent, runCaseCommand, UUID, type CasesDeps } from './case-command';

type PageQuery = { after?: (string | number)[]; limit: number };

/** GET /v1/cases/{caseId}/history: the action log, oldest first; free text only for those who may identify the child. */
export function caseHistory(deps: CasesDeps, p: Principal, id: string, q: PageQuery): Promise<Page<CaseHistoryEntry>> {
  return runCaseCommand(deps, 'case.history.read', id, async (tx) => {
    const row = await cases.findCase(tx, p, id);
    if (!row) throw caseNotFound();
    const identify = canIdentifyChild(p, { panelId: row.panel_id });
    const after = q.after === undefined ? undefined : Number(q.after[0]);
    if (after !== undefined && !Number.isSafeInteger(after)) throw badCursor();
    const rows = await cases.historyOf(tx, p, id, { after, limit: q.limit });
    const page = toPage(
      rows,
      q.limit,
      (r) => [Number(r.id)],
      (r) => historyView(r, identify),
    );
    await audit(tx, caseEvent(id, { action: 'case.history.read', details: { returned: page.items.length } }));
    return page;
  });
}

/** GET /v1/cases/{caseId}/notifications: who notified the death; the forms only for those who may identify the child. */
export function caseNotifications(deps: CasesDeps, p: Principal, id: string, q: PageQuery): Promise<Page<CaseNotificationView>> {
  return runCaseCommand(deps, 'case.notifications.read', id, async (tx) => {
    const row = await cases.findCase(tx, p, id);
    if (!row) throw caseNotFound();
    const withForm = canIdentifyChild(p, { panelId: row.panel_id });
    if (
      q.after &&
      (typeof q.after[0] !== 'string' || Number.isNaN(Date.parse(q.after[0])) || typeof q.after[1] !== 'string' || !UUID.test(q.after[1]))
    ) {
      throw badCursor();
    }
    const rows = await deps.notifications.listOfCase(tx, p, id, { after: q.after, limit: q.limit, withForm });
    const page = toPage(
      rows,
      q.limit,
      (r) => [r.received_key, r.id],
      (r) => notificationView(r, withForm),
    );
    await audit(
      tx,
      caseEvent(id, { action: 'case.notifications.read', details: { returned: page.items.length, formsIncluded: withForm } }),
    );
    return page;
  });
}
