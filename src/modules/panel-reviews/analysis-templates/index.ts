import type { FieldError } from '../../../platform/http/problem';
import type { ReviewFactor } from '../entities';
import { ANALYSIS_2018_V1 } from './analysis-2018';
import { LEGACY_FORM_C_V1 } from './legacy-form-c';
import type { AnalysisTemplate } from './types';

export type { AnalysisTemplate } from './types';
export { ANALYSIS_2018_V1, LEGACY_FORM_C_V1 };

/** Every version of every analysis template, oldest first within a template. Add a version; never edit one. */
export const ANALYSIS_TEMPLATES: readonly AnalysisTemplate[] = [LEGACY_FORM_C_V1, ANALYSIS_2018_V1];

/** A panel without a setting records its reviews on the 2018 form. */
export const DEFAULT_ANALYSIS_TEMPLATE_ID = ANALYSIS_2018_V1.id;

export function findAnalysisTemplate(id: string, version: number): AnalysisTemplate | undefined {
  return ANALYSIS_TEMPLATES.find((t) => t.id === id && t.version === version);
}

/** The latest version of a template. */
export function latestAnalysisTemplate(id: string): AnalysisTemplate | undefined {
  return ANALYSIS_TEMPLATES.filter((t) => t.id === id).reduce<AnalysisTemplate | undefined>(
    (latest, t) => (!latest || t.version > latest.version ? t : latest),
    undefined,
  );
}

/** The factors' errors against a template: an unknown domain or relevance names `body.factors[i].domain` / `.relevance`. */
export function factorErrors(template: AnalysisTemplate, factors: readonly ReviewFactor[], field = 'body.factors'): FieldError[] {
  const domains = new Set(template.domains.map((d) => d.key));
  const scale = new Set(template.relevanceScale.map((r) => r.code));
  const errors: FieldError[] = [];
  factors.forEach((f, i) => {
    if (!domains.has(f.domain)) {
      errors.push({
        field: `${field}[${i}].domain`,
        message: `is not a domain of ${template.id} version ${template.version} (${[...domains].join(', ')})`,
        code: 'unknown_domain',
      });
    }
    if (!scale.has(f.relevance)) {
      errors.push({
        field: `${field}[${i}].relevance`,
        message: `is not on the relevance scale of ${template.id} version ${template.version} (${[...scale].join(', ')})`,
        code: 'unknown_relevance',
      });
    }
  });
  return errors;
}
