/**
 * What the SCR-trigger rules read: a read-only picture of one case, taken inside the transaction of the change
 * that may affect them (src/modules/cases/case-changes.ts). Every part names its own record, so a rule can say
 * where its evidence is (a location, never the value of a free-text answer).
 */
export interface CaseSnapshot {
  caseId: string;
  /** The category of death recorded on the case (1–10), when there is one. */
  category: number | null;
  /** Every notification of the death, oldest first: the national notification form as received. */
  notifications: readonly { id: string; form: Readonly<Record<string, unknown>> }[];
  /** The latest submitted revision of each agency form on the case. */
  forms: readonly SubmittedFormForRules[];
  /** The panel's analysis (the latest revision, draft or signed), when one exists. */
  analysis: AnalysisForRules | null;
}

export interface SubmittedFormForRules {
  requestId: string;
  /** The template's key: 'reporting', 'suicide-self-harm', 'imr', … */
  templateId: string;
  templateVersion: number;
  revision: number;
  /** The answers by section then question: `answers[section][question]`. */
  answers: Readonly<Record<string, unknown>>;
}

export interface AnalysisForRules {
  reviewId: string;
  revision: number;
  status: 'draft' | 'signed';
  category: number | null;
  categoriesConsidered: readonly number[];
  safeguardingCriteriaMet: 'yes' | 'no' | 'not_known' | null;
}
