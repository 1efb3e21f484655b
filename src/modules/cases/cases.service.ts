import type { DataSource } from 'typeorm';
import type { Principal } from '../../access/principal';
import { audit, auditStandalone, type AuditEntry } from '../../audit';
import { inTransaction, type Tx } from '../../platform/db/transaction';
import { toPage, type Page } from '../../platform/http/pagination';
import { AppError, badRequest, preconditionFailed } from '../../platform/http/problem';
import { nextCaseReference } from './case-reference';
import { canIdentifyChild, canSeeCase } from './case-scope';
import type { CaseStatus } from './case-status';
import {
  allowedActions,
  CLOCKS_STARTED_BY_ACTION,
  DEADLINES_MET_ON_ENTERING,
  evaluateAction,
  NEXT_STATUS,
  actionFieldErrors,
  type CaseAction,
  type CaseActionRequest,
  type CaseSnapshot,
} from './case-workflow';
import { londonDateOf } from '../../platform/time';
import { computeCaseDeadlines, DEFAULT_DEADLINE_RULES, type DeadlineRule } from './clocks';
import * as cases from './cases.repository';
import type { CaseRow, FlagRow } from './cases.repository';
import {
  actionNotAllowed,
  alreadyAssigned,
  blockedByFlag,
  caseNotFound,
  flagNotApplicable,
  mergedCaseNotAssignable,
  targetCaseNotFound,
  targetMerged,
  unknownFlag,
  unknownPanel,
  wrongTarget,
} from './cases.errors';
import type { CaseHistoryEntry, CaseListQuery, CaseNotificationView, CaseSummary, CaseUpdate, CaseView } from './cases.types';
import { caseSummaryView, caseView, historyView, notificationView } from './cases.view';

export interface CasesService {
  list(p: Principal, q: CaseListQuery & { after?: (string | number)[] }): Promise<Page<CaseSummary>>;
  get(p: Principal, id: string): Promise<CaseView>;
  /** Null when the change took the case out of what the caller may see. */
  update(p: Principal, id: string, version: number, patch: CaseUpdate): Promise<CaseView | null>;
  act(p: Principal, id: string, req: CaseActionRequest): Promise<CaseView>;
  history(p: Principal, id: string, q: { after?: (string | number)[]; limit: number }): Promise<Page<CaseHistoryEntry>>;
  notifications(p: Principal, id: string, q: { after?: (string | number)[]; limit: number }): Promise<Page<CaseNotificationView>>;
}

export interface CasesServiceOptions {
  rules?: readonly DeadlineRule[];
  now?: () => Date;
}

const caseEvent = (id: string, e: Omit<AuditEntry, 'resourceType' | 'resourceId'>): AuditEntry => ({
  resourceType: 'case',
  resourceId: id,
  ...e,
});

