import { Router, type Response } from 'express';
import { etagOf, requireIfMatch } from '../../platform/http/etag';
import { decodeCursor } from '../../platform/http/pagination';
import type { DirectoryService } from './directory.service';
import type { AgencyCreate, AgencyType, AgencyUpdate, PanelCreate, PanelUpdate } from './directory.types';

// Query values arrive validated (and limit coerced to a number) by the OpenAPI validator.
type ListQuery = { cursor?: string; limit?: number };

function sendVersioned(res: Response, status: number, body: { version: number }): void {
  res.status(status).setHeader('ETag', etagOf(body.version)).json(body);
}

export function directoryRouter(service: DirectoryService): Router {
  const r = Router();

  r.get('/v1/panels', async (req, res) => {
    const q = req.query as ListQuery;
    res.json(await service.listPanels({ after: decodeCursor(q.cursor, 2), limit: q.limit ?? 25 }));
  });
  r.post('/v1/panels', async (req, res) => {
    const panel = await service.createPanel(req.body as PanelCreate);
    res.setHeader('Location', `/v1/panels/${panel.id}`);
    sendVersioned(res, 201, panel);
  });
  r.get('/v1/panels/:panelId', async (req, res) => {
    sendVersioned(res, 200, await service.getPanel(req.params.panelId));
  });
  r.patch('/v1/panels/:panelId', async (req, res) => {
    sendVersioned(res, 200, await service.updatePanel(req.params.panelId, requireIfMatch(req), req.body as PanelUpdate));
  });
  r.delete('/v1/panels/:panelId', async (req, res) => {
    await service.deletePanel(req.params.panelId, requireIfMatch(req));
    res.status(204).end();
  });

  r.get('/v1/agencies', async (req, res) => {
    const q = req.query as ListQuery & { type?: AgencyType; odsCode?: string };
    res.json(await service.listAgencies({ type: q.type, odsCode: q.odsCode, after: decodeCursor(q.cursor, 2), limit: q.limit ?? 25 }));
  });
  r.post('/v1/agencies', async (req, res) => {
    const agency = await service.createAgency(req.body as AgencyCreate);
    res.setHeader('Location', `/v1/agencies/${agency.id}`);
    sendVersioned(res, 201, agency);
  });
  r.get('/v1/agencies/:agencyId', async (req, res) => {
    sendVersioned(res, 200, await service.getAgency(req.params.agencyId));
  });
  r.patch('/v1/agencies/:agencyId', async (req, res) => {
    sendVersioned(res, 200, await service.updateAgency(req.params.agencyId, requireIfMatch(req), req.body as AgencyUpdate));
  });
  r.delete('/v1/agencies/:agencyId', async (req, res) => {
    await service.deleteAgency(req.params.agencyId, requireIfMatch(req));
    res.status(204).end();
  });

  return r;
}
