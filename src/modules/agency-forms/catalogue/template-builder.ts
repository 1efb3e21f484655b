import { pointerOf } from './json-pointer';
import { NOT_APPLICABLE, NOT_KNOWN, type FieldDisplay, type SectionDisplay, type TemplateDefinition, type TemplateKind } from './types';

/**
 * Builds a template's JSON Schema and its display from one description, so the
 * two cannot drift apart: every question is written once, with its label, and
 * becomes a required property of its section and a field of the display.
 *
 * The answer conventions (./README.md): every question is answered, never left
 * out; a question may also be answered 'not_known' (unless `notKnown: false`)
 * and, where it can fail to apply, 'not_applicable'. A follow-up (`when`) applies
 * only for some answers of an earlier question of its section and is otherwise
 * 'not_applicable'; the schema enforces that both ways.
 */

export type OptionValue = string | number;
/** [value, label] or [value, label, help]. */
export type Options = readonly (readonly [OptionValue, string] | readonly [OptionValue, string, string])[];

interface QuestionOptions {
  help?: string;
  /** Whether 'not_known' is an answer. Default true: the national forms allow it almost everywhere. */
  notKnown?: boolean;
  /** Whether 'not_applicable' is an answer. Default false; always true for a follow-up. */
  notApplicable?: boolean;
  /** A follow-up: asked only when the earlier question `question` (same section) was answered one of `in`. */
  when?: { question: string; in: readonly OptionValue[] };
  /** The form's own wording for 'not_known' (e.g. "Insufficient information"), shown as an option. */
  notKnownLabel?: string;
}

type Json = Record<string, unknown>;

export interface Question {
  id: string;
  label: string;
  help?: string;
  notKnown: boolean;
  notApplicable: boolean;
  when?: { question: string; in: readonly OptionValue[] };
  notKnownLabel?: string;
  /** The schema of a real answer, without the sentinels. */
  value: Json;
  /** The real answers of a single choice (a follow-up's gate must have them). */
  choices?: readonly OptionValue[];
  options?: Options;
  unit?: string;
  columns?: Question[];
}

export interface Section {
  id: string;
  title: string;
  help?: string;
  questions: Question[];
}

const ID = /^[a-z][A-Za-z0-9]*$/;
const DEFAULT_TEXT_MAX = 2000;
const LONG_TEXT_MAX = 8000;

/** The shared building blocks every template carries in `$defs`. */
const SHARED_DEFS = {
  yesNoNotKnown: { enum: ['yes', 'no', NOT_KNOWN] },
  yesNoNotKnownNotApplicable: { enum: ['yes', 'no', NOT_KNOWN, NOT_APPLICABLE] },
  notKnown: { const: NOT_KNOWN },
  notApplicable: { const: NOT_APPLICABLE },
  notKnownOrNotApplicable: { enum: [NOT_KNOWN, NOT_APPLICABLE] },
  date: { type: 'string', format: 'date' },
  time: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' },
} as const;

function base(id: string, label: string, o: QuestionOptions, value: Json): Question {
  if (!ID.test(id)) throw new Error(`question id ${JSON.stringify(id)} must be camelCase letters and digits`);
  if (!label.trim()) throw new Error(`question ${id} needs a label`);
  if (o.notKnownLabel && o.notKnown === false) throw new Error(`question ${id} labels 'not_known' but does not allow it`);
  return {
    id,
    label,
    ...(o.help ? { help: o.help } : {}),
    notKnown: o.notKnown ?? true,
    notApplicable: (o.notApplicable ?? false) || o.when !== undefined,
    ...(o.when ? { when: o.when } : {}),
    ...(o.notKnownLabel ? { notKnownLabel: o.notKnownLabel } : {}),
    value,
  };
}

function optionValues(id: string, options: Options): OptionValue[] {
  const values = options.map(([v]) => v);
  if (values.length === 0) throw new Error(`question ${id} has no options`);
  if (new Set(values).size !== values.length) throw new Error(`question ${id} repeats an option`);
  for (const v of values) {
    if (v === NOT_KNOWN || v === NOT_APPLICABLE) throw new Error(`question ${id}: ${v} is the convention, not an option`);
  }
  return values;
}

/** Yes / no (and 'not_known', and 'not_applicable' where allowed). */
export function yesNo(id: string, label: string, o: QuestionOptions = {}): Question {
  return { ...base(id, label, o, { enum: ['yes', 'no'] }), choices: ['yes', 'no'] };
}

/** One answer from a list. */
export function choice(id: string, label: string, options: Options, o: QuestionOptions = {}): Question {
  const values = optionValues(id, options);
  return { ...base(id, label, o, { enum: values }), choices: values, options };
}

