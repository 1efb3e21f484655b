import { Router, type Response } from 'express';
import { principalOf } from '../../access/authorize';
import { etagOf, requireIfMatch } from '../../platform/http/etag';
import { cursorKey, decodeCursorOf } from '../../platform/http/pagination';
import type { Regime, ReviewState } from './review-workflow';
import type { SafeguardingReviewsService } from './safeguarding-reviews.service';
import type {
  SafeguardingReviewActionRequest,
  SafeguardingReviewImrRequestCreate,
  SafeguardingReviewLearningCreate,
} from './safeguarding-reviews.types';
import type { ReviewResult } from './use-cases/read-reviews';

// Query values arrive validated (booleans and integers coerced) by the OpenAPI validator.
type ListQuery = { state?: ReviewState; regime?: Regime; caseId?: string; overdue?: boolean; cursor?: string; limit?: number };

const send = (res: Response, r: ReviewResult, status = 200) => res.status(status).setHeader('ETag', etagOf(r.version)).json(r.view);

/** The cursor of GET /v1/reviews: [referral instant (ISO), id]. */
function listCursor(cursor: string | undefined): { referredAt: string; id: string } | undefined {
  const key = decodeCursorOf(cursor, [cursorKey.dateTime, cursorKey.uuid]);
  return key && { referredAt: key[0]!, id: key[1]! };
}

export function safeguardingReviewsRouter(service: SafeguardingReviewsService): Router {
  const r = Router();
  r.get('/v1/reviews', async (req, res) => {
    const q = req.query as ListQuery;
    res.json(
      await service.list(principalOf(req), {
        state: q.state,
        regime: q.regime,
        caseId: q.caseId,
        overdue: q.overdue,
        after: listCursor(q.cursor),
        limit: q.limit ?? 25,
      }),
    );
  });
  r.get('/v1/reviews/:reviewId', async (req, res) => {
    send(res, await service.get(principalOf(req), req.params.reviewId));
  });
  r.post('/v1/reviews/:reviewId/actions', async (req, res) => {
    // If-Match is optional here (as on the cases' actions); when sent, it must parse and match.
    const ifMatch = req.get('if-match') === undefined ? undefined : requireIfMatch(req);
    send(res, await service.act(principalOf(req), req.params.reviewId, ifMatch, req.body as SafeguardingReviewActionRequest));
  });
  r.post('/v1/reviews/:reviewId/imr-requests', async (req, res) => {
    send(res, await service.requestImr(principalOf(req), req.params.reviewId, req.body as SafeguardingReviewImrRequestCreate), 201);
  });
  r.post('/v1/reviews/:reviewId/learning', async (req, res) => {
    res.status(201).json(await service.recordLearning(principalOf(req), req.params.reviewId, req.body as SafeguardingReviewLearningCreate));
  });
  return r;
}
