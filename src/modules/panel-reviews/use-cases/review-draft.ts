import { preconditionFailed, preconditionRequired } from '../../../platform/http/problem';
import { factorErrors, findAnalysisTemplate } from '../analysis-templates';
import { recordedCategory, type CategoryOfDeath } from '../categories-of-death';
import type { CaseReviewEntity } from '../entities';
import * as repo from '../panel-reviews.repository';
import { invalidFactors, reviewCaseClosed, reviewNotFound, reviewSigned } from '../panel-reviews.errors';
import type { CaseReviewUpdate, CaseReviewView } from '../panel-reviews.types';
import { reviewView } from '../panel-reviews.view';
import { draftDecision } from '../review-rules';
import { audit, getCase, refuseRecused, runReviewCommand, type PanelReviewsDeps, type Principal } from './deps';
import { panelTemplate } from './settings';

export interface ReviewResult {
  view: CaseReviewView;
  version: number;
}

const caseEvent = (caseId: string, action: string, details: Record<string, unknown>) => ({
  action,
  resourceType: 'case',
  resourceId: caseId,
  details,
});

export const viewOf = (r: CaseReviewEntity, reference: string | null): ReviewResult => ({
  view: reviewView(r, reference, findAnalysisTemplate(r.template_id, r.template_version)),
  version: r.version,
});

/** GET /v1/cases/{caseId}/review: the latest revision, or the one asked for; audited. */
export function getReview(deps: PanelReviewsDeps, p: Principal, caseId: string, revision?: number): Promise<ReviewResult> {
  return runReviewCommand(deps, 'case.review.read', { type: 'case', id: caseId }, async (tx) => {
    const c = await getCase(deps, tx, p, caseId);
    const r = revision === undefined ? await repo.latestReview(tx, caseId) : await repo.reviewRevision(tx, caseId, revision);
    if (!r) throw reviewNotFound();
    await audit(tx, caseEvent(caseId, 'case.review.read', { revision: r.revision, status: r.status }));
    return viewOf(r, c.reference);
  });
}

/** The API fields a PUT changed (for the audit: names, never the text). */
function changedFields(before: repo.ReviewContent | undefined, after: repo.ReviewContent): string[] {
  const fields: [string, (c: repo.ReviewContent) => unknown][] = [
    ['categoriesConsidered', (c) => [...c.categories_considered].sort((a, b) => a - b)],
    ['modifiableFactors', (c) => c.modifiable_factors],
    // In a fixed key order: jsonb gives keys back in its own.
    ['factors', (c) => c.factors.map((f) => [f.domain, f.description, f.relevance])],
    ['learningPoints', (c) => c.learning_points],
    ['safeguardingReviewCriteriaMet', (c) => c.safeguarding_criteria_met],
    ['safeguardingReviewReason', (c) => c.safeguarding_reason],
  ];
  const empty: repo.ReviewContent = {
    categories_considered: [],
    category: null,
    modifiable_factors: null,
    factors: [],
    learning_points: [],
    safeguarding_criteria_met: null,
    safeguarding_reason: null,
  };
  return fields.filter(([, get]) => JSON.stringify(get(before ?? empty)) !== JSON.stringify(get(after))).map(([name]) => name);
}

/**
 * PUT /v1/cases/{caseId}/review, in one transaction: the case (locked; 404 outside the caller's panels) → not
 * recused → the latest revision (locked) → If-Match → may it be written now (draftDecision) → the factors against
 * the review's template → write → audit (field names only).
 */
export function saveReview(
  deps: PanelReviewsDeps,
  p: Principal,
  caseId: string,
  ifMatch: number | undefined,
  body: CaseReviewUpdate,
): Promise<ReviewResult> {
  return runReviewCommand(deps, 'case.review.updated', { type: 'case', id: caseId }, async (tx) => {
    const c = await getCase(deps, tx, p, caseId, true);
    await refuseRecused(deps, tx, p, caseId);
    const latest = await repo.latestReview(tx, caseId, { lock: true });
    if (latest && ifMatch === undefined) throw preconditionRequired();
    // With no review yet, there is nothing an If-Match could match.
    if (ifMatch !== undefined && latest?.version !== ifMatch) throw preconditionFailed();
    const decision = draftDecision(latest, c.status);
    if (decision.kind === 'refuse') throw decision.code === 'REVIEW.SIGNED' ? reviewSigned() : reviewCaseClosed();

    const template =
      decision.kind === 'update' && latest
        ? findAnalysisTemplate(latest.template_id, latest.template_version)!
        : await panelTemplate(tx, c.panelId);
    const factors = (body.factors ?? []).map((f) => ({ domain: f.domain, description: f.description, relevance: f.relevance }));
    const errors = factorErrors(template, factors);
    if (errors.length) throw invalidFactors(errors);

    const considered = [...new Set(body.categoriesConsidered ?? [])].sort((a, b) => a - b) as CategoryOfDeath[];
    const content: repo.ReviewContent = {
      categories_considered: considered,
      category: recordedCategory(considered),
      modifiable_factors: body.modifiableFactors ?? null,
      factors,
      learning_points: [...(body.learningPoints ?? [])],
      safeguarding_criteria_met: body.safeguardingReviewCriteriaMet ?? null,
      safeguarding_reason: body.safeguardingReviewReason ?? null,
    };
    let revision: number;
    if (decision.kind === 'update' && latest) {
      revision = latest.revision;
      await repo.updateReview(tx, latest.id, { ...content, by: p.id });
    } else {
      revision = decision.kind === 'create' ? decision.revision : 1;
      await repo.insertReview(tx, {
        ...content,
        case_id: caseId,
        revision,
        template_id: template.id,
        template_version: template.version,
        by: p.id,
        // The ETag keeps rising across revisions, so a tag of the signed revision cannot match the new draft's.
        version: latest ? latest.version + 1 : 1,
      });
    }
    const saved = (await repo.latestReview(tx, caseId))!;
    // The case-change hook: recorded in the case history, and the rules that read the analysis run in this transaction.
    await deps.cases.changed(tx, p, { kind: 'review_updated', caseId, reviewId: saved.id, revision });
    const before = decision.kind === 'update' ? latest : undefined;
    await audit(
      tx,
      caseEvent(caseId, 'case.review.updated', {
        revision,
        created: decision.kind === 'create',
        templateId: template.id,
        templateVersion: template.version,
        fields: changedFields(before, content),
      }),
    );
    return viewOf(saved, c.reference);
  });
}
