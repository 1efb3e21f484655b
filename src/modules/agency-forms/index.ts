// Agency data collection forms: versioned templates, requests to agencies, drafts, submissions and amendments.
export { createAgencyFormsService, caseFormsPort } from './agency-forms.service';
export { agencyFormsRouter } from './agency-forms.routes';
export type { FormRequestCreate, FormRequestView } from './agency-forms.types';
export { seedNationalTemplates } from './seed-national';
export { chaseRequests } from './use-cases/chase-requests';
export { chasingSteps } from './chasing.rule';
export { ATTACHMENT_MEDIA_TYPES, type AttachmentMediaType } from './attachment-content';
export * from './entities';
import * as entities from './entities';

/** The agency-forms module's tables. */
export const AGENCY_FORMS_ENTITIES = [
  entities.FormTemplateEntity,
  entities.FormTemplateVersionEntity,
  entities.FormRequestEntity,
  entities.FormDraftEntity,
  entities.FormSubmissionEntity,
  entities.FormAttachmentEntity,
];
export { submittedAnswersForRulesSql, submittedFormsOfCase } from './agency-forms.repository';
export { CATEGORIES_OF_DEATH } from './catalogue';
