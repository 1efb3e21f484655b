import type { FieldError } from '../../platform/http/problem';
import { completeness, createTemplateValidator } from './catalogue';
import type { FormTemplateVersionEntity } from './entities';

/**
 * The form rules the use cases apply, over a stored template version: answers
 * validated against the exact version (Ajv 2020-12, strict, each version
 * compiled once: ./catalogue/validate.ts), completeness measured the national
 * way (./catalogue/completeness.ts), and the checks a new template must pass.
 * Pure: no database.
 */

type StoredVersion = Pick<FormTemplateVersionEntity, 'template_id' | 'version' | 'schema' | 'display'>;

const validator = createTemplateValidator();

/** Every failing answer, as fields under body.answers (the problem+json `errors`, capped by the error handler). */
export function answerErrors(v: StoredVersion, answers: Record<string, unknown>): FieldError[] {
  const result = validator.validate(`${v.template_id}@${v.version}`, v.schema, answers);
  if (result.ok) return [];
  return result.errors.map((e) => ({ field: fieldOf('body.answers', e.pointer), message: e.message, code: e.keyword }));
}

/**
 * A JSON pointer as the field path every problem+json uses: `/sleep/position`
 * under `body.answers` is `body.answers.sleep.position`, `/chronology/0/date`
 * is `body.answers.chronology[0].date`.
 */
export function fieldOf(prefix: string, pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, seg) => (/^\d+$/.test(seg) ? `${path}[${seg}]` : `${path}.${seg}`), prefix);
}

export function completenessOf(v: StoredVersion, answers: Record<string, unknown>) {
  const c = completeness(v, answers);
  return { questions: c.questions, answered: c.answered, not_known: c.notKnown, not_applicable: c.notApplicable };
}

export function questionCount(v: StoredVersion): number {
  return completeness(v, {}).questions;
}