/** One or more answers from a list (offer a 'none' option where "none of these" is an answer). */
export function multi(id: string, label: string, options: Options, o: QuestionOptions = {}): Question {
  const values = optionValues(id, options);
  const value: Json = { type: 'array', minItems: 1, uniqueItems: true, items: { enum: values } };
  // 'none' is an answer on its own: with anything else it contradicts itself.
  if (values.includes('none')) Object.assign(value, { if: { contains: { const: 'none' } }, then: { maxItems: 1 } });
  return { ...base(id, label, o, value), options };
}

/** Free text: at least one visible character, at most `maxLength` (default 2000). */
export function text(id: string, label: string, o: QuestionOptions & { maxLength?: number } = {}): Question {
  const maxLength = o.maxLength ?? DEFAULT_TEXT_MAX;
  // Text is never one of the sentinels, so "not known" cannot hide in a free-text answer, and text or sentinel is a oneOf.
  return base(id, label, o, { type: 'string', minLength: 1, maxLength, pattern: '\\S', not: { enum: [NOT_KNOWN, NOT_APPLICABLE] } });
}

/** A narrative: free text up to 8000 characters. */
export function narrative(id: string, label: string, o: QuestionOptions = {}): Question {
  return text(id, label, { ...o, maxLength: LONG_TEXT_MAX });
}

export function integer(
  id: string,
  label: string,
  range: { minimum: number; maximum: number; unit?: string },
  o: QuestionOptions = {},
): Question {
  const q = base(id, label, o, { type: 'integer', minimum: range.minimum, maximum: range.maximum });
  return range.unit ? { ...q, unit: range.unit } : q;
}

export function decimal(
  id: string,
  label: string,
  range: { minimum: number; maximum: number; unit?: string },
  o: QuestionOptions = {},
): Question {
  const q = base(id, label, o, { type: 'number', minimum: range.minimum, maximum: range.maximum });
  return range.unit ? { ...q, unit: range.unit } : q;
}

export function date(id: string, label: string, o: QuestionOptions = {}): Question {
  return base(id, label, o, { $ref: '#/$defs/date' });
}

/** A local time, HH:MM. */
export function time(id: string, label: string, o: QuestionOptions = {}): Question {
  return base(id, label, o, { $ref: '#/$defs/time' });
}

/** A list of records (e.g. a chronology), each with the same fields; at least one record, at most `maxItems`. */
export function records(id: string, label: string, columns: Question[], limits: { maxItems: number }, o: QuestionOptions = {}): Question {
  checkIds(id, columns);
  for (const c of columns) if (c.when) throw new Error(`record field ${id}.${c.id} cannot be a follow-up`);
  const item = {
    type: 'object',
    additionalProperties: false,
    required: columns.map((c) => c.id),
    properties: Object.fromEntries(columns.map((c) => [c.id, answerSchema(c)])),
  };
  return { ...base(id, label, o, { type: 'array', minItems: 1, maxItems: limits.maxItems, items: item }), columns };
}

export function section(id: string, title: string, questions: Question[], help?: string): Section {
  if (!ID.test(id)) throw new Error(`section id ${JSON.stringify(id)} must be camelCase letters and digits`);
  checkIds(id, questions);
  questions.forEach((q, i) => {
    if (!q.when) return;
    const gate = questions.slice(0, i).find((g) => g.id === q.when!.question);
    if (!gate?.choices) throw new Error(`${id}.${q.id} follows ${q.when.question}, which is not an earlier single choice of the section`);
    const unknown = q.when.in.filter((v) => !gate.choices!.includes(v));
    if (unknown.length || q.when.in.length === 0)
      throw new Error(`${id}.${q.id}: ${JSON.stringify(unknown)} are not answers of ${gate.id}`);
  });
  return { id, title, ...(help ? { help } : {}), questions };
}

function checkIds(where: string, questions: Question[]): void {
  const seen = new Set<string>();
  for (const q of questions) {
    if (seen.has(q.id)) throw new Error(`${where} has two questions ${q.id}`);
    seen.add(q.id);
  }
}

/** The schema of one question's answer: the real answer or one of the sentinels it allows. */
function sentinelsOf(q: Question): string[] {
  return [...(q.notKnown ? [NOT_KNOWN] : []), ...(q.notApplicable ? [NOT_APPLICABLE] : [])];
}

