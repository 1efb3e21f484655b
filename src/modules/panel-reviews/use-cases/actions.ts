import type { Page } from '../../../platform/http/pagination';
import { toPage } from '../../../platform/http/pagination';
import { resolveActiveAgency } from '../../directory';
import type { ReviewActionStatus } from '../entities';
import * as repo from '../panel-reviews.repository';
import { actionNotFound, unknownAgency } from '../panel-reviews.errors';
import type {
  ReviewActionCreate,
  ReviewActionList,
  ReviewActionStatusUpdate,
  ReviewActionUpdate,
  ReviewActionView,
} from '../panel-reviews.types';
import { actionView } from '../panel-reviews.view';
import { ACTIVE_ACTION_STATUSES } from '../review-rules';
import { audit, getCase, refuseRecused, runReviewCommand, todayOf, type PanelReviewsDeps, type Principal, type Tx } from './deps';

const actionEvent = (id: string, action: string, details: Record<string, unknown>) => ({
  action,
  resourceType: 'review_action',
  resourceId: id,
  details,
});

async function checkAgency(tx: Tx, agencyId: string | null | undefined, field: string): Promise<void> {
  if (agencyId && !(await resolveActiveAgency(tx, { id: agencyId }))) throw unknownAgency(field);
}

async function viewOne(deps: PanelReviewsDeps, tx: Tx, p: Principal, id: string): Promise<ReviewActionView> {
  const row = (await repo.findAction(tx, p, id))!;
  return actionView(row, await repo.updatesOf(tx, [id]), todayOf(deps));
}

/** POST /v1/cases/{caseId}/review/actions: a new action (open), its owner agency optional; audited. */
export function createAction(deps: PanelReviewsDeps, p: Principal, caseId: string, body: ReviewActionCreate): Promise<ReviewActionView> {
  return runReviewCommand(deps, 'case.review.action.created', { type: 'case', id: caseId }, async (tx) => {
    await getCase(deps, tx, p, caseId, true);
    await refuseRecused(deps, tx, p, caseId);
    await checkAgency(tx, body.ownerAgencyId, 'body.ownerAgencyId');
    const id = await repo.insertAction(tx, {
      case_id: caseId,
      description: body.description,
      owner_agency_id: body.ownerAgencyId ?? null,
      due_date: body.dueDate ?? null,
      by: p.id,
    });
    await audit(
      tx,
      actionEvent(id, 'case.review.action.created', {
        caseId,
        ownerAgencyId: body.ownerAgencyId ?? null,
        dueDate: body.dueDate ?? null,
      }),
    );
    return viewOne(deps, tx, p, id);
  });
}

/** GET /v1/cases/{caseId}/review/actions: the case's actions with their history; audited. */
export function listCaseActions(deps: PanelReviewsDeps, p: Principal, caseId: string): Promise<ReviewActionList> {
  return runReviewCommand(deps, 'case.review.actions.read', { type: 'case', id: caseId }, async (tx) => {
    await getCase(deps, tx, p, caseId);
    const rows = await repo.actionsOfCase(tx, caseId);
    const updates = await repo.updatesOf(
      tx,
      rows.map((r) => r.id),
    );
    await audit(tx, { action: 'case.review.actions.read', resourceType: 'case', resourceId: caseId, details: { count: rows.length } });
    const today = todayOf(deps);
    return { items: rows.map((r) => actionView(r, updates, today)) };
  });
}

/** Loads the action (404 outside the caller's panels), locked, and refuses a recused member. */
async function loadForChange(deps: PanelReviewsDeps, tx: Tx, p: Principal, id: string): Promise<repo.ActionRow> {
  const row = await repo.findAction(tx, p, id, { lock: true });
  if (!row) throw actionNotFound();
  await refuseRecused(deps, tx, p, row.case_id);
  return row;
}

/** PATCH /v1/review-actions/{actionId}: owner, description, due date, status (a status change joins the history); audited. */
export function updateAction(deps: PanelReviewsDeps, p: Principal, id: string, body: ReviewActionUpdate): Promise<ReviewActionView> {
  return runReviewCommand(deps, 'case.review.action.updated', { type: 'review_action', id }, async (tx) => {
    const row = await loadForChange(deps, tx, p, id);
    await checkAgency(tx, body.ownerAgencyId, 'body.ownerAgencyId');
    await repo.updateAction(tx, id, {
      description: body.description,
      owner_agency_id: body.ownerAgencyId,
      due_date: body.dueDate,
      status: body.status,
      by: p.id,
    });
    if (body.status !== undefined && body.status !== row.status) {
      await repo.insertActionUpdate(tx, { action_id: id, from_status: row.status, to_status: body.status, note: null, by: p.id });
    }
    await audit(
      tx,
      actionEvent(id, 'case.review.action.updated', {
        caseId: row.case_id,
        fields: Object.keys(body).sort(),
        ...(body.status !== undefined ? { fromStatus: row.status, toStatus: body.status } : {}),
      }),
    );
    return viewOne(deps, tx, p, id);
  });
}

/** POST /v1/review-actions/{actionId}/updates: progress with a note, appended to the history; audited (never the note). */
export function addActionUpdate(
  deps: PanelReviewsDeps,
  p: Principal,
  id: string,
  body: ReviewActionStatusUpdate,
): Promise<ReviewActionView> {
  return runReviewCommand(deps, 'case.review.action.progress', { type: 'review_action', id }, async (tx) => {
    const row = await loadForChange(deps, tx, p, id);
    await repo.insertActionUpdate(tx, { action_id: id, from_status: row.status, to_status: body.status, note: body.note, by: p.id });
    if (body.status !== row.status) await repo.updateAction(tx, id, { status: body.status, by: p.id });
    await audit(tx, actionEvent(id, 'case.review.action.progress', { caseId: row.case_id, fromStatus: row.status, toStatus: body.status }));
    return viewOne(deps, tx, p, id);
  });
}

export interface ActionListQuery {
  overdue?: boolean;
  status?: ReviewActionStatus;
  ownerAgencyId?: string;
  panelId?: string;
  after?: (string | number)[];
  limit: number;
}

/** GET /v1/actions: actions across the caller's panels' cases, earliest due first; audited. */
export function listActions(deps: PanelReviewsDeps, p: Principal, q: ActionListQuery): Promise<Page<ReviewActionView>> {
  return runReviewCommand(deps, 'review_actions.list', { type: 'review_action' }, async (tx) => {
    const today = todayOf(deps);
    const rows = await repo.listActions(tx, p, {
      status: q.status,
      ownerAgencyId: q.ownerAgencyId,
      panelId: q.panelId,
      overdue: q.overdue === undefined ? undefined : { is: q.overdue, today, activeStatuses: ACTIVE_ACTION_STATUSES },
      after: q.after ? { dueKey: String(q.after[0]), id: String(q.after[1]) } : undefined,
      limit: q.limit,
    });
    const page = rows.slice(0, q.limit);
    const updates = await repo.updatesOf(
      tx,
      page.map((r) => r.id),
    );
    await audit(tx, {
      action: 'review_actions.list',
      resourceType: 'review_action',
      details: { count: page.length, caseIds: [...new Set(page.map((r) => r.case_id))] },
    });
    return toPage(
      rows,
      q.limit,
      (r) => [r.due_key, r.id],
      (r) => actionView(r, updates, today),
    );
  });
}
