import type { Principal } from '../../../access/principal';
import { audit } from '../../../audit';
import { familyInvalid, questionNotFound, reviewSignedOff as signedOffError } from '../family.errors';
import * as family from '../family.repository';
import { reviewSignedOff, textErrors } from '../family.rules';
import type { FamilyQuestionList, FamilyQuestionView } from '../family.types';
import { questionView } from '../family.view';
import { actorOf, caseForCoordinator, caseInScope, familyEvent, runFamilyCommand, type FamilyDeps } from './deps';

/** GET /v1/cases/{caseId}/family/questions: the case's panel (coordinators, chair, members) sees what it has to answer. */
export function listQuestions(deps: FamilyDeps, p: Principal, caseId: string): Promise<FamilyQuestionList> {
  return runFamilyCommand(deps, 'case.family.read', caseId, async (tx) => {
    await caseInScope(deps, tx, p, caseId);
    const rows = await family.questionsOf(tx, caseId);
    await audit(tx, familyEvent(caseId, { action: 'case.family.read', details: { part: 'questions', count: rows.length } }));
    return { items: rows.map(questionView), open: rows.filter((r) => r.answer === null).length };
  });
}

/**
 * POST /v1/cases/{caseId}/family/questions: a coordinator adds a question the
 * family asked. The case is locked, so a sign-off (which locks it too, and
 * asks for the open questions) sees the question or refuses it after.
 */
export function addQuestion(deps: FamilyDeps, p: Principal, caseId: string, question: string): Promise<FamilyQuestionView> {
  const errors = textErrors('body.question', question);
  if (errors.length) throw familyInvalid(errors);
  return runFamilyCommand(deps, 'case.family.question_added', caseId, async (tx) => {
    const c = await caseForCoordinator(deps, tx, p, caseId, true);
    if (reviewSignedOff(c.status)) throw signedOffError();
    const row = await family.insertQuestion(tx, caseId, question, deps.now(), actorOf(p));
    await audit(tx, familyEvent(caseId, { action: 'case.family.question_added', details: { questionId: row.id } }));
    return questionView(row);
  });
}

/** PUT /v1/cases/{caseId}/family/questions/{questionId}/answer: the panel answers, or revises its answer, until sign-off. */
export function answerQuestion(
  deps: FamilyDeps,
  p: Principal,
  caseId: string,
  questionId: string,
  answer: string,
): Promise<FamilyQuestionView> {
  const errors = textErrors('body.answer', answer);
  if (errors.length) throw familyInvalid(errors);
  return runFamilyCommand(deps, 'case.family.question_answered', caseId, async (tx) => {
    const c = await caseInScope(deps, tx, p, caseId, true);
    if (reviewSignedOff(c.status)) throw signedOffError();
    const row = await family.answerQuestion(tx, caseId, questionId, answer, deps.now(), actorOf(p));
    if (!row) throw questionNotFound();
    await audit(
      tx,
      familyEvent(caseId, {
        action: 'case.family.question_answered',
        details: { questionId: row.id, revision: row.answer_revision },
      }),
    );
    return questionView(row);
  });
}
