import type { AnalysisTemplate } from './types';

/**
 * The 2018 national analysis form (docs/domain.md, "The national forms"): four domains, the 2018 form merging
 * parenting into the social environment and adding the physical environment.
 *
 * (check) The domains and the relevance scale below are as docs/domain.md and the project's analysis form in
 * agency-forms describe them, not confirmed against the current national form: 0 information not available;
 * 1 no factors identified, or factors unlikely to have contributed; 2 factors that may have contributed. A
 * corrected wording or scale is a new version here, never an edit of this one (reviews name the version).
 */
export const ANALYSIS_2018_V1: AnalysisTemplate = {
  id: 'analysis-2018',
  version: 1,
  title: 'Analysis form (2018)',
  effectiveFrom: '2019-04-01',
  domains: [
    { key: 'child', label: 'Factors intrinsic to the child' },
    { key: 'social_environment', label: 'Factors in the social environment, including family and parenting capacity' },
    { key: 'physical_environment', label: 'Factors in the physical environment' },
    { key: 'service_provision', label: 'Factors in service provision' },
  ],
  relevanceScale: [
    { code: '0', label: 'Information not available' },
    { code: '1', label: 'No factors identified, or factors identified that are unlikely to have contributed to the death' },
    { code: '2', label: 'Factors identified that may have contributed to vulnerability, ill-health or death' },
  ],
};
