import { Router } from 'express';
import { principalOf } from '../../access/authorize';
import { cursorKey, decodeCursorOf } from '../../platform/http/pagination';
import type { SafeguardingFlagStatus } from './entities';
import type { FlagKind } from './rules';
import type { ScrTriggersService } from './scr-triggers.service';
import type {
  FlagAwarenessCorrection,
  FlagNotificationSent,
  FlagReason,
  FlagReferral,
  SafeguardingSettingsUpdate,
} from './scr-triggers.types';

// Path and query values arrive validated (booleans and integers coerced) by the OpenAPI validator.
type FlagsQuery = {
  kind?: FlagKind;
  status?: SafeguardingFlagStatus;
  panelId?: string;
  caseId?: string;
  ruleId?: string;
  overdue?: boolean;
  cursor?: string;
  limit?: number;
};

/** The cursor of GET /v1/flags: [raised_at to the microsecond (UTC), id]. */
const flagsCursor = (cursor: string | undefined) => decodeCursorOf(cursor, [cursorKey.microsecondKey, cursorKey.uuid]);

export function scrTriggersRouter(service: ScrTriggersService): Router {
  const r = Router();
  r.get('/v1/flags', async (req, res) => {
    const q = req.query as FlagsQuery;
    res.json(
      await service.list(principalOf(req), {
        kind: q.kind,
        status: q.status,
        panelId: q.panelId,
        caseId: q.caseId,
        ruleId: q.ruleId,
        overdue: q.overdue,
        after: flagsCursor(q.cursor),
        limit: q.limit ?? 25,
      }),
    );
  });
  r.get('/v1/flags/:flagId', async (req, res) => {
    res.json(await service.get(principalOf(req), req.params.flagId));
  });
  r.post('/v1/flags/:flagId/acknowledge', async (req, res) => {
    res.json(await service.acknowledge(principalOf(req), req.params.flagId));
  });
  r.post('/v1/flags/:flagId/refer', async (req, res) => {
    res.json(await service.refer(principalOf(req), req.params.flagId, req.body as FlagReferral));
  });
  r.post('/v1/flags/:flagId/dismiss', async (req, res) => {
    res.json(await service.dismiss(principalOf(req), req.params.flagId, req.body as FlagReason));
  });
  r.put('/v1/flags/:flagId/awareness', async (req, res) => {
    res.json(await service.correctAwareness(principalOf(req), req.params.flagId, req.body as FlagAwarenessCorrection));
  });
  r.post('/v1/flags/:flagId/notifications', async (req, res) => {
    res.json(await service.recordNotification(principalOf(req), req.params.flagId, req.body as FlagNotificationSent));
  });
  r.get('/v1/panels/:panelId/safeguarding-settings', async (req, res) => {
    res.json(await service.getSettings(principalOf(req), req.params.panelId));
  });
  r.put('/v1/panels/:panelId/safeguarding-settings', async (req, res) => {
    res.json(await service.updateSettings(principalOf(req), req.params.panelId, req.body as SafeguardingSettingsUpdate));
  });
  return r;
}
