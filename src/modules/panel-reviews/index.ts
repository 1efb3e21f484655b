// The panel's review of a death: analysis templates, the draft and its sign-off, actions and recommendations.
import * as entities from './entities';

export { createPanelReviewsService, caseReviewPort } from './panel-reviews.service';
export { panelReviewsRouter } from './panel-reviews.routes';
export { analysisForRulesSql } from './panel-reviews.repository';
export type { SignOffContext } from './review-rules';
export { categoriesOfDeath, categoryLabel, isCategoryOfDeath, recordedCategory, type CategoryOfDeath } from './categories-of-death';
export { ANALYSIS_TEMPLATES, findAnalysisTemplate } from './analysis-templates';
export * from './entities';

/** The panel-reviews module's tables. */
export const PANEL_REVIEWS_ENTITIES = [
  entities.PanelReviewSettingEntity,
  entities.CaseReviewEntity,
  entities.ReviewActionEntity,
  entities.ReviewActionUpdateEntity,
];
