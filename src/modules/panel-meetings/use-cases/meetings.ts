import { toPage, type Page } from '../../../platform/http/pagination';
import { badRequest, preconditionFailed } from '../../../platform/http/problem';
import { findPanelRef } from '../../directory';
import type { PanelMeetingEntity } from '../entities';
import { badRange, meetingNotFound, meetingNotScheduled, panelNotFound, placeInvalid } from '../panel-meetings.errors';
import * as repo from '../panel-meetings.repository';
import type { PanelMeetingCreate, PanelMeetingSummary, PanelMeetingUpdate, PanelMeetingView } from '../panel-meetings.types';
import { meetingSummary } from '../panel-meetings.view';
import { canSeePanel, coordinates, panelsOf } from '../panel-scope';
import { loadMeetingView } from './meeting-state';
import { audit, meetingEvent, runMeetingsCommand, type PanelMeetingsDeps, type Principal, type Tx } from './deps';
import { unscheduleAll } from './agenda';

export interface MeetingResult {
  view: PanelMeetingView;
  version: number;
}

/** Either a place or online (with an optional link), never both: the columns the meeting keeps. */
function placeOf(body: PanelMeetingUpdate): Pick<PanelMeetingEntity, 'location' | 'online' | 'joining_link'> {
  if (body.online === true) {
    if (body.location != null) throw placeInvalid('body.location', 'must be left out for an online meeting');
    return { location: null, online: true, joining_link: body.joiningLink ?? null };
  }
  if (body.location == null) throw placeInvalid('body.location', 'is required unless online is true');
  if (body.joiningLink != null) throw placeInvalid('body.joiningLink', 'is only for an online meeting');
  return { location: body.location, online: false, joining_link: null };
}

/** A meeting the caller runs (a coordinator of its panel), locked; anyone else: 404. */
export async function meetingToChange(tx: Tx, p: Principal, id: string): Promise<PanelMeetingEntity> {
  const m = await repo.findMeeting(tx, id, { lock: true });
  if (!m || !coordinates(p, m.panel_id)) throw meetingNotFound();
  return m;
}

export const resultOf = async (tx: Tx, m: PanelMeetingEntity): Promise<MeetingResult> => ({
  view: await loadMeetingView(tx, m),
  version: m.version,
});

/** POST /v1/panel-meetings. */
export function scheduleMeeting(deps: PanelMeetingsDeps, p: Principal, body: PanelMeetingCreate): Promise<MeetingResult> {
  const place = placeOf(body);
  return runMeetingsCommand(deps, 'panel_meeting.schedule', { type: 'panel_meeting' }, async (tx) => {
    if (!coordinates(p, body.panelId) || !(await findPanelRef(tx, body.panelId))) throw panelNotFound();
    const m = await repo.insertMeeting(tx, {
      panel_id: body.panelId,
      title: body.title ?? null,
      starts_at: new Date(body.startsAt),
      ...place,
      created_by_type: p.kind,
      created_by_id: p.id,
    });
    await audit(tx, meetingEvent(m.id, { action: 'panel_meeting.schedule', details: { panelId: m.panel_id, online: m.online } }));
    return resultOf(tx, m);
  });
}

export interface MeetingListQuery {
  panelId?: string;
  from?: string;
  to?: string;
  after?: (string | number)[];
  limit: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

/** GET /v1/panel-meetings: the caller's panels' meetings, earliest first, keyset pages on (starts_at, id). */
export function listMeetings(deps: PanelMeetingsDeps, p: Principal, q: MeetingListQuery): Promise<Page<PanelMeetingSummary>> {
  let after: { startsAt: string; id: string } | undefined;
  if (q.after) {
    const [at, id] = q.after;
    if (typeof at !== 'string' || typeof id !== 'string' || !INSTANT.test(at) || !UUID.test(id))
      return Promise.reject(
        badRequest('The cursor is not valid; start again from the first page.', [{ field: 'query.cursor', message: 'invalid cursor' }]),
      );
    after = { startsAt: at, id };
  }
  if (q.from && q.to && new Date(q.from) >= new Date(q.to)) return Promise.reject(badRange());
  return runMeetingsCommand(deps, 'panel_meeting.list', { type: 'panel_meeting' }, async (tx) => {
    const panels = panelsOf(p);
    const rows =
      q.panelId && !canSeePanel(p, q.panelId)
        ? []
        : await repo.listMeetings(tx, { panels, panelId: q.panelId, from: q.from, to: q.to, after, limit: q.limit });
    const page = toPage(rows, q.limit, (m) => [m.starts_at.toISOString(), m.id], meetingSummary);
    await audit(tx, { action: 'panel_meeting.list', resourceType: 'panel_meeting', details: { returned: page.items.length } });
    return page;
  });
}

/** GET /v1/panel-meetings/{meetingId}. */
export function getMeeting(deps: PanelMeetingsDeps, p: Principal, id: string): Promise<MeetingResult> {
  return runMeetingsCommand(deps, 'panel_meeting.read', { type: 'panel_meeting', id }, async (tx) => {
    const m = await repo.findMeeting(tx, id);
    if (!m || !canSeePanel(p, m.panel_id)) throw meetingNotFound();
    await audit(tx, meetingEvent(id, { action: 'panel_meeting.read', details: { panelId: m.panel_id } }));
    return resultOf(tx, m);
  });
}

/** PUT /v1/panel-meetings/{meetingId}: when and where, while scheduled, with If-Match. */
export function updateMeeting(
  deps: PanelMeetingsDeps,
  p: Principal,
  id: string,
  ifMatch: number,
  body: PanelMeetingUpdate,
): Promise<MeetingResult> {
  const place = placeOf(body);
  return runMeetingsCommand(deps, 'panel_meeting.update', { type: 'panel_meeting', id }, async (tx) => {
    const m = await meetingToChange(tx, p, id);
    if (m.version !== ifMatch) throw preconditionFailed();
    if (m.status !== 'scheduled') throw meetingNotScheduled(m.status);
    const updated = await repo.updateMeeting(tx, id, { title: body.title ?? null, starts_at: new Date(body.startsAt), ...place });
    await audit(tx, meetingEvent(id, { action: 'panel_meeting.update', details: { panelId: m.panel_id, online: updated.online } }));
    return resultOf(tx, updated);
  });
}

/** POST /v1/panel-meetings/{meetingId}/cancel: while scheduled; its cases not yet reviewed come off the agenda. */
export function cancelMeeting(deps: PanelMeetingsDeps, p: Principal, id: string, reason: string): Promise<MeetingResult> {
  return runMeetingsCommand(deps, 'panel_meeting.cancel', { type: 'panel_meeting', id }, async (tx) => {
    const m = await meetingToChange(tx, p, id);
    if (m.status !== 'scheduled') throw meetingNotScheduled(m.status);
    const removed = await unscheduleAll(deps, tx, p, m);
    const updated = await repo.updateMeeting(tx, id, { status: 'cancelled', cancelled_at: deps.now(), cancelled_reason: reason });
    await audit(tx, meetingEvent(id, { action: 'panel_meeting.cancel', details: { panelId: m.panel_id, casesUnscheduled: removed } }));
    return resultOf(tx, updated);
  });
}
