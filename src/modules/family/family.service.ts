import type { DataSource } from 'typeorm';
import type { Principal } from '../../access/principal';
import type { Tx } from '../../platform/db/transaction';
import * as family from './family.repository';
import type {
  CaseFamilyUpdate,
  FamilyContactCreate,
  FamilyContactList,
  FamilyContactView,
  FamilyQuestionList,
  FamilyQuestionView,
} from './family.types';
import { listContacts, recordContact } from './use-cases/contacts';
import type { FamilyCases, FamilyDeps } from './use-cases/deps';
import { getFamily, putFamily, type FamilyRecord } from './use-cases/family-details';
import { addQuestion, answerQuestion, listQuestions } from './use-cases/questions';

/** The family module's use cases, for its routes (one file each under use-cases/). */
export interface FamilyService {
  get(p: Principal, caseId: string): Promise<FamilyRecord>;
  put(p: Principal, caseId: string, ifMatch: number | undefined, body: CaseFamilyUpdate): Promise<FamilyRecord>;
  listContacts(p: Principal, caseId: string): Promise<FamilyContactList>;
  recordContact(p: Principal, caseId: string, body: FamilyContactCreate): Promise<FamilyContactView>;
  listQuestions(p: Principal, caseId: string): Promise<FamilyQuestionList>;
  addQuestion(p: Principal, caseId: string, question: string): Promise<FamilyQuestionView>;
  answerQuestion(p: Principal, caseId: string, questionId: string, answer: string): Promise<FamilyQuestionView>;
}

interface FamilyServiceOptions {
  /** The cases module's side of a case for the panel's modules (`cases.panels`; app.ts wires it). */
  cases: FamilyCases;
  now?: () => Date;
}

export function createFamilyService(ds: DataSource, opts: FamilyServiceOptions): FamilyService {
  const deps: FamilyDeps = { ds, cases: opts.cases, now: opts.now ?? (() => new Date()) };
  return {
    get: (p, caseId) => getFamily(deps, p, caseId),
    put: (p, caseId, ifMatch, body) => putFamily(deps, p, caseId, ifMatch, body),
    listContacts: (p, caseId) => listContacts(deps, p, caseId),
    recordContact: (p, caseId, body) => recordContact(deps, p, caseId, body),
    listQuestions: (p, caseId) => listQuestions(deps, p, caseId),
    addQuestion: (p, caseId, question) => addQuestion(deps, p, caseId, question),
    answerQuestion: (p, caseId, questionId, answer) => answerQuestion(deps, p, caseId, questionId, answer),
  };
}

/** The family's questions not yet answered (for the review sign-off), oldest first. No scope check: call after finding the case. */
export function openFamilyQuestions(tx: Tx, caseId: string): Promise<{ id: string }[]> {
  return family.openQuestionIds(tx, caseId);
}
