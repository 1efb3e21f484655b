import type { RequestRow } from './agency-forms.repository';
import type { VersionSummaryRow } from './templates.repository';
import type {
  CompletenessView,
  FormAttachmentView,
  FormRequestView,
  FormSubmissionView,
  FormTemplateVersionView,
  FormTemplateView,
} from './agency-forms.types';
import { submittedWithForm } from './attachment-rules';
import type { AttachmentMediaType } from './attachment-content';
import type { FormAttachmentMeta, FormDraftEntity, FormSubmissionEntity, FormTemplateEntity, FormTemplateVersionEntity } from './entities';
import { questionCount } from './form-rules';

/** Rows into API objects. Answers and free text are shown only to those the use case let through. */

export function completenessView(
  c: Pick<FormSubmissionEntity, 'questions' | 'answered' | 'not_known' | 'not_applicable'>,
): CompletenessView {
  const applicable = c.questions - c.not_applicable;
  return {
    questions: c.questions,
    answered: c.answered,
    notKnown: c.not_known,
    notApplicable: c.not_applicable,
    share: applicable > 0 ? Math.round((c.answered / applicable) * 10_000) / 10_000 : 1,
  };
}

export function requestView(r: RequestRow, today: string, draft: FormDraftEntity | null = null): FormRequestView {
  return {
    id: r.id,
    caseId: r.case_id,
    caseReference: r.case_reference,
    child: {
      givenName: r.child_given_name,
      familyName: r.child_family_name,
      dateOfBirth: r.child_date_of_birth,
      dateOfDeath: r.date_of_death,
      nhsNumber: r.child_nhs_number,
    },
    agency: { id: r.agency_id, name: r.agency_name, odsCode: r.agency_ods_code },
    template: {
      id: r.template_id,
      version: r.template_version,
      kind: r.template_kind as FormRequestView['template']['kind'],
      title: r.template_title,
    },
    status: r.status,
    dueDate: r.due_date,
    overdue: r.status === 'requested' && r.due_date < today,
    requestedAt: r.requested_at.toISOString(),
    note: r.note,
    submittedAt: r.submitted_at?.toISOString() ?? null,
    revisions: r.revisions,
    completeness: r.latest ? completenessView(r.latest) : null,
    closedAt: r.closed_at?.toISOString() ?? null,
    closedReason: r.closed_reason,
    draft: draft ? { templateVersion: draft.template_version, answers: draft.answers, savedAt: draft.saved_at.toISOString() } : null,
  };
}

export function submissionView(s: FormSubmissionEntity): FormSubmissionView {
  return {
    requestId: s.request_id,
    revision: s.revision,
    templateId: s.template_id,
    templateVersion: s.template_version,
    answers: s.answers,
    completeness: completenessView(s),
    amendmentReason: s.amendment_reason,
    submittedAt: s.submitted_at.toISOString(),
    submittedBy: { kind: s.submitted_by_type === 'client' ? 'client' : 'user' },
  };
}

export function templateView(t: FormTemplateEntity, versions: readonly VersionSummaryRow[]): FormTemplateView {
  const published = versions.filter((v) => v.status === 'published');
  const current = published[published.length - 1];
  const shown = current ?? versions[versions.length - 1];
  return {
    id: t.id,
    kind: t.kind,
    national: t.national,
    title: shown?.title ?? t.id,
    description: shown?.description ?? '',
    currentVersion: current?.version ?? null,
    versions: versions.map((v) => ({
      version: v.version,
      status: v.status,
      effectiveFrom: v.effective_from,
      publishedAt: v.published_at?.toISOString() ?? null,
      retiredAt: v.retired_at?.toISOString() ?? null,
    })),
  };
}

export function versionView(t: FormTemplateEntity, v: FormTemplateVersionEntity): FormTemplateVersionView {
  return {
    templateId: v.template_id,
    kind: t.kind,
    version: v.version,
    status: v.status,
    title: v.title,
    description: v.description,
    effectiveFrom: v.effective_from,
    schema: v.schema,
    display: v.display,
    questionCount: questionCount(v),
    createdAt: v.created_at.toISOString(),
    publishedAt: v.published_at?.toISOString() ?? null,
    retiredAt: v.retired_at?.toISOString() ?? null,
  };
}

/** `requestRevisions`: how many revisions the request has now (an attachment uploaded before the latest is part of it). */
export function attachmentView(a: FormAttachmentMeta, requestRevisions: number): FormAttachmentView {
  return {
    id: a.id,
    requestId: a.request_id,
    filename: a.filename,
    mediaType: a.media_type as AttachmentMediaType,
    size: a.size,
    sha256: a.sha256,
    uploadedAt: a.uploaded_at.toISOString(),
    uploadedBy: { kind: a.uploaded_by_type === 'client' ? 'client' : 'user' },
    submitted: submittedWithForm(a, requestRevisions),
  };
}
