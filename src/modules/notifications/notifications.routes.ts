import { Router } from 'express';
import { principalOf } from '../../access/authorize';
import type { NotificationsService } from './notifications.service';
import type { NotificationCreate } from './notifications.types';

export function notificationsRouter(service: NotificationsService): Router {
  const r = Router();
  r.post('/v1/notifications', async (req, res) => {
    const outcome = await service.notify(principalOf(req), req.body as NotificationCreate, req.get('idempotency-key'));
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(outcome.status).setHeader('Location', `/v1/cases/${outcome.body.caseId}`).json(outcome.body);
  });
  return r;
}
