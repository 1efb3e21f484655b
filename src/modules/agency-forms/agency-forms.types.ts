import type { components } from '../../generated/openapi';

type S = components['schemas'];
export type FormTemplateView = S['FormTemplate'];
export type FormTemplateList = S['FormTemplateList'];
export type FormTemplateVersionView = S['FormTemplateVersion'];
export type FormTemplateCreate = S['FormTemplateCreate'];
export type FormTemplateVersionCreate = S['FormTemplateVersionCreate'];
export type FormRequestView = S['FormRequest'];
export type FormRequestCreate = S['FormRequestCreate'];
export type FormDraftSave = S['FormDraftSave'];
export type FormSubmit = S['FormSubmit'];
export type FormSubmissionView = S['FormSubmission'];
export type FormSubmissionList = S['FormSubmissionList'];
export type FormRequestClose = S['FormRequestClose'];
export type CaseFormsView = S['CaseForms'];
export type CompletenessView = S['Completeness'];
export type FormAttachmentView = S['FormAttachment'];
export type FormAttachmentList = S['FormAttachmentList'];
