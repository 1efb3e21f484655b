import { Router, type Response } from 'express';
import { principalOf } from '../../access/authorize';
import { etagOf, requireIfMatch } from '../../platform/http/etag';
import { decodeCursor } from '../../platform/http/pagination';
import type { PanelMeetingsService } from './panel-meetings.service';
import type {
  AttendanceRecord,
  MeetingMemberInvite,
  PanelMeetingCreate,
  PanelMeetingUpdate,
  QuorumRuleUpdate,
  RecusalCreate,
  ReviewMeetingCreate,
} from './panel-meetings.types';
import type { MeetingResult } from './use-cases/meetings';

// Path and query values arrive validated (integers coerced) by the OpenAPI validator.
type ListQuery = { panelId?: string; from?: string; to?: string; cursor?: string; limit?: number };

const sendMeeting = (res: Response, status: number, r: MeetingResult) =>
  res.status(status).setHeader('ETag', etagOf(r.version)).json(r.view);

export function panelMeetingsRouter(service: PanelMeetingsService): Router {
  const r = Router();

  r.get('/v1/panels/:panelId/quorum', async (req, res) => {
    res.json(await service.getQuorumRule(principalOf(req), req.params.panelId));
  });
  r.put('/v1/panels/:panelId/quorum', async (req, res) => {
    res.json(await service.setQuorumRule(principalOf(req), req.params.panelId, req.body as QuorumRuleUpdate));
  });

  r.get('/v1/panel-meetings', async (req, res) => {
    const q = req.query as ListQuery;
    res.json(
      await service.list(principalOf(req), {
        panelId: q.panelId,
        from: q.from,
        to: q.to,
        after: decodeCursor(q.cursor, 2),
        limit: q.limit ?? 25,
      }),
    );
  });
  r.post('/v1/panel-meetings', async (req, res) => {
    const result = await service.schedule(principalOf(req), req.body as PanelMeetingCreate);
    res.setHeader('Location', `/v1/panel-meetings/${result.view.id}`);
    sendMeeting(res, 201, result);
  });
  r.get('/v1/panel-meetings/:meetingId', async (req, res) => {
    sendMeeting(res, 200, await service.get(principalOf(req), req.params.meetingId));
  });
  r.put('/v1/panel-meetings/:meetingId', async (req, res) => {
    const p = principalOf(req);
    sendMeeting(res, 200, await service.update(p, req.params.meetingId, requireIfMatch(req), req.body as PanelMeetingUpdate));
  });
  r.post('/v1/panel-meetings/:meetingId/cancel', async (req, res) => {
    sendMeeting(res, 200, await service.cancel(principalOf(req), req.params.meetingId, (req.body as { reason: string }).reason));
  });
  r.post('/v1/panel-meetings/:meetingId/members', async (req, res) => {
    sendMeeting(res, 200, await service.invite(principalOf(req), req.params.meetingId, req.body as MeetingMemberInvite));
  });
  r.put('/v1/panel-meetings/:meetingId/members/:userId/attendance', async (req, res) => {
    const p = principalOf(req);
    sendMeeting(res, 200, await service.recordAttendance(p, req.params.meetingId, req.params.userId, req.body as AttendanceRecord));
  });
  r.post('/v1/panel-meetings/:meetingId/agenda', async (req, res) => {
    sendMeeting(res, 201, await service.addAgendaItem(principalOf(req), req.params.meetingId, (req.body as { caseId: string }).caseId));
  });
  r.delete('/v1/panel-meetings/:meetingId/agenda/:caseId', async (req, res) => {
    const reason = (req.body as { reason?: string } | undefined)?.reason;
    sendMeeting(res, 200, await service.removeAgendaItem(principalOf(req), req.params.meetingId, req.params.caseId, reason));
  });

  r.get('/v1/cases/:caseId/recusals', async (req, res) => {
    res.json(await service.listRecusals(principalOf(req), req.params.caseId));
  });
  r.post('/v1/cases/:caseId/recusals', async (req, res) => {
    res.status(201).json(await service.declareRecusal(principalOf(req), req.params.caseId, req.body as RecusalCreate));
  });
  r.get('/v1/cases/:caseId/review-meetings', async (req, res) => {
    res.json(await service.listReviewMeetings(principalOf(req), req.params.caseId));
  });
  r.post('/v1/cases/:caseId/review-meetings', async (req, res) => {
    res.status(201).json(await service.recordReviewMeeting(principalOf(req), req.params.caseId, req.body as ReviewMeetingCreate));
  });
  return r;
}
