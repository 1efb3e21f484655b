import type { DataSource } from 'typeorm';
import type { Principal } from '../../access/principal';
import type { Tx } from '../../platform/db/transaction';
import type { Page } from '../../platform/http/pagination';
import type { IdempotentOutcome } from '../../platform/idempotency/idempotency';
import type { CaseFormsPort, CaseNotificationsPort, CasesForForms } from '../cases';
import * as requests from './agency-forms.repository';
import type {
  CaseFormsView,
  FormAttachmentList,
  FormAttachmentView,
  FormDraftSave,
  FormRequestCreate,
  FormRequestView,
  FormSubmissionList,
  FormSubmissionView,
  FormSubmit,
  FormTemplateCreate,
  FormTemplateList,
  FormTemplateVersionCreate,
  FormTemplateVersionView,
} from './agency-forms.types';
import { caseForms } from './use-cases/case-forms';
import { closeRequest } from './use-cases/close-request';
import type { AgencyFormsDeps, AttachmentPolicy } from './use-cases/deps';
import { deleteAttachment } from './use-cases/delete-attachment';
import { downloadAttachment, listAttachments, type AttachmentDownload } from './use-cases/read-attachments';
import { uploadAttachment, type AttachmentUpload } from './use-cases/upload-attachment';
import { getRequest, getSubmission, listRequests, listSubmissions, type RequestListQuery } from './use-cases/read-requests';
import { requestForm, requestFormIn } from './use-cases/request-form';
import { saveDraft } from './use-cases/save-draft';
import { submitForm } from './use-cases/submit-form';
import { createTemplate, createVersion, getVersion, listTemplates, publishVersion, retireVersion } from './use-cases/templates';

/** The agency-forms module's use cases, for its routes (one file each under use-cases/). */
export interface AgencyFormsService {
  listTemplates(p: Principal): Promise<FormTemplateList>;
  getVersion(p: Principal, id: string, version: number): Promise<FormTemplateVersionView>;
  createTemplate(p: Principal, body: FormTemplateCreate): Promise<FormTemplateVersionView>;
  createVersion(p: Principal, id: string, body: FormTemplateVersionCreate): Promise<FormTemplateVersionView>;
  publishVersion(p: Principal, id: string, version: number): Promise<FormTemplateVersionView>;
  retireVersion(p: Principal, id: string, version: number): Promise<FormTemplateVersionView>;
  caseForms(p: Principal, caseId: string): Promise<CaseFormsView>;
  requestForm(p: Principal, caseId: string, body: FormRequestCreate): Promise<FormRequestView>;
  /** The same request in the caller's transaction, for other modules (a safeguarding review's IMR requests). */
  requestInTransaction(tx: Tx, p: Principal, caseId: string, body: FormRequestCreate): Promise<FormRequestView>;
  listRequests(p: Principal, q: RequestListQuery): Promise<Page<FormRequestView>>;
  getRequest(p: Principal, id: string): Promise<{ view: FormRequestView; version: number }>;
  saveDraft(p: Principal, id: string, ifMatch: number, body: FormDraftSave): Promise<{ view: FormRequestView; version: number }>;
  submit(p: Principal, id: string, body: FormSubmit, idempotencyKey: string | undefined): Promise<IdempotentOutcome<FormSubmissionView>>;
  listSubmissions(p: Principal, id: string): Promise<FormSubmissionList>;
  getSubmission(p: Principal, id: string, revision: number): Promise<FormSubmissionView>;
  close(p: Principal, id: string, decision: 'withdrawn' | 'waived', reason: string): Promise<FormRequestView>;
  uploadAttachment(
    p: Principal,
    id: string,
    upload: AttachmentUpload,
    idempotencyKey: string | undefined,
  ): Promise<IdempotentOutcome<FormAttachmentView>>;
  listAttachments(p: Principal, id: string): Promise<FormAttachmentList>;
  downloadAttachment(p: Principal, id: string, attachmentId: string): Promise<AttachmentDownload>;
  deleteAttachment(p: Principal, id: string, attachmentId: string): Promise<void>;
}

interface AgencyFormsServiceOptions {
  /** The cases module's side of a form (app.ts wires it). */
  cases: CasesForForms;
  notifications: Pick<CaseNotificationsPort, 'listOfCase'>;
  dueWorkingDays: number;
  /** What files a request takes (ATTACHMENT_* configuration). */
  attachments: AttachmentPolicy;
  now?: () => Date;
}

export function createAgencyFormsService(ds: DataSource, opts: AgencyFormsServiceOptions): AgencyFormsService {
  const deps: AgencyFormsDeps = {
    ds,
    cases: opts.cases,
    notifications: opts.notifications,
    dueWorkingDays: opts.dueWorkingDays,
    attachments: opts.attachments,
    now: opts.now ?? (() => new Date()),
  };
  return {
    listTemplates: (p) => listTemplates(deps, p),
    getVersion: (p, id, v) => getVersion(deps, p, id, v),
    createTemplate: (p, body) => createTemplate(deps, p, body),
    createVersion: (p, id, body) => createVersion(deps, p, id, body),
    publishVersion: (p, id, v) => publishVersion(deps, p, id, v),
    retireVersion: (p, id, v) => retireVersion(deps, p, id, v),
    caseForms: (p, caseId) => caseForms(deps, p, caseId),
    requestForm: (p, caseId, body) => requestForm(deps, p, caseId, body),
    requestInTransaction: (tx, p, caseId, body) => requestFormIn(deps, tx, p, caseId, body),
    listRequests: (p, q) => listRequests(deps, p, q),
    getRequest: (p, id) => getRequest(deps, p, id),
    saveDraft: (p, id, ifMatch, body) => saveDraft(deps, p, id, ifMatch, body),
    submit: (p, id, body, key) => submitForm(deps, p, id, body, key),
    listSubmissions: (p, id) => listSubmissions(deps, p, id),
    getSubmission: (p, id, revision) => getSubmission(deps, p, id, revision),
    close: (p, id, decision, reason) => closeRequest(deps, p, id, decision, reason),
    uploadAttachment: (p, id, upload, key) => uploadAttachment(deps, p, id, upload, key),
    listAttachments: (p, id) => listAttachments(deps, p, id),
    downloadAttachment: (p, id, attachmentId) => downloadAttachment(deps, p, id, attachmentId),
    deleteAttachment: (p, id, attachmentId) => deleteAttachment(deps, p, id, attachmentId),
  };
}

/** The cases module's view of a case's requests (CaseFormsPort): what is still outstanding. */
export const caseFormsPort: CaseFormsPort = {
  async outstandingOf(tx: Tx, caseId: string) {
    return (await requests.outstandingOf(tx, caseId)).map((r) => ({
      requestId: r.id,
      agencyId: r.agency_id,
      agencyName: r.agency_name,
      templateId: r.template_id,
      dueDate: r.due_date,
    }));
  },
};
