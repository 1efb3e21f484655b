/**
 * An analysis template: the domains in which the panel records factors and the scale on which it rates their
 * relevance. Templates are versioned data in code; a review records the id and version it was written against,
 * so a review stays readable (and valid) after a newer version or another template comes into use.
 */
export interface AnalysisTemplate {
  id: string;
  version: number;
  title: string;
  /** The date the national form took effect (for display). */
  effectiveFrom: string;
  domains: readonly AnalysisDomain[];
  relevanceScale: readonly RelevancePoint[];
}

export interface AnalysisDomain {
  /** Stable key, used in a review's factors. */
  key: string;
  /** The national wording. */
  label: string;
}

export interface RelevancePoint {
  /** The value a factor's `relevance` takes, e.g. '1*'. */
  code: string;
  label: string;
}
