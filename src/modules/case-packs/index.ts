// The anonymised case pack (issue 13): read through the cases, notifications, agency-forms and users modules; owns no table.
export { createCasePacksService } from './case-packs.service';
export { casePacksRouter } from './case-packs.routes';
export { categoryOf, deathCategoryWording, type DeathCategory } from './categories';
export { createRedactor, REMOVED, type KnownIdentifiers } from './redact';
