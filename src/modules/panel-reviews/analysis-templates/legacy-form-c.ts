import type { AnalysisTemplate } from './types';

/**
 * The legacy Form C, used before the 2018 national analysis form (docs/domain.md, "The national forms"): four
 * domains (the child; family and environment; parenting capacity; service provision) rated 0 to 3, with 1* for
 * factors present but unlikely to have contributed.
 */
export const LEGACY_FORM_C_V1: AnalysisTemplate = {
  id: 'legacy-form-c',
  version: 1,
  title: 'Form C: analysis of a child death (legacy)',
  effectiveFrom: '2010-04-01',
  domains: [
    { key: 'child', label: 'Factors intrinsic to the child' },
    { key: 'family_and_environment', label: 'Factors in the family and environment' },
    { key: 'parenting_capacity', label: 'Parenting capacity' },
    { key: 'service_provision', label: 'Factors in service provision' },
  ],
  relevanceScale: [
    { code: '0', label: 'Information not available' },
    { code: '1', label: 'No factors identified' },
    { code: '1*', label: 'Factors present but unlikely to have contributed to the death' },
    { code: '2', label: 'Factors that may have contributed to the death' },
    { code: '3', label: 'Factors that provide a complete and sufficient explanation for the death' },
  ],
};
