import { Router, type Response } from 'express';
import { principalOf } from '../../access/authorize';
import { etagOf, requireIfMatch } from '../../platform/http/etag';
import { cursorKey, decodeCursorOf } from '../../platform/http/pagination';
import type { ReviewActionStatus } from './entities';
import type { PanelReviewsService } from './panel-reviews.service';
import type {
  CaseReviewUpdate,
  CaseReviewView,
  ReviewActionCreate,
  ReviewActionStatusUpdate,
  ReviewActionUpdate,
  ReviewSettingsUpdate,
  ReviewSignOff,
} from './panel-reviews.types';

// Path and query values arrive validated (integers and booleans coerced) by the OpenAPI validator.
type ActionsQuery = {
  overdue?: boolean;
  status?: ReviewActionStatus;
  ownerAgencyId?: string;
  panelId?: string;
  cursor?: string;
  limit?: number;
};

const sendReview = (res: Response, r: { view: CaseReviewView; version: number }) => res.setHeader('ETag', etagOf(r.version)).json(r.view);

/** The cursor of GET /v1/actions: [due date or 'infinity', id]. */
const actionsCursor = (cursor: string | undefined) => decodeCursorOf(cursor, [cursorKey.dateOrInfinity, cursorKey.uuid]);

export function panelReviewsRouter(service: PanelReviewsService): Router {
  const r = Router();

  r.get('/v1/analysis-templates', (_req, res) => {
    res.json(service.listTemplates());
  });
  r.get('/v1/panels/:panelId/review-settings', async (req, res) => {
    res.json(await service.getSettings(principalOf(req), req.params.panelId));
  });
  r.put('/v1/panels/:panelId/review-settings', async (req, res) => {
    res.json(await service.updateSettings(principalOf(req), req.params.panelId, req.body as ReviewSettingsUpdate));
  });

  r.get('/v1/cases/:caseId/review', async (req, res) => {
    const revision = (req.query as { revision?: number }).revision;
    sendReview(res, await service.getReview(principalOf(req), req.params.caseId, revision));
  });
  r.put('/v1/cases/:caseId/review', async (req, res) => {
    // Optional for the first draft; the use case asks for it (428) once a review exists.
    const ifMatch = req.get('if-match') === undefined ? undefined : requireIfMatch(req);
    sendReview(res, await service.saveReview(principalOf(req), req.params.caseId, ifMatch, req.body as CaseReviewUpdate));
  });
  r.post('/v1/cases/:caseId/review/sign-off', async (req, res) => {
    sendReview(res, await service.signOff(principalOf(req), req.params.caseId, req.body as ReviewSignOff));
  });

  r.get('/v1/cases/:caseId/review/actions', async (req, res) => {
    res.json(await service.listCaseActions(principalOf(req), req.params.caseId));
  });
  r.post('/v1/cases/:caseId/review/actions', async (req, res) => {
    const view = await service.createAction(principalOf(req), req.params.caseId, req.body as ReviewActionCreate);
    res.status(201).setHeader('Location', `/v1/review-actions/${view.id}`).json(view);
  });
  r.patch('/v1/review-actions/:actionId', async (req, res) => {
    res.json(await service.updateAction(principalOf(req), req.params.actionId, req.body as ReviewActionUpdate));
  });
  r.post('/v1/review-actions/:actionId/updates', async (req, res) => {
    res.status(201).json(await service.addActionUpdate(principalOf(req), req.params.actionId, req.body as ReviewActionStatusUpdate));
  });
  r.get('/v1/actions', async (req, res) => {
    const q = req.query as ActionsQuery;
    res.json(
      await service.listActions(principalOf(req), {
        overdue: q.overdue,
        status: q.status,
        ownerAgencyId: q.ownerAgencyId,
        panelId: q.panelId,
        after: actionsCursor(q.cursor),
        limit: q.limit ?? 25,
      }),
    );
  });
  return r;
}
