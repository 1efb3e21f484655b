import type { Tx } from '../../platform/db/transaction';
import { conflict } from '../../platform/http/problem';
import * as repo from './panel-meetings.repository';
import { evaluateQuorum } from './quorum.rule';
import { presentOf, quorumRuleOf } from './use-cases/meeting-state';

/** What the review sign-off (panel-reviews) asks of the meetings, in its own transaction. */

/** Has this user declared (or been recorded with) a conflict of interest for the case? */
export function isRecused(tx: Tx, caseId: string, userId: string): Promise<boolean> {
  return repo.isRecused(tx, caseId, userId);
}

interface SignOffContext {
  meetingId: string;
  panelId: string;
  status: 'scheduled' | 'held' | 'cancelled';
  caseOnAgenda: boolean;
  /** Quorum for this case: present members minus those recused from it. */
  quorum: { met: boolean; missing: string[] };
  /** Members recorded present. */
  present: { userId: string; capacity: string }[];
}

/**
 * The meeting as a sign-off of the case needs it; undefined when the meeting
 * does not exist. No scope check: the caller has checked the case. The meeting
 * row is locked (FOR UPDATE), so attendance cannot change under a sign-off.
 */
export async function signOffContext(tx: Tx, meetingId: string, caseId: string): Promise<SignOffContext | undefined> {
  const m = await repo.findMeeting(tx, meetingId, { lock: true });
  if (!m) return undefined;
  const present = presentOf(await repo.membersOf(tx, meetingId));
  const { rule } = await quorumRuleOf(tx, m.panel_id);
  const recused = await repo.recusedUserIds(tx, caseId);
  return {
    meetingId,
    panelId: m.panel_id,
    status: m.status,
    caseOnAgenda: (await repo.findAgendaItem(tx, meetingId, caseId)) !== null,
    quorum: evaluateQuorum(rule, present, recused),
    present: present.map((x) => ({ userId: x.userId, capacity: x.capacity })),
  };
}

/** Marks the case's agenda item reviewed (called by the review sign-off in the same transaction). */
export async function markAgendaItemReviewed(tx: Tx, meetingId: string, caseId: string): Promise<void> {
  const item = await repo.findAgendaItem(tx, meetingId, caseId);
  if (!item) throw conflict('AGENDA.ITEM_NOT_FOUND', 'The case is not on the agenda of this meeting waiting for review.');
  await repo.markReviewed(tx, item.id, new Date());
  await repo.updateMeeting(tx, meetingId, {});
}
