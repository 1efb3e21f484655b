// Safeguarding review referrals (SCR before 2018; rapid review and LCSPR since): states, clocks, IMRs, learning.
import * as entities from './entities';

export { createSafeguardingReviewsService, safeguardingLearningOfCase } from './safeguarding-reviews.service';
export { safeguardingReviewsRouter } from './safeguarding-reviews.routes';
export type { ReferralInput } from './use-cases/open-referral';
export { REVIEW_STATES, REVIEW_ACTIONS, type Regime, type ReviewState, type ReviewAction } from './review-workflow';
export { REVIEW_CLOCK_RULES, RULE_ID as REVIEW_CLOCKS_RULE_ID, RULE_VERSION as REVIEW_CLOCKS_RULE_VERSION } from './review-clocks.rule';
export * from './entities';

/** The safeguarding-reviews module's tables. */
export const SAFEGUARDING_REVIEWS_ENTITIES = [
  entities.SafeguardingReviewEntity,
  entities.SafeguardingReviewFlagEntity,
  entities.SafeguardingReviewHistoryEntity,
  entities.SafeguardingReviewClockEntity,
  entities.SafeguardingReviewImrRequestEntity,
  entities.SafeguardingReviewLearningEntity,
];
