import type { Principal } from '../../../access/principal';
import type { AuditEntry } from '../../../audit';
import type { Tx } from '../../../platform/db/transaction';
import { preconditionFailed } from '../../../platform/http/problem';
import { MERGEABLE_FLAG_TYPES, type CaseActionRequest } from '../case-workflow';
import { caseNotFound, flagNotApplicable, targetCaseNotFound, targetMerged, unknownFlag, wrongTarget } from '../cases.errors';
import * as cases from '../cases.repository';
import { announceCaseChange } from './case-change-hook';
import { actionsFor, caseEvent, guard, snapshotOf, textOf, type CasesDeps } from './case-command';

/**
 * merge_duplicate: the case is a duplicate of the other case its open
 * POSSIBLE_DUPLICATE or NHS_NUMBER_CONFLICT flag names. Its notifications (marked `merged`) and the
 * agencies the target lacks move to the target, the flag is resolved, and the
 * duplicate is closed pointing at the target. Its log entry records exactly
 * what moved, so unmerge can undo it.
 */
export async function mergeDuplicate(deps: CasesDeps, tx: Tx, p: Principal, id: string, req: CaseActionRequest): Promise<AuditEntry[]> {
  const found = await cases.findFlag(tx, p, req.flagId!);
  const concerns = found && MERGEABLE_FLAG_TYPES.includes(found.type) && (found.case_id === id || found.related_case_id === id);
  const other = concerns ? (found.case_id === id ? found.related_case_id : found.case_id) : null;
  const locked = await cases.lockCases(tx, p, other ? [id, other] : [id]);
  const row = locked.get(id);
  if (!row) throw caseNotFound();
  const flags = await cases.flagsOf(tx, p, id);
  guard(p, row, flags, 'merge_duplicate');
  const flag = flags.find((f) => f.id === req.flagId && MERGEABLE_FLAG_TYPES.includes(f.type));
  if (!flag || !other) throw unknownFlag();
  if (req.targetCaseId !== undefined && req.targetCaseId !== other) throw wrongTarget();
  if (flag.status !== 'open') throw flagNotApplicable(`The flag is ${flag.status}.`, actionsFor(p, snapshotOf(row, flags)));
  const target = locked.get(other);
  if (!target) throw targetCaseNotFound();
  if (target.merged_into_case_id) throw targetMerged();

  const moved = await deps.notifications.moveAll(tx, p, id, other);
  const addedAgencyIds = await cases.copyAgencies(tx, p, id, other);
  const movedNotificationIds = moved.map((m) => m.id);
  // The duplicate's log entry is written first, while both cases are still as the caller saw them.
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
  // The target holds the duplicate's notifications now: rules that read them run on it (case-changes.ts).
  await announceCaseChange(deps, tx, p, { kind: 'duplicate_merged', caseId: other, mergedCaseId: id });
  const details = { flagId: flag.id, movedNotifications: moved.length, addedAgencies: addedAgencyIds.length };
  return [
    caseEvent(id, {
      action: 'case.action',
      details: { action: 'merge_duplicate', fromStatus: row.status, toStatus: 'closed', targetCaseId: other, ...details },
    }),
    caseEvent(other, { action: 'case.merge.target', details: { sourceCaseId: id, ...details } }),
  ];
}

/**
 * unmerge: undoes a merge exactly. The notifications and agencies that moved
 * go back, the flag reopens for a coordinator to decide again, and the case
 * returns to the status it had; notifications that reached the target after
 * the merge stay there.
 */
export async function unmergeDuplicate(deps: CasesDeps, tx: Tx, p: Principal, id: string, req: CaseActionRequest): Promise<AuditEntry[]> {
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
  const back = await deps.notifications.moveBack(tx, p, other, id, moved);
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
