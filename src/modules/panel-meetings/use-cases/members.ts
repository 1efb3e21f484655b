import { capacityNotHeld, meetingCancelled, memberExists, memberNotFound, notAPanelMember } from '../panel-meetings.errors';
import * as repo from '../panel-meetings.repository';
import type { AttendanceRecord, MeetingMemberInvite } from '../panel-meetings.types';
import { MEETING_ROLES } from '../panel-scope';
import { meetingToChange, resultOf, type MeetingResult } from './meetings';
import { audit, meetingEvent, runMeetingsCommand, type PanelMeetingsDeps, type Principal } from './deps';

/**
 * POST /v1/panel-meetings/{meetingId}/members: invite a panel member, chair or
 * coordinator of the meeting's panel (an active user whose panels include it);
 * only a chair sits as `chair`.
 */
export function inviteMember(deps: PanelMeetingsDeps, p: Principal, id: string, body: MeetingMemberInvite): Promise<MeetingResult> {
  return runMeetingsCommand(deps, 'panel_meeting.member.invite', { type: 'panel_meeting', id }, async (tx) => {
    const m = await meetingToChange(tx, p, id);
    if (m.status === 'cancelled') throw meetingCancelled();
    const user = await repo.findUser(tx, body.userId);
    const onPanel =
      user !== null &&
      user.disabled_at === null &&
      user.panel_ids.some((id) => id.toLowerCase() === m.panel_id.toLowerCase()) &&
      user.roles.some((r) => MEETING_ROLES.includes(r));
    if (!onPanel) throw notAPanelMember();
    if (body.capacity === 'chair' && !user.roles.includes('panel_chair')) throw capacityNotHeld();
    if (await repo.findMember(tx, id, body.userId)) throw memberExists();
    await repo.insertMember(tx, { meeting_id: id, user_id: body.userId, capacity: body.capacity });
    const updated = await repo.updateMeeting(tx, id, {});
    await audit(
      tx,
      meetingEvent(id, {
        action: 'panel_meeting.member.invite',
        details: { panelId: m.panel_id, userId: body.userId, capacity: body.capacity },
      }),
    );
    return resultOf(tx, updated);
  });
}

/**
 * PUT /v1/panel-meetings/{meetingId}/members/{userId}/attendance. The first
 * member recorded present marks a scheduled meeting held: someone was there,
 * so it took place (there is no separate "mark held" step).
 */
export function recordAttendance(
  deps: PanelMeetingsDeps,
  p: Principal,
  id: string,
  userId: string,
  body: AttendanceRecord,
): Promise<MeetingResult> {
  return runMeetingsCommand(deps, 'panel_meeting.attendance.record', { type: 'panel_meeting', id }, async (tx) => {
    const m = await meetingToChange(tx, p, id);
    if (m.status === 'cancelled') throw meetingCancelled();
    if (!(await repo.findMember(tx, id, userId))) throw memberNotFound();
    const at = deps.now();
    await repo.setAttendance(tx, id, userId, body.attended, at);
    const held = body.attended === 'present' && m.status === 'scheduled';
    const updated = await repo.updateMeeting(tx, id, held ? { status: 'held', held_at: at } : {});
    await audit(
      tx,
      meetingEvent(id, {
        action: 'panel_meeting.attendance.record',
        details: { panelId: m.panel_id, userId, attended: body.attended, ...(held ? { status: 'held' } : {}) },
      }),
    );
    return resultOf(tx, updated);
  });
}
