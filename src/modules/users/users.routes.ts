import { Router } from 'express';
import { principalOf } from '../../access/authorize';
import { sessionCsrfToken } from '../../auth/sessions';
import { etagOf, requireIfMatch } from '../../platform/http/etag';
import { decodeCursor } from '../../platform/http/pagination';
import type { UserUpdate } from './users.repository';
import type { UsersService } from './users.service';

export function usersRouter(service: UsersService): Router {
  const r = Router();

  r.get('/v1/me', (req, res) => {
    const p = principalOf(req);
    res.json({
      kind: p.kind,
      id: p.id,
      displayName: p.displayName ?? null,
      idpId: p.idpId ?? null,
      roles: [...p.roles],
      permissions: [...p.permissions].sort(),
      panelIds: [...p.panelIds],
      agencyId: p.agencyId,
      csrfToken: sessionCsrfToken(req) ?? null,
    });
  });

  r.get('/v1/users', async (req, res) => {
    const q = req.query as { cursor?: string; limit?: number; idpId?: string; disabled?: boolean };
    res.json(await service.list({ idpId: q.idpId, disabled: q.disabled, after: decodeCursor(q.cursor, 2), limit: q.limit ?? 25 }));
  });

  r.get('/v1/users/:userId', async (req, res) => {
    const user = await service.get(req.params.userId);
    res.setHeader('ETag', etagOf(user.version)).json(user);
  });

  r.patch('/v1/users/:userId', async (req, res) => {
    const user = await service.update(req.params.userId, requireIfMatch(req), req.body as UserUpdate);
    res.setHeader('ETag', etagOf(user.version)).json(user);
  });

  return r;
}
