import { Router, type Response } from 'express';
import { principalOf } from '../../access/authorize';
import { etagOf, requireIfMatch } from '../../platform/http/etag';
import { decodeCursor } from '../../platform/http/pagination';
import type { CaseStatus } from './case-status';
import type { CaseActionRequest } from './case-workflow';
import type { CasesService } from './cases.service';
import type { CaseListQuery, CaseTransferListQuery, CaseTransferRequest, CaseUpdate, CaseView } from './cases.types';

// Query values arrive validated (booleans and integers coerced) by the OpenAPI validator.
type PageQuery = { cursor?: string; limit?: number };

function sendCase(res: Response, view: CaseView): void {
  res.status(200).setHeader('ETag', etagOf(view.version)).json(view);
}

export function casesRouter(service: CasesService): Router {
  const r = Router();

  r.get('/v1/cases', async (req, res) => {
    const q = req.query as CaseListQuery & { status?: CaseStatus | CaseStatus[] };
    const { cursor, status, ...filters } = q;
    res.json(
      await service.list(principalOf(req), {
        ...filters,
        ...(status !== undefined ? { status: ([] as CaseStatus[]).concat(status) } : {}),
        after: decodeCursor(cursor, 2),
      }),
    );
  });

  r.get('/v1/cases/:caseId', async (req, res) => {
    sendCase(res, await service.get(principalOf(req), req.params.caseId));
  });

  r.patch('/v1/cases/:caseId', async (req, res) => {
    const p = principalOf(req);
    const view = await service.update(p, req.params.caseId, requireIfMatch(req), req.body as CaseUpdate);
    if (view) sendCase(res, view);
    else res.status(204).end();
  });

  r.post('/v1/cases/:caseId/actions', async (req, res) => {
    sendCase(res, await service.act(principalOf(req), req.params.caseId, req.body as CaseActionRequest));
  });

  r.get('/v1/cases/:caseId/history', async (req, res) => {
    const q = req.query as PageQuery;
    res.json(await service.history(principalOf(req), req.params.caseId, { after: decodeCursor(q.cursor, 1), limit: q.limit ?? 25 }));
  });

  r.get('/v1/cases/:caseId/notifications', async (req, res) => {
    const q = req.query as PageQuery;
    res.json(await service.notifications(principalOf(req), req.params.caseId, { after: decodeCursor(q.cursor, 2), limit: q.limit ?? 25 }));
  });

  r.post('/v1/cases/:caseId/transfer', async (req, res) => {
    res.status(201).json(await service.transfer(principalOf(req), req.params.caseId, req.body as CaseTransferRequest));
  });

  r.get('/v1/case-transfers', async (req, res) => {
    const { cursor, ...filters } = req.query as CaseTransferListQuery;
    res.json(await service.transfers(principalOf(req), { ...filters, after: decodeCursor(cursor, 2) }));
  });

  return r;
}
