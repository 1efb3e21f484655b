import type { AnalysisTemplate } from './analysis-templates';
import { categoryLabel, type CategoryOfDeath } from './categories-of-death';
import type { CaseReviewEntity, ReviewActionUpdateEntity } from './entities';
import type { ActionRow } from './panel-reviews.repository';
import type { AnalysisTemplateView, CaseReviewView, ReviewActionView } from './panel-reviews.types';
import { isActionOverdue } from './review-rules';

const category = (n: number) => ({ number: n, label: categoryLabel(n as CategoryOfDeath) });

export function templateView(t: AnalysisTemplate): AnalysisTemplateView {
  return {
    id: t.id,
    version: t.version,
    title: t.title,
    effectiveFrom: t.effectiveFrom,
    domains: t.domains.map((d) => ({ key: d.key, label: d.label })),
    relevanceScale: t.relevanceScale.map((r) => ({ code: r.code, label: r.label })),
  };
}

export function reviewView(
  r: CaseReviewEntity,
  caseReference: string | null,
  template: Pick<AnalysisTemplate, 'title'> | undefined,
): CaseReviewView {
  return {
    caseId: r.case_id,
    caseReference,
    revision: r.revision,
    status: r.status,
    template: { id: r.template_id, version: r.template_version, title: template?.title ?? r.template_id },
    categoriesConsidered: [...r.categories_considered].sort((a, b) => a - b).map(category),
    category: r.category === null ? null : category(r.category),
    modifiableFactors: r.modifiable_factors,
    factors: r.factors.map((f) => ({ domain: f.domain, description: f.description, relevance: f.relevance })),
    learningPoints: [...r.learning_points],
    safeguardingReviewCriteriaMet: r.safeguarding_criteria_met,
    safeguardingReviewReason: r.safeguarding_reason,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    signedOff:
      r.status === 'signed' && r.signed_at && r.signed_by && r.signed_meeting_id
        ? { at: r.signed_at.toISOString(), by: r.signed_by, meetingId: r.signed_meeting_id }
        : null,
  };
}

export function actionView(a: ActionRow, updates: readonly ReviewActionUpdateEntity[], today: string): ReviewActionView {
  return {
    id: a.id,
    caseId: a.case_id,
    caseReference: a.case_reference,
    panelId: a.panel_id,
    description: a.description,
    ownerAgency: a.owner_agency_id ? { id: a.owner_agency_id, name: a.owner_agency_name ?? '' } : null,
    dueDate: a.due_date,
    status: a.status,
    overdue: isActionOverdue(a, today),
    createdAt: a.created_at.toISOString(),
    updatedAt: a.updated_at.toISOString(),
    updates: updates
      .filter((u) => u.action_id === a.id)
      .map((u) => ({ fromStatus: u.from_status, toStatus: u.to_status, note: u.note, at: u.created_at.toISOString(), by: u.created_by })),
  };
}
