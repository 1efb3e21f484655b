/**
 * A form template: a versioned JSON Schema (2020-12) for the answers, plus what a
 * screen needs to show them (sections, labels, help, option labels). Answers are
 * an object of sections, each an object of questions, so every question has a
 * JSON pointer `/<section>/<question>`; see ./README.md for the answer conventions.
 */
export type TemplateKind = 'reporting' | 'supplementary' | 'individual_management_review' | 'analysis';

/** The answer that means "asked, and nobody knows". Counted in completeness as not answered. */
export const NOT_KNOWN = 'not_known';
/** The answer that means "this question does not apply to this child". Left out of completeness altogether. */
export const NOT_APPLICABLE = 'not_applicable';

export interface OptionDisplay {
  value: string | number;
  label: string;
  help?: string;
}

export interface FieldDisplay {
  /** JSON pointer into the answers, e.g. '/safeguarding/childProtectionPlan'. */
  pointer: string;
  label: string;
  help?: string;
  /** Labels of the answers a choice offers, in the form's order (the tri-state yes/no/not known is not listed: it is the convention). */
  options?: OptionDisplay[];
  /** Unit of a number, e.g. 'g', 'weeks', '°C'. */
  unit?: string;
  /**
   * A follow-up question: it applies only when the question at `pointer` has one of `in`
   * as its answer; otherwise its answer must be 'not_applicable' (the schema enforces both ways).
   */
  when?: { pointer: string; in: (string | number)[] };
  /** For a list of records (e.g. an IMR chronology): each record's fields, pointers relative to the record. */
  columns?: FieldDisplay[];
}

export interface SectionDisplay {
  id: string;
  title: string;
  help?: string;
  fields: FieldDisplay[];
}

export interface TemplateDefinition {
  /** Stable across versions: 'reporting', 'sudi', 'analysis'… */
  key: string;
  kind: TemplateKind;
  title: string;
  description: string;
  /** 1 for the seeds; a new version each time the national form changes. */
  version: number;
  /** 'YYYY-MM-DD'. The national forms change every 1 April. */
  effectiveFrom: string;
  /** JSON Schema 2020-12 of a complete submission: '$schema' set, additionalProperties false at every object. */
  schema: Record<string, unknown>;
  display: { sections: SectionDisplay[] };
}
