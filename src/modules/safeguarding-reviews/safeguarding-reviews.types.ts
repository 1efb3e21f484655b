import type { components } from '../../generated/openapi';

type S = components['schemas'];
export type SafeguardingReviewView = S['SafeguardingReview'];
export type SafeguardingReviewSummaryView = S['SafeguardingReviewSummary'];
export type SafeguardingReviewClockView = S['SafeguardingReviewClock'];
export type SafeguardingReviewActionRequest = S['SafeguardingReviewActionRequest'];
export type SafeguardingReviewImrRequestCreate = S['SafeguardingReviewImrRequestCreate'];
export type SafeguardingReviewLearningCreate = S['SafeguardingReviewLearningCreate'];
export type SafeguardingReviewLearningView = S['SafeguardingReviewLearning'];
