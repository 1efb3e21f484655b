// The family of the child who died: key worker, bereavement support, contacts, and the questions the family asked the review.
export { createFamilyService, openFamilyQuestions } from './family.service';
export { familyRouter } from './family.routes';
export * from './entities';
import * as entities from './entities';

/** The family module's tables. */
export const FAMILY_ENTITIES = [entities.CaseFamilyEntity, entities.CaseFamilyContactEntity, entities.CaseFamilyQuestionEntity];
