// The anonymised case pack (issue 13): read through the cases, notifications, agency-forms and users modules; owns no table.
export { createCasePacksService, type CasePacksService, type CasePacksServiceOptions } from './case-packs.service';
export { casePacksRouter } from './case-packs.routes';
export type { PackCasesPort, IsRecused } from './use-cases/deps';
export { categoryOf, deathCategoryWording, type DeathCategory } from './categories';
export { createRedactor, REMOVED, type KnownIdentifiers, type KnownPerson, type Relationship } from './redact';
