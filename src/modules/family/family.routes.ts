import { Router, type Request, type Response } from 'express';
import { principalOf } from '../../access/authorize';
import { etagOf, requireIfMatch } from '../../platform/http/etag';
import type { FamilyService } from './family.service';
import type { CaseFamilyUpdate, FamilyAnswer, FamilyContactCreate, FamilyQuestionCreate } from './family.types';
import type { FamilyRecord } from './use-cases/family-details';

const sendFamily = (res: Response, r: FamilyRecord) => res.status(200).setHeader('ETag', etagOf(r.version)).json(r.view);

/** If-Match is required only once the family record exists (the use case decides); when sent, it must parse. */
const optionalIfMatch = (req: Request) => (req.get('if-match') === undefined ? undefined : requireIfMatch(req));

export function familyRouter(service: FamilyService): Router {
  const r = Router();
  r.get('/v1/cases/:caseId/family', async (req, res) => {
    sendFamily(res, await service.get(principalOf(req), req.params.caseId));
  });
  r.put('/v1/cases/:caseId/family', async (req, res) => {
    const p = principalOf(req);
    sendFamily(res, await service.put(p, req.params.caseId, optionalIfMatch(req), req.body as CaseFamilyUpdate));
  });
  r.get('/v1/cases/:caseId/family/contacts', async (req, res) => {
    res.json(await service.listContacts(principalOf(req), req.params.caseId));
  });
  r.post('/v1/cases/:caseId/family/contacts', async (req, res) => {
    res.status(201).json(await service.recordContact(principalOf(req), req.params.caseId, req.body as FamilyContactCreate));
  });
  r.get('/v1/cases/:caseId/family/questions', async (req, res) => {
    res.json(await service.listQuestions(principalOf(req), req.params.caseId));
  });
  r.post('/v1/cases/:caseId/family/questions', async (req, res) => {
    const body = req.body as FamilyQuestionCreate;
    res.status(201).json(await service.addQuestion(principalOf(req), req.params.caseId, body.question));
  });
  r.put('/v1/cases/:caseId/family/questions/:questionId/answer', async (req, res) => {
    const body = req.body as FamilyAnswer;
    res.json(await service.answerQuestion(principalOf(req), req.params.caseId, req.params.questionId, body.answer));
  });
  return r;
}
