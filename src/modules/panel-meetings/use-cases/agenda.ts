import type { PanelMeetingEntity } from '../entities';
import {
  agendaItemNotFound,
  caseNotFound,
  caseNotReady,
  caseOfAnotherPanel,
  caseOnAnotherAgenda,
  meetingCancelled,
} from '../panel-meetings.errors';
import * as repo from '../panel-meetings.repository';
import { actorRef, audit, meetingEvent, runMeetingsCommand, type PanelMeetingsDeps, type Principal, type Tx } from './deps';
import { meetingToChange, resultOf, type MeetingResult } from './meetings';

/**
 * The agenda. Putting a case on it is the workflow's `schedule_for_panel`
 * step and taking it off is `unschedule`, both taken through the cases module
 * in the same transaction (so the case status and the agenda never disagree),
 * with the meeting's id in the case history.
 */

/** POST /v1/panel-meetings/{meetingId}/agenda: a case of the meeting's panel, ready for panel, on a meeting not cancelled. */
export function addAgendaItem(deps: PanelMeetingsDeps, p: Principal, id: string, caseId: string): Promise<MeetingResult> {
  return runMeetingsCommand(deps, 'panel_meeting.agenda.add', { type: 'panel_meeting', id }, async (tx) => {
    const m = await meetingToChange(tx, p, id);
    if (m.status === 'cancelled') throw meetingCancelled();
    const c = await deps.cases.find(tx, p, caseId, { lock: true });
    if (!c) throw caseNotFound();
    if (c.panelId?.toLowerCase() !== m.panel_id.toLowerCase()) throw caseOfAnotherPanel();
    if (c.status !== 'ready_for_panel') throw caseNotReady(c.status);
    // Guarded by the workflow (holds, flags): its 409s reach the caller as they are.
    await deps.cases.step(tx, p, caseId, 'schedule_for_panel', { meetingId: id });
    try {
      await repo.insertAgendaItem(tx, { meeting_id: id, case_id: caseId, added_by_id: actorRef(p) });
    } catch (err) {
      if (repo.isUniqueViolation(err)) throw caseOnAnotherAgenda();
      throw err;
    }
    const updated = await repo.updateMeeting(tx, id, {});
    await audit(tx, meetingEvent(id, { action: 'panel_meeting.agenda.add', details: { panelId: m.panel_id, caseId } }));
    return resultOf(tx, updated);
  });
}

/** DELETE /v1/panel-meetings/{meetingId}/agenda/{caseId}: a case not yet reviewed goes back to ready for panel. */
export function removeAgendaItem(
  deps: PanelMeetingsDeps,
  p: Principal,
  id: string,
  caseId: string,
  reason: string | undefined,
): Promise<MeetingResult> {
  return runMeetingsCommand(deps, 'panel_meeting.agenda.remove', { type: 'panel_meeting', id }, async (tx) => {
    const m = await meetingToChange(tx, p, id);
    const item = await repo.findAgendaItem(tx, id, caseId);
    if (!item || !(await deps.cases.find(tx, p, caseId, { lock: true }))) throw agendaItemNotFound();
    await deps.cases.step(tx, p, caseId, 'unschedule', { meetingId: id, ...(reason ? { reason } : {}) });
    await repo.removeAgendaItem(tx, item.id, actorRef(p), reason ?? null, deps.now());
    const updated = await repo.updateMeeting(tx, id, {});
    await audit(tx, meetingEvent(id, { action: 'panel_meeting.agenda.remove', details: { panelId: m.panel_id, caseId } }));
    return resultOf(tx, updated);
  });
}

/** Takes every case not yet reviewed off a meeting's agenda (a cancellation); returns how many. */
export async function unscheduleAll(deps: PanelMeetingsDeps, tx: Tx, p: Principal, m: PanelMeetingEntity): Promise<number> {
  const items = await repo.scheduledItemsOf(tx, m.id);
  for (const item of items) {
    await deps.cases.step(tx, p, item.case_id, 'unschedule', { meetingId: m.id, reason: 'The panel meeting was cancelled.' });
    await repo.removeAgendaItem(tx, item.id, actorRef(p), null, deps.now());
  }
  return items.length;
}
