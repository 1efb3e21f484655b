import type { components } from '../../generated/openapi';

type S = components['schemas'];
export type AnalysisTemplateView = S['AnalysisTemplate'];
export type AnalysisTemplateList = S['AnalysisTemplateList'];
export type ReviewSettingsView = S['ReviewSettings'];
export type ReviewSettingsUpdate = S['ReviewSettingsUpdate'];
export type CaseReviewView = S['CaseReview'];
export type CaseReviewUpdate = S['CaseReviewUpdate'];
export type ReviewSignOff = S['ReviewSignOff'];
export type ReviewActionView = S['ReviewAction'];
export type ReviewActionList = S['ReviewActionList'];
export type ReviewActionCreate = S['ReviewActionCreate'];
export type ReviewActionUpdate = S['ReviewActionUpdate'];
export type ReviewActionStatusUpdate = S['ReviewActionStatusUpdate'];
