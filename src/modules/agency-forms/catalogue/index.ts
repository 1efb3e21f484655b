// The form catalogue: the national templates, their validation, completeness and
// the form suggestions. Pure and database-free; the agency-forms module stores
// and serves the templates (see ./README.md).
import { NATIONAL_TEMPLATES } from './national';
import type { TemplateDefinition } from './types';

export { NATIONAL_TEMPLATES } from './national';
export { ANALYSIS_2018, LEGACY_FORM_C, CATEGORIES_OF_DEATH, buildAnalysisTemplate } from './national';
export { createTemplateValidator } from './validate';
export { completeness } from './completeness';
export { suggestForms, caseFactsFromNotification, SUGGESTION_RULES_VERSION, SUGGESTION_KEYWORDS, type CaseFacts } from './suggest';
export { exampleAnswers } from './example-answers';
export { NOT_KNOWN, NOT_APPLICABLE } from './types';
export type { TemplateDefinition, FieldDisplay } from './types';

const BY_KEY = new Map(NATIONAL_TEMPLATES.map((t) => [t.key, t]));

/** The national template with this key (its seed version), or undefined. */
export function findTemplate(key: string): TemplateDefinition | undefined {
  return BY_KEY.get(key);
}
