import type { CaseSnapshot } from '../snapshot';
import type { EvidenceItem } from './rule';

/**
 * Reading evidence out of a case snapshot, for the rules. Only positive, coded answers count: `not_known`,
 * `not_applicable`, a missing answer or free text never make a suspicion (issue 14; docs/domain.md).
 */

/** A question of an agency form: which templates carry it, where, and which coded answers count. */
export interface FormQuestion {
  templates: readonly string[];
  section: string;
  question: string;
  /** The answers that count; for a multiple choice, any of them among the chosen. */
  answers: readonly string[];
}

function formAnswers(s: CaseSnapshot, q: FormQuestion): EvidenceItem[] {
  const out: EvidenceItem[] = [];
  for (const f of s.forms) {
    if (!q.templates.includes(f.templateId)) continue;
    const section = f.answers[q.section];
    const value = isRecord(section) ? section[q.question] : undefined;
    for (const answer of Array.isArray(value) ? value : [value]) {
      if (typeof answer === 'string' && q.answers.includes(answer)) {
        out.push({
          source: 'form',
          recordId: f.requestId,
          templateId: f.templateId,
          revision: f.revision,
          field: `/${q.section}/${q.question}`,
          answer,
        });
      }
    }
  }
  return out;
}

/** Evidence from any of several questions. */
export const anyFormAnswers = (s: CaseSnapshot, qs: readonly FormQuestion[]): EvidenceItem[] => qs.flatMap((q) => formAnswers(s, q));

/** A coded value at a JSON pointer of each notification form, when it is one of `answers` (arrays: any member). */
export function notificationAnswers(s: CaseSnapshot, pointer: string, answers: readonly (string | boolean)[]): EvidenceItem[] {
  const out: EvidenceItem[] = [];
  for (const n of s.notifications) {
    const value = at(n.form, pointer);
    for (const answer of Array.isArray(value) ? value : [value]) {
      if ((typeof answer === 'string' || typeof answer === 'boolean') && answers.includes(answer)) {
        out.push({ source: 'notification', recordId: n.id, field: pointer, answer });
      }
    }
  }
  return out;
}

/** The category of death, wherever it is recorded (the case, the panel's analysis), when it is one of `categories`. */
export function categoryEvidence(s: CaseSnapshot, categories: readonly number[]): EvidenceItem[] {
  const out: EvidenceItem[] = [];
  if (s.category !== null && categories.includes(s.category)) {
    out.push({ source: 'case', recordId: s.caseId, field: '/category', answer: s.category });
  }
  const a = s.analysis;
  if (a) {
    for (const c of a.categoriesConsidered) {
      if (categories.includes(c)) {
        out.push({ source: 'analysis', recordId: a.reviewId, revision: a.revision, field: '/categoriesConsidered', answer: c });
      }
    }
  }
  return out;
}

/** The panel's own judgement in its analysis that the criteria for a safeguarding review are met. */
export function analysisSaysCriteriaMet(s: CaseSnapshot): EvidenceItem[] {
  const a = s.analysis;
  return a?.safeguardingCriteriaMet === 'yes'
    ? [{ source: 'analysis', recordId: a.reviewId, revision: a.revision, field: '/safeguardingCriteriaMet', answer: 'yes' }]
    : [];
}

function at(doc: unknown, pointer: string): unknown {
  let here = doc;
  for (const part of pointer.split('/').slice(1)) {
    if (!isRecord(here)) return undefined;
    here = here[part];
  }
  return here;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
