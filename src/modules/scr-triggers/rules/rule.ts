import type { CaseSnapshot } from '../snapshot';

/**
 * The shape of an SCR-trigger rule (docs/domain.md, "Safeguarding reviews"). A rule is pure: it reads a case snapshot
 * and says whether its criterion is met and by which evidence. What the flag then opens — which process, which clocks
 * — depends on the panel's regime and is declared by the rule too, so a statutory notification duty is never mistaken
 * for a review criterion.
 */

/** The regimes a panel can follow: Working Together 2015 (LSCB, Serious Case Reviews) or the current one (2018/2023). */
export const REGIMES = ['2015', '2018'] as const;
export type Regime = (typeof REGIMES)[number];
export const DEFAULT_REGIME: Regime = '2018';

/** What a flag opens: a review route, a notification duty only, or a decision for the safeguarding partners. */
export const FLAG_KINDS = ['safeguarding_review', 'statutory_notification', 'review_consideration'] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

/** Where a piece of evidence is: a record and a field in it (a JSON pointer), with the coded answer when it is one. */
export interface EvidenceItem {
  source: 'notification' | 'form' | 'analysis' | 'case';
  /** The notification's, form request's, review's or case's id. */
  recordId: string;
  /** For forms: the template's key. */
  templateId?: string;
  /** The revision of the form or analysis the evidence was read from (informative; not part of its identity). */
  revision?: number;
  /** JSON pointer into the record, e.g. `/safeguarding/abuseOrNeglectSuspected`. */
  field: string;
  /** The coded answer that fired (`yes`, `current`, a category number): never free text. */
  answer: string | number | boolean;
}

/** A statutory clock a flag starts on the day the responsible body became aware. */
export interface ClockDefinition {
  id: string;
  label: string;
  /** The statutory basis, in words. */
  basis: string;
  workingDays: number;
}

export interface RuleOutcome {
  kind: FlagKind;
  /** What the flag opens, in words. */
  opens: string;
  clocks: readonly ClockDefinition[];
}

export interface RuleFinding {
  evidence: readonly EvidenceItem[];
}

export interface ScrRule {
  /** Stable, snake_case; a changed rule keeps its id and takes the next version. */
  readonly id: string;
  readonly version: number;
  readonly title: string;
  /** The criterion and its statutory basis, in words (stored on each flag). */
  readonly basis: string;
  readonly outcomes: Readonly<Record<Regime, RuleOutcome>>;
  /** The evidence that meets the criterion, or null when it is not met. */
  evaluate(snapshot: CaseSnapshot): RuleFinding | null;
}

/** The identity of a piece of evidence: its place and answer, whatever revision it was read from. */
export const evidenceKey = (e: EvidenceItem): string => [e.source, e.recordId, e.templateId ?? '', e.field, String(e.answer)].join('|');
