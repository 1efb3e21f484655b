import { Router } from 'express';
import { principalOf } from '../../access/authorize';
import { decodeCursor } from '../../platform/http/pagination';
import type { NotificationsService } from './notifications.service';
import type { NotificationCreate } from './notifications.types';

// Query values arrive validated (limit coerced to a number) by the OpenAPI validator.
type ListQuery = { since?: string; cursor?: string; limit?: number };

export function notificationsRouter(service: NotificationsService): Router {
  const r = Router();
  r.post('/v1/notifications', async (req, res) => {
    const outcome = await service.notify(principalOf(req), req.body as NotificationCreate, req.get('idempotency-key'));
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
    // Where the caller can read it back: every notifier may read its own notification, not always the case.
    res.status(outcome.status).setHeader('Location', `/v1/notifications/${outcome.body.notificationId}`).json(outcome.body);
  });
  r.get('/v1/notifications', async (req, res) => {
    const q = req.query as ListQuery;
    res.json(await service.list(principalOf(req), { since: q.since, after: decodeCursor(q.cursor, 2), limit: q.limit ?? 25 }));
  });
  r.get('/v1/notifications/:notificationId', async (req, res) => {
    res.json(await service.get(principalOf(req), req.params.notificationId));
  });
  return r;
}