function answerSchema(q: Question): Json {
  const sentinels = sentinelsOf(q);
  if (q.choices && 'enum' in q.value) {
    if (q.choices.length === 2 && q.choices[0] === 'yes' && q.choices[1] === 'no' && q.notKnown) {
      return { $ref: q.notApplicable ? '#/$defs/yesNoNotKnownNotApplicable' : '#/$defs/yesNoNotKnown' };
    }
    return { enum: [...q.choices, ...sentinels] };
  }
  if (sentinels.length === 0) return q.value;
  const ref = q.notKnown && q.notApplicable ? 'notKnownOrNotApplicable' : q.notKnown ? 'notKnown' : 'notApplicable';
  return { oneOf: [q.value, { $ref: `#/$defs/${ref}` }] };
}

function sectionSchema(s: Section): Json {
  const schema: Json = {
    type: 'object',
    additionalProperties: false,
    required: s.questions.map((q) => q.id),
    properties: Object.fromEntries(s.questions.map((q) => [q.id, answerSchema(q)])),
  };
  // Per distinct gate condition, two rules: an answer that asks the follow-ups makes 'not_applicable' wrong for them;
  // any other valid answer makes it the only answer. An invalid answer to the gate asks nothing of them, so the
  // gate's own error is not followed by one error per follow-up.
  const rules = new Map<string, { gate: Question; in: readonly OptionValue[]; followUps: string[] }>();
  for (const q of s.questions) {
    if (!q.when) continue;
    const key = JSON.stringify([q.when.question, q.when.in]);
    const gate = s.questions.find((g) => g.id === q.when!.question)!;
    const rule = rules.get(key) ?? { gate, in: q.when.in, followUps: [] };
    rule.followUps.push(q.id);
    rules.set(key, rule);
  }
  if (rules.size) {
    schema.allOf = [...rules.values()].flatMap((r) => {
      const others = [...r.gate.choices!, ...sentinelsOf(r.gate)].filter((v) => !r.in.includes(v));
      const when = (values: readonly OptionValue[]) => ({ properties: { [r.gate.id]: { enum: [...values] } }, required: [r.gate.id] });
      const each = (rule: Json) => Object.fromEntries(r.followUps.map((f) => [f, rule]));
      return [
        { if: when(r.in), then: { properties: each({ not: { const: NOT_APPLICABLE } }) } },
        ...(others.length ? [{ if: when(others), then: { properties: each({ const: NOT_APPLICABLE }) } }] : []),
      ];
    });
  }
  return schema;
}

function fieldDisplay(q: Question, prefix: string, sectionId?: string): FieldDisplay {
  const options: Options = [...(q.options ?? []), ...(q.notKnownLabel ? [[NOT_KNOWN, q.notKnownLabel] as const] : [])];
  return {
    pointer: prefix + pointerOf(q.id),
    label: q.label,
    ...(q.help ? { help: q.help } : {}),
    ...(options.length ? { options: options.map(([value, label, help]) => ({ value, label, ...(help ? { help } : {}) })) } : {}),
    ...(q.unit ? { unit: q.unit } : {}),
    ...(q.when && sectionId ? { when: { pointer: pointerOf(sectionId, q.when.question), in: [...q.when.in] } } : {}),
    ...(q.columns ? { columns: q.columns.map((c) => fieldDisplay(c, '')) } : {}),
  };
}

interface TemplateSpec {
  key: string;
  kind: TemplateKind;
  title: string;
  description: string;
  version: number;
  effectiveFrom: string;
  sections: Section[];
}

export function defineTemplate(spec: TemplateSpec): TemplateDefinition {
  if (!/^[a-z][a-z0-9-]*$/.test(spec.key)) throw new Error(`template key ${JSON.stringify(spec.key)} must be kebab-case`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(spec.effectiveFrom)) throw new Error(`${spec.key}: effectiveFrom must be YYYY-MM-DD`);
  if (!Number.isInteger(spec.version) || spec.version < 1) throw new Error(`${spec.key}: version must be a positive integer`);
  const ids = spec.sections.map((s) => s.id);
  if (new Set(ids).size !== ids.length) throw new Error(`${spec.key} repeats a section id`);
  const sections: SectionDisplay[] = spec.sections.map((s) => ({
    id: s.id,
    title: s.title,
    ...(s.help ? { help: s.help } : {}),
    fields: s.questions.map((q) => fieldDisplay(q, pointerOf(s.id), s.id)),
  }));
  return deepFreeze({
    key: spec.key,
    kind: spec.kind,
    title: spec.title,
    description: spec.description,
    version: spec.version,
    effectiveFrom: spec.effectiveFrom,
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: `${spec.title} (version ${spec.version})`,
      type: 'object',
      additionalProperties: false,
      required: ids,
      properties: Object.fromEntries(spec.sections.map((s) => [s.id, sectionSchema(s)])),
      $defs: structuredClone(SHARED_DEFS),
    },
    display: { sections },
  });
}

/** A published template never changes: the definitions handed out cannot be edited by accident. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
