// The family of the child who died: key worker, bereavement support, contacts, and the questions the family asked the review.
export { createFamilyService, openFamilyQuestions, type FamilyService, type FamilyServiceOptions } from './family.service';
export { familyRouter } from './family.routes';
export type { FamilyCases } from './use-cases/deps';
export * from './entities';
import * as entities from './entities';

/** The family module's tables. */
export const FAMILY_ENTITIES = [entities.CaseFamilyEntity, entities.CaseFamilyContactEntity, entities.CaseFamilyQuestionEntity];
