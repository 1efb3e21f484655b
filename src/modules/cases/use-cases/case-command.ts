import type { DataSource } from 'typeorm';
import type { Principal } from '../../../access/principal';
import { runAuditedCommand, type AuditEntry } from '../../../audit';
import type { Tx } from '../../../platform/db/transaction';
import { badRequest } from '../../../platform/http/problem';
import { canIdentifyChild } from '../case-scope';
import { allowedActions, evaluateAction, isPanelStep, type CaseAction, type CaseActionRequest, type CaseSnapshot } from '../case-workflow';
import { actionNotAllowed, blockedByFlag, caseNotFound } from '../cases.errors';
import type { CaseChangeListener } from '../case-changes';
import type { CaseClosurePort, CaseFormsPort, CaseNotificationsPort, CaseSafeguardingPort } from '../cases.ports';
import * as cases from '../cases.repository';
import type { CaseRow, FlagRow } from '../cases.repository';
import type { CaseView } from '../cases.types';
import { caseView } from '../cases.view';
import type { DeadlineRule } from '../clocks';

/** What every use case of the module works with. */
export interface CasesDeps {
  ds: DataSource;
  rules: readonly DeadlineRule[];
  now: () => Date;
  notifications: CaseNotificationsPort;
  /** Absent only where no agency-forms module is wired (some unit tests): then nothing is outstanding. */
  forms?: CaseFormsPort;
  /** The modules that can hold a closure back (panel-reviews, scr-triggers); none wired: only the workflow blocks closing. */
  closure: readonly CaseClosurePort[];
  /** What runs inside the transaction of every change to a case (case-changes.ts). */
  listeners: readonly CaseChangeListener[];
  /** The SCR flags on a case, for its view (scr-triggers); none wired: none shown. */
  safeguarding?: CaseSafeguardingPort;
}

export const caseEvent = (id: string, e: Omit<AuditEntry, 'resourceType' | 'resourceId'>): AuditEntry => ({
  resourceType: 'case',
  resourceId: id,
  ...e,
});

/** Runs a case command or read in one transaction; refusals audited on their own (runAuditedCommand). */
export function runCaseCommand<T>(deps: CasesDeps, auditAction: string, id: string | undefined, work: (tx: Tx) => Promise<T>): Promise<T> {
  return runAuditedCommand(deps.ds, { action: auditAction, resourceType: 'case', ...(id ? { resourceId: id } : {}) }, work);
}

export function snapshotOf(row: CaseRow, flags: readonly FlagRow[]): CaseSnapshot {
  return {
    status: row.status,
    holdReason: row.hold_reason,
    panelId: row.panel_id,
    mergedIntoCaseId: row.merged_into_case_id,
    // A flag naming a case outside the caller's scope blocks as usual but is not theirs to decide.
    flags: flags.map((f) => ({
      id: f.id,
      type: f.type,
      status: f.status,
      decidable: f.other_case_raw === null || f.other_case_id !== null,
    })),
  };
}

/**
 * The actions the caller may take on the case now through `POST /v1/cases/{id}/actions`: the panel's own steps
 * (PANEL_STEPS) are taken at their own endpoints, so they are never listed here.
 */
export function actionsFor(p: Principal, snapshot: CaseSnapshot): CaseAction[] {
  return p.permissions.has('cases:write') ? allowedActions(snapshot).filter((a) => !isPanelStep(a)) : [];
}

/** Refuses the action with the 409 the workflow gives, listing what is allowed. */
export function guard(p: Principal, row: CaseRow, flags: readonly FlagRow[], action: CaseAction): void {
  const snapshot = snapshotOf(row, flags);
  const verdict = evaluateAction(snapshot, action);
  if (verdict.ok) return;
  const allowed = actionsFor(p, snapshot);
  throw verdict.code === 'CASE.BLOCKED_BY_FLAG'
    ? blockedByFlag(verdict.detail, verdict.flag, allowed)
    : actionNotAllowed(verdict.detail, allowed);
}

/** The case as the caller may see it now, with its flags, clocks and notification count. */
export async function loadCaseView(deps: CasesDeps, tx: Tx, p: Principal, id: string, at: Date): Promise<CaseView> {
  const row = await cases.findCase(tx, p, id);
  if (!row) throw caseNotFound();
  const flags = await cases.flagsOf(tx, p, row.id);
  const deadlines = await cases.deadlinesOf(tx, p, row.id);
  const notifications = await deps.notifications.summaryOf(tx, p, row.id);
  const transfers = await cases.transfersOfCase(tx, p, row.id);
  const safeguardingFlags = (await deps.safeguarding?.flagsOf(tx, row.id)) ?? [];
  return caseView(
    {
      row,
      flags,
      safeguardingFlags,
      deadlines,
      notifications,
      transfers,
      allowedActions: actionsFor(p, snapshotOf(row, flags)),
      identify: canIdentifyChild(p, { panelId: row.panel_id }),
    },
    deps.rules,
    at,
  );
}

/** The free text an action carries, for its log entry. */
export const textOf = (req: CaseActionRequest) => ({
  ...(req.reason !== undefined ? { reason: req.reason } : {}),
  ...(req.note !== undefined ? { note: req.note } : {}),
});

/** The row, locked, if the caller may see it. */
export async function lockOne(tx: Tx, p: Principal, id: string): Promise<CaseRow> {
  const row = (await cases.lockCases(tx, p, [id])).get(id);
  if (!row) throw caseNotFound();
  return row;
}

// Keyset cursors come back from clients: check their shape before they reach SQL.
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
export function isCalendarDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const badCursor = () =>
  badRequest('The cursor is not valid; start again from the first page.', [{ field: 'query.cursor', message: 'invalid cursor' }]);
