import type { Principal } from '../../../access/principal';
import { audit, type AuditEntry } from '../../../audit';
import type { Tx } from '../../../platform/db/transaction';
import { badRequest } from '../../../platform/http/problem';
import type { CaseStatus } from '../case-status';
import {
  actionFieldErrors,
  CLOCKS_STARTED_BY_ACTION,
  DEADLINES_MET_ON_ENTERING,
  isPanelStep,
  NEXT_STATUS,
  PANEL_STEP_ENDPOINTS,
  type CaseActionRequest,
  type PanelStep,
} from '../case-workflow';
import type { ClosureBlocker } from '../cases.ports';
import { caseNotFound, closureBlocked, flagNotApplicable, informationOutstanding, panelStepElsewhere, unknownFlag } from '../cases.errors';
import * as cases from '../cases.repository';
import type { CaseView } from '../cases.types';
import { computeCaseDeadlines } from '../clocks';
import { actionsFor, caseEvent, guard, loadCaseView, lockOne, runCaseCommand, snapshotOf, textOf, type CasesDeps } from './case-command';
import { mergeDuplicate, unmergeDuplicate } from './merge-duplicate';

/**
 * POST /v1/cases/{caseId}/actions: one workflow action on the case, in one
 * transaction: lock → guard (the workflow table, holds, flags) → log entry →
 * case change → audit. Answers the case as it is afterwards.
 */
export function actOnCase(deps: CasesDeps, p: Principal, id: string, req: CaseActionRequest): Promise<CaseView> {
  const errors = actionFieldErrors(req);
  if (errors.length) {
    return Promise.reject(badRequest(`${req.action} was sent with fields it does not take or without ones it needs.`, errors));
  }
  return runCaseCommand(deps, 'case.action', id, async (tx) => {
    const at = deps.now();
    const events = await perform(deps, tx, p, id, req, at);
    await audit(tx, ...events);
    return loadCaseView(deps, tx, p, id, at);
  });
}

function perform(deps: CasesDeps, tx: Tx, p: Principal, id: string, req: CaseActionRequest, at: Date): Promise<AuditEntry[]> {
  switch (req.action) {
    case 'place_hold':
    case 'lift_hold':
      return hold(tx, p, id, req, at);
    case 'dismiss_flag':
    case 'restore_flag':
      return decideFlag(tx, p, id, req);
    case 'merge_duplicate':
      return mergeDuplicate(deps, tx, p, id, req);
    case 'unmerge':
      return unmergeDuplicate(deps, tx, p, id, req);
    default:
      if (isPanelStep(req.action)) return refusePanelStep(tx, p, id, req.action);
      return changeStatus(deps, tx, p, id, req, at);
  }
}

/** The panel's own steps have their own endpoints (PANEL_STEPS); a case outside the caller's scope is still 404. */
async function refusePanelStep(tx: Tx, p: Principal, id: string, action: PanelStep): Promise<never> {
  const row = await lockOne(tx, p, id);
  throw panelStepElsewhere(action, PANEL_STEP_ENDPOINTS[action], actionsFor(p, snapshotOf(row, await cases.flagsOf(tx, p, id))));
}

/**
 * A step along the review: the status moves, clocks are met or started as the workflow says. `step` carries what a
 * panel step adds (the meeting, the category the panel signed off), recorded in the log entry.
 */
export async function changeStatus(
  deps: CasesDeps,
  tx: Tx,
  p: Principal,
  id: string,
  req: CaseActionRequest,
  at: Date,
  step: { meetingId?: string; category?: number } = {},
): Promise<AuditEntry[]> {
  const row = await lockOne(tx, p, id);
  const flags = await cases.flagsOf(tx, p, id);
  guard(p, row, flags, req.action);
  const to = NEXT_STATUS[req.action] as CaseStatus;
  // Taking a case off an agenda (unschedule) also leads to ready_for_panel, and must stay possible whatever is outstanding.
  await requireOtherModulesAllow(deps, tx, p, row, flags, req.action);
  const met = await cases.meetDeadlines(tx, p, id, DEADLINES_MET_ON_ENTERING[to] ?? [], at);
  const event = CLOCKS_STARTED_BY_ACTION[req.action];
  const started = event
    ? await cases.startDeadlines(
        tx,
        p,
        id,
        computeCaseDeadlines(
          { [event]: at },
          deps.rules.filter((r) => r.startsFrom === event),
        ).map((d) => ({ rule_id: d.ruleId, starts_from: event, started_at: at, due_at: d.dueAt, due_date: d.dueDate, met_at: null })),
      )
    : [];
  await cases.insertAction(tx, p, {
    caseId: id,
    action: req.action,
    fromStatus: row.status,
    toStatus: to,
    payload: {
      ...textOf(req),
      ...step,
      ...(step.category !== undefined && step.category !== row.category ? { categoryFrom: row.category } : {}),
      ...(met.length ? { metDeadlines: met } : {}),
      ...(started.length ? { startedDeadlines: started } : {}),
    },
  });
  await cases.updateCase(tx, p, id, { status: to, ...(step.category !== undefined ? { category: step.category } : {}) });
  return [
    caseEvent(id, {
      action: 'case.action',
      details: { action: req.action, fromStatus: row.status, toStatus: to, metDeadlines: met, startedDeadlines: started, ...step },
    }),
  ];
}