function snapshotOf(row: CaseRow, flags: readonly FlagRow[]): CaseSnapshot {
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

function actionsFor(p: Principal, snapshot: CaseSnapshot): CaseAction[] {
  return p.permissions.has('cases:write') ? allowedActions(snapshot) : [];
}

export function createCasesService(ds: DataSource, opts: CasesServiceOptions = {}): CasesService {
  const rules = opts.rules ?? DEFAULT_DEADLINE_RULES;
  const now = opts.now ?? (() => new Date());

  /**
   * Runs a case command or read in one transaction. A refusal the caller should
   * not retry blindly (not found, not allowed, stale) rolls the work back and is
   * audited on its own, so probing for cases leaves a trace too.
   */
  async function run<T>(auditAction: string, id: string | undefined, work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(ds, work);
    } catch (err) {
      if (err instanceof AppError && [404, 409, 412].includes(err.status)) {
        await auditStandalone(ds, {
          action: auditAction,
          resourceType: 'case',
          ...(id ? { resourceId: id } : {}),
          outcome: err.status === 404 ? 'failure' : 'denied',
          reason: err.code,
        });
      }
      throw err;
    }
  }

  async function detail(tx: Tx, p: Principal, row: CaseRow, at: Date): Promise<CaseView> {
    const [flags, deadlines, notifications] = [
      await cases.flagsOf(tx, p, row.id),
      await cases.deadlinesOf(tx, p, row.id),
      await cases.notificationSummary(tx, p, row.id),
    ];
    return caseView(
      {
        row,
        flags,
        deadlines,
        notifications,
        allowedActions: actionsFor(p, snapshotOf(row, flags)),
        identify: canIdentifyChild(p, { panelId: row.panel_id }),
      },
      rules,
      at,
    );
  }

  async function reload(tx: Tx, p: Principal, id: string, at: Date): Promise<CaseView> {
    const row = await cases.findCase(tx, p, id);
    if (!row) throw caseNotFound();
    return detail(tx, p, row, at);
  }

  /** Refuses the action with the 409 the workflow gives, listing what is allowed. */
  function guard(p: Principal, row: CaseRow, flags: readonly FlagRow[], action: CaseAction): void {
    const snapshot = snapshotOf(row, flags);
    const verdict = evaluateAction(snapshot, action);
    if (verdict.ok) return;
    const allowed = actionsFor(p, snapshot);
    throw verdict.code === 'CASE.BLOCKED_BY_FLAG'
      ? blockedByFlag(verdict.detail, verdict.flag, allowed)
      : actionNotAllowed(verdict.detail, allowed);
  }

  const textOf = (req: CaseActionRequest) => ({
    ...(req.reason !== undefined ? { reason: req.reason } : {}),
    ...(req.note !== undefined ? { note: req.note } : {}),
  });

  async function lockOne(tx: Tx, p: Principal, id: string): Promise<CaseRow> {
    return (await cases.lockCases(tx, p, [id])).get(id) ?? Promise.reject(caseNotFound());
  }

  // ------------------------------------------------------------ actions

  async function changeStatus(tx: Tx, p: Principal, id: string, req: CaseActionRequest, at: Date): Promise<AuditEntry[]> {
    const row = await lockOne(tx, p, id);
    guard(p, row, await cases.flagsOf(tx, p, id), req.action);
    const to = NEXT_STATUS[req.action] as CaseStatus;
    const met = await cases.meetDeadlines(tx, p, id, DEADLINES_MET_ON_ENTERING[to] ?? [], at);
    const event = CLOCKS_STARTED_BY_ACTION[req.action];
    const started = event
      ? await cases.startDeadlines(
          tx,
          p,
          id,
          computeCaseDeadlines(
            { [event]: at },
            rules.filter((r) => r.startsFrom === event),
          ).map((d) => ({
            ...d,
            startsFrom: event,
            startedAt: at,
          })),
        )
      : [];
    await cases.insertAction(tx, p, {
      caseId: id,
      action: req.action,
      fromStatus: row.status,
      toStatus: to,
      payload: { ...textOf(req), ...(met.length ? { metDeadlines: met } : {}), ...(started.length ? { startedDeadlines: started } : {}) },
    });
    await cases.updateCase(tx, p, id, { status: to });
    return [
      caseEvent(id, {
        action: 'case.action',
        details: { action: req.action, fromStatus: row.status, toStatus: to, metDeadlines: met, startedDeadlines: started },
      }),
    ];
  }

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

  /** Flag commands lock both cases a pair flag concerns (in id order), since both show it. */
  async function flagCommand(tx: Tx, p: Principal, id: string, req: CaseActionRequest): Promise<AuditEntry[]> {
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

  async function merge(tx: Tx, p: Principal, id: string, req: CaseActionRequest): Promise<AuditEntry[]> {
    const found = await cases.findFlag(tx, p, req.flagId!);
    const concerns = found && found.type === 'POSSIBLE_DUPLICATE' && (found.case_id === id || found.related_case_id === id);
    const other = concerns ? (found.case_id === id ? found.related_case_id : found.case_id) : null;
    const locked = await cases.lockCases(tx, p, other ? [id, other] : [id]);
    const row = locked.get(id);
    if (!row) throw caseNotFound();
    const flags = await cases.flagsOf(tx, p, id);
    guard(p, row, flags, 'merge_duplicate');
    const flag = flags.find((f) => f.id === req.flagId && f.type === 'POSSIBLE_DUPLICATE');
    if (!flag || !other) throw unknownFlag();
    if (req.targetCaseId !== undefined && req.targetCaseId !== other) throw wrongTarget();
    if (flag.status !== 'open') throw flagNotApplicable(`The flag is ${flag.status}.`, actionsFor(p, snapshotOf(row, flags)));
    const target = locked.get(other);
    if (!target) throw targetCaseNotFound();
    if (target.merged_into_case_id) throw targetMerged();

    // The duplicate's log entry is written first, while both cases are still as the caller saw them.
    const moved = await cases.moveNotificationsForMerge(tx, p, id, other);
    const addedAgencyIds = await cases.copyAgencies(tx, p, id, other);
    const movedNotificationIds = moved.map((m) => m.id);
    await cases.insertAction(tx, p, {
      caseId: id,
      action: 'merged_into',
      fromStatus: row.status,
      toStatus: 'closed',
      payload: { flagId: flag.id, targetCaseId: other, movedNotificationIds, addedAgencyIds, moved, ...textOf(req) },
    });
    await cases.insertAction(tx, p, {
      caseId: other,
      action: 'absorbed_duplicate',
      fromStatus: target.status,
      toStatus: target.status,
      payload: { flagId: flag.id, sourceCaseId: id, movedNotificationIds },
    });
    await cases.setFlagStatus(tx, p, flag.id, 'resolved');
    await cases.updateCase(tx, p, id, { status: 'closed', mergedIntoCaseId: other });
    await cases.updateCase(tx, p, other, {});
    const details = { flagId: flag.id, movedNotifications: moved.length, addedAgencies: addedAgencyIds.length };
    return [
      caseEvent(id, {
        action: 'case.action',
        details: { action: 'merge_duplicate', fromStatus: row.status, toStatus: 'closed', targetCaseId: other, ...details },
      }),
      caseEvent(other, { action: 'case.merge.target', details: { sourceCaseId: id, ...details } }),
    ];
  }

  async function unmerge(tx: Tx, p: Principal, id: string, req: CaseActionRequest): Promise<AuditEntry[]> {
    const before = await cases.findCase(tx, p, id);
    if (!before) throw caseNotFound();
    const other = before.merged_into_case_id;
    const locked = await cases.lockCases(tx, p, other ? [id, other] : [id]);
    const row = locked.get(id);
    if (!row) throw caseNotFound();
    guard(p, row, await cases.flagsOf(tx, p, id), 'unmerge');
    // Re-read under the lock: the case we locked must still point where we looked.
    if (row.merged_into_case_id !== other || !other) throw preconditionFailed();
    const target = locked.get(other);
    if (!target) throw targetCaseNotFound();
    if (target.merged_into_case_id) throw targetMerged();
    const merged = await cases.latestAction(tx, p, id, 'merged_into');
    const payload = (merged?.payload ?? {}) as { moved?: { id: string; match: string }[]; addedAgencyIds?: string[]; flagId?: string };
    const moved = payload.moved ?? [];
    const restoredStatus = merged?.from_status ?? 'notified';
    const back = await cases.moveNotificationsBack(tx, p, other, id, moved);
    await cases.removeMergedAgencies(
      tx,
      p,
      other,
      payload.addedAgencyIds ?? [],
      moved.map((m) => m.id),
    );
    // The merge resolved the flag; undoing it puts the question back to a coordinator.
    if (payload.flagId) await cases.setFlagStatus(tx, p, payload.flagId, 'open');
    await cases.insertAction(tx, p, {
      caseId: id,
      action: 'unmerge',
      fromStatus: row.status,
      toStatus: restoredStatus,
      payload: {
        targetCaseId: other,
        movedNotificationIds: back,
        restoredStatus,
        ...(payload.flagId ? { flagId: payload.flagId } : {}),
        ...textOf(req),
      },
    });
    await cases.insertAction(tx, p, {
      caseId: other,
      action: 'duplicate_unmerged',
      fromStatus: target.status,
      toStatus: target.status,
      payload: { sourceCaseId: id, movedNotificationIds: back },
    });
    await cases.updateCase(tx, p, id, { status: restoredStatus, mergedIntoCaseId: null });
    await cases.updateCase(tx, p, other, {});
    return [
      caseEvent(id, {
        action: 'case.action',
        details: {
          action: 'unmerge',
          fromStatus: row.status,
          toStatus: restoredStatus,
          targetCaseId: other,
          movedNotifications: back.length,
        },
      }),
      caseEvent(other, { action: 'case.unmerge.target', details: { sourceCaseId: id, movedNotifications: back.length } }),
    ];
  }

  async function perform(tx: Tx, p: Principal, id: string, req: CaseActionRequest, at: Date): Promise<AuditEntry[]> {
    switch (req.action) {
      case 'place_hold':
      case 'lift_hold':
        return hold(tx, p, id, req, at);
      case 'dismiss_flag':
      case 'restore_flag':
        return flagCommand(tx, p, id, req);
      case 'merge_duplicate':
        return merge(tx, p, id, req);
      case 'unmerge':
        return unmerge(tx, p, id, req);
      default:
        return changeStatus(tx, p, id, req, at);
    }
  }

  // ------------------------------------------------------------ the service

  return {
    list: (p, q) =>
      run('case.list', undefined, async (tx) => {
        const at = now();
        const limit = q.limit ?? 25;
        if (
          q.after &&
          !(typeof q.after[0] === 'string' && isCalendarDate(q.after[0]) && typeof q.after[1] === 'string' && UUID.test(q.after[1]))
        ) {
          throw badCursor();
        }
        // The contract's date format admits 2026-02-31; PostgreSQL would refuse it with a 500.
        const badDates = (['dateOfDeathFrom', 'dateOfDeathTo'] as const).filter((k) => q[k] !== undefined && !isCalendarDate(q[k]));
        if (badDates.length) {
          throw badRequest(
            'Not a calendar date.',
            badDates.map((k) => ({ field: `query.${k}`, message: 'must be a calendar date (YYYY-MM-DD)' })),
          );
        }
        const rows = await cases.listCases(tx, p, {
          statuses: q.status,
          panelId: q.panelId,
          unassigned: q.unassigned,
          overdue: q.overdue,
          flagged: q.flagged,
          flagType: q.flagType,
          dateOfDeathFrom: q.dateOfDeathFrom,
          dateOfDeathTo: q.dateOfDeathTo,
          category: q.category,
          after: q.after,
          limit,
          now: at,
        });
        const page = toPage(
          rows,
          limit,
          (r) => [r.date_of_death, r.id],
          (r) => caseSummaryView(r, canIdentifyChild(p, { panelId: r.panel_id })),
        );
        await audit(tx, {
          action: 'case.list',
          resourceType: 'case',
          details: {
            returned: page.items.length,
            identifiable: page.items.filter((c) => c.child).length,
            filters: Object.keys(q)
              .filter((k) => k !== 'after' && q[k as keyof typeof q] !== undefined)
              .sort(),
          },
        });
        return page;
      }),

    get: (p, id) =>
      run('case.read', id, async (tx) => {
        const view = await reload(tx, p, id, now());
        await audit(tx, caseEvent(id, { action: 'case.read', details: { identifiable: Boolean(view.child) } }));
        return view;
      }),

    update: (p, id, version, patch) =>
      run('case.update', id, async (tx) => {
        const at = now();
        if (patch.panelId !== undefined && !(await cases.panelExists(tx, patch.panelId))) throw unknownPanel();
        const scope = patch.panelId !== undefined ? { assigningTo: patch.panelId } : {};
        const row = await cases.findCase(tx, p, id, { ...scope, lock: true });
        if (!row) throw caseNotFound();
        if (row.version !== version) throw preconditionFailed();

        const changes: cases.CaseChanges = {};
        const corrections: Record<string, { from: unknown; to: unknown }> = {};
        let reference: string | undefined;
        if (patch.panelId !== undefined && patch.panelId !== row.panel_id) {
          if (row.panel_id !== null) throw alreadyAssigned();
          if (row.merged_into_case_id) throw mergedCaseNotAssignable();
          reference = await nextCaseReference(tx, patch.panelId, Number(londonDateOf(row.notified_at).slice(0, 4)));
          changes.panel = { id: patch.panelId, reference };
        }
        if (patch.expectedDeath !== undefined && patch.expectedDeath !== row.expected_death) {
          changes.expectedDeath = patch.expectedDeath;
          corrections.expectedDeath = { from: row.expected_death, to: patch.expectedDeath };
        }
        if (patch.category !== undefined && patch.category !== row.category) {
          changes.category = patch.category;
          corrections.category = { from: row.category, to: patch.category };
        }

        if (changes.panel || Object.keys(corrections).length) {
          // Log entries first: assigning moves an administrator's case out of their scope.
          if (changes.panel) {
            await cases.insertAction(
              tx,
              p,
              {
                caseId: id,
                action: 'assign_panel',
                fromStatus: row.status,
                toStatus: row.status,
                payload: { panelId: changes.panel.id, reference },
              },
              scope,
            );
          }
          if (Object.keys(corrections).length) {
            await cases.insertAction(
              tx,
              p,
              { caseId: id, action: 'correct_details', fromStatus: row.status, toStatus: row.status, payload: { changes: corrections } },
              scope,
            );
          }
          await cases.updateCase(tx, p, id, changes, scope);
        }
        await audit(
          tx,
          caseEvent(id, {
            action: 'case.update',
            details: {
              fields: Object.keys(patch).sort(),
              changed: [...(changes.panel ? ['panelId'] : []), ...Object.keys(corrections)].sort(),
              ...(changes.panel ? { panelId: changes.panel.id } : {}),
            },
          }),
        );
        const panelNow = changes.panel?.id ?? row.panel_id;
        return canSeeCase(p, { panelId: panelNow }) ? reload(tx, p, id, at) : null;
      }),

    act: (p, id, req) => {
      const errors = actionFieldErrors(req);
      if (errors.length) {
        return Promise.reject(badRequest(`${req.action} was sent with fields it does not take or without ones it needs.`, errors));
      }
      return run('case.action', id, async (tx) => {
        const at = now();
        const events = await perform(tx, p, id, req, at);
        await audit(tx, ...events);
        return reload(tx, p, id, at);
      });
    },

    history: (p, id, q) =>
      run('case.history.read', id, async (tx) => {
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
      }),

    notifications: (p, id, q) =>
      run('case.notifications.read', id, async (tx) => {
        const row = await cases.findCase(tx, p, id);
        if (!row) throw caseNotFound();
        const withForm = canIdentifyChild(p, { panelId: row.panel_id });
        if (
          q.after &&
          (typeof q.after[0] !== 'string' ||
            Number.isNaN(Date.parse(q.after[0])) ||
            typeof q.after[1] !== 'string' ||
            !UUID.test(q.after[1]))
        ) {
          throw badCursor();
        }
        const rows = await cases.notificationsOf(tx, p, id, { after: q.after, limit: q.limit, withForm });
        const page = toPage(
          rows,
          q.limit,
          (r) => [r.received_at.toISOString(), r.id],
          (r) => notificationView(r, withForm),
        );
        await audit(
          tx,
          caseEvent(id, { action: 'case.notifications.read', details: { returned: page.items.length, formsIncluded: withForm } }),
        );
        return page;
      }),
  };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
function isCalendarDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const badCursor = () =>
  badRequest('The cursor is not valid; start again from the first page.', [{ field: 'query.cursor', message: 'invalid cursor' }]);
