// The form catalogue: the national templates, their validation, completeness and
// the form suggestions. Pure and database-free; the agency-forms module stores
// and serves the templates (see ./README.md).
import { NATIONAL_TEMPLATES } from './national';
import type { TemplateDefinition } from './types';

export { NATIONAL_TEMPLATES } from './national';
export { ANALYSIS_2018, LEGACY_FORM_C, CATEGORIES_OF_DEATH, buildAnalysisTemplate } from './national';
export type { AnalysisDomain, AnalysisVariant, AnalysisTemplateMeta, RelevanceScale } from './national';
export { createTemplateValidator, type TemplateValidator, type AnswersValidation, type AnswerError } from './validate';
export { completeness, type Completeness } from './completeness';
export {
  suggestForms,
  caseFactsFromNotification,
  SUGGESTION_RULES_VERSION,
  SUGGESTION_KEYWORDS,
  type CaseFacts,
  type FormSuggestion,
} from './suggest';
export { exampleAnswers, type ExampleOptions } from './example-answers';
export { NOT_KNOWN, NOT_APPLICABLE } from './types';
export type { TemplateKind, TemplateDefinition, SectionDisplay, FieldDisplay, OptionDisplay } from './types';

const BY_KEY = new Map(NATIONAL_TEMPLATES.map((t) => [t.key, t]));

/** The national template with this key (its seed version), or undefined. */
export function findTemplate(key: string): TemplateDefinition | undefined {
  return BY_KEY.get(key);
}