/**
 * What other modules own can hold a step back: a case is ready for the panel only when every form requested is in
 * (submitted, waived or withdrawn: CaseFormsPort; the 409 names each request still outstanding), and it closes only
 * when no other module holds it back (CaseClosurePort: an action without an owner, an SCR flag still undecided).
 */
async function requireOtherModulesAllow(
  deps: CasesDeps,
  tx: Tx,
  p: Principal,
  row: Awaited<ReturnType<typeof lockOne>>,
  flags: Awaited<ReturnType<typeof cases.flagsOf>>,
  action: CaseActionRequest['action'],
): Promise<void> {
  const allowed = () => actionsFor(p, snapshotOf(row, flags));
  if (action === 'mark_ready_for_panel') {
    const outstanding = (await deps.forms?.outstandingOf(tx, row.id)) ?? [];
    if (outstanding.length) throw informationOutstanding(outstanding, allowed());
  }
  if (action === 'close') {
    const blockers: ClosureBlocker[] = [];
    for (const port of deps.closure) blockers.push(...(await port.closureBlockers(tx, row.id)));
    if (blockers.length) throw closureBlocked(blockers, allowed());
  }
}

/** Placing or lifting a hold (awaiting an inquest, criminal proceedings, a safeguarding review). */
async function hold(tx: Tx, p: Principal, id: string, req: CaseActionRequest, at: Date): Promise<AuditEntry[]> {
  const row = await lockOne(tx, p, id);
  guard(p, row, await cases.flagsOf(tx, p, id), req.action);
  const placing = req.action === 'place_hold';
  const holdReason = placing ? req.holdReason! : row.hold_reason!;
  await cases.insertAction(tx, p, {
    caseId: id,
    action: req.action,
    fromStatus: row.status,
    toStatus: row.status,
    payload: { holdReason, ...textOf(req) },
  });
  await cases.updateCase(tx, p, id, { hold: placing ? { reason: holdReason, since: at } : null });
  return [caseEvent(id, { action: 'case.action', details: { action: req.action, status: row.status, holdReason } })];
}

/** Dismissing or restoring a flag. A flag relating two cases locks both (in id order), since both show it. */
async function decideFlag(tx: Tx, p: Principal, id: string, req: CaseActionRequest): Promise<AuditEntry[]> {
  const found = await cases.findFlag(tx, p, req.flagId!);
  const concerns = found && (found.case_id === id || found.related_case_id === id);
  const other = concerns ? (found.case_id === id ? found.related_case_id : found.case_id) : null;
  const locked = await cases.lockCases(tx, p, other ? [id, other] : [id]);
  const row = locked.get(id);
  if (!row) throw caseNotFound();
  const flags = await cases.flagsOf(tx, p, id);
  guard(p, row, flags, req.action);
  const flag = flags.find((f) => f.id === req.flagId);
  if (!flag) throw unknownFlag();
  if (other && !locked.has(other)) {
    throw flagNotApplicable(
      'The flag also concerns a case outside your panels; a coordinator covering both must decide it.',
      actionsFor(p, snapshotOf(row, flags)),
    );
  }
  const want = req.action === 'dismiss_flag' ? 'open' : 'dismissed';
  if (flag.status !== want) {
    throw flagNotApplicable(`The flag is ${flag.status}; ${req.action} needs it ${want}.`, actionsFor(p, snapshotOf(row, flags)));
  }
  await cases.insertAction(tx, p, {
    caseId: id,
    action: req.action,
    fromStatus: row.status,
    toStatus: row.status,
    payload: { flagId: flag.id, flagType: flag.type, ...textOf(req) },
  });
  await cases.setFlagStatus(tx, p, flag.id, req.action === 'dismiss_flag' ? 'dismissed' : 'open');
  await cases.updateCase(tx, p, id, {});
  if (other && locked.has(other)) await cases.updateCase(tx, p, other, {});
  return [caseEvent(id, { action: 'case.action', details: { action: req.action, flagId: flag.id, flagType: flag.type } })];
}
