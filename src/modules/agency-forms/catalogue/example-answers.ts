import { pointerTokens, valueAt } from './json-pointer';
import { NOT_APPLICABLE, NOT_KNOWN, type TemplateDefinition } from './types';

/**
 * A complete, valid answer set for a template, built from its schema: every
 * question answered with a real value, except every `notKnownEvery`-th question
 * that allows it, answered 'not_known'; follow-ups whose question was not
 * answered the way that asks them are 'not_applicable'. For tests, examples and
 * benchmarks (`bench/form-validation.ts`); it reads only the schema and the
 * display's follow-up rules, so it works for any template, not only ours.
 */
interface ExampleOptions {
  /** Answer every n-th question that allows it 'not_known' (0: never). Default 0. */
  notKnownEvery?: number;
  /** Records to put in each list of records. Default 1. */
  recordsPerList?: number;
}

type Json = Record<string, unknown>;

export function exampleAnswers(definition: TemplateDefinition, options: ExampleOptions = {}): Record<string, Record<string, unknown>> {
  const root = definition.schema;
  const every = options.notKnownEvery ?? 0;
  const recordsPerList = options.recordsPerList ?? 1;
  const answers: Record<string, Record<string, unknown>> = {};
  let n = 0;
  const sections = (root.properties ?? {}) as Record<string, Json>;
  for (const [sectionId, sectionSchema] of Object.entries(sections)) {
    const section: Record<string, unknown> = {};
    for (const [id, question] of Object.entries((sectionSchema.properties ?? {}) as Record<string, Json>)) {
      n++;
      section[id] =
        every > 0 && n % every === 0 && allows(root, question, NOT_KNOWN) ? NOT_KNOWN : realValue(root, question, recordsPerList);
    }
    answers[sectionId] = section;
  }
  // Follow-ups, in display order so a follow-up of a follow-up sees its gate's final answer.
  for (const s of definition.display.sections) {
    for (const f of s.fields) {
      if (!f.when) continue;
      const gate = valueAt(answers, f.when.pointer);
      if (!f.when.in.includes(gate as string | number)) setAt(answers, f.pointer, NOT_APPLICABLE);
      else if (valueAt(answers, f.pointer) === NOT_APPLICABLE) {
        setAt(answers, f.pointer, realValue(root, schemaFor(root, f.pointer), recordsPerList));
      }
    }
  }
  return answers;
}

function resolve(root: Json, node: Json): Json {
  if (typeof node.$ref !== 'string') return node;
  const target = node.$ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((acc, t) => (acc as Json | undefined)?.[t], root);
  return resolve(root, (target ?? {}) as Json);
}

function allows(root: Json, node: Json, value: string): boolean {
  const s = resolve(root, node);
  const branches = (s.oneOf ?? s.anyOf) as Json[] | undefined;
  if (branches) return branches.some((b) => allows(root, b, value));
  if ('const' in s) return s.const === value;
  return Array.isArray(s.enum) && s.enum.includes(value);
}

const SENTINELS: unknown[] = [NOT_KNOWN, NOT_APPLICABLE];

function realValue(root: Json, node: Json, recordsPerList: number): unknown {
  const s = resolve(root, node);
  const branches = (s.oneOf ?? s.anyOf) as Json[] | undefined;
  if (branches) {
    const real = branches.find((b) => !isSentinelOnly(root, b));
    return realValue(root, real ?? branches[0]!, recordsPerList);
  }
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum.find((v) => !SENTINELS.includes(v)) ?? s.enum[0];
  switch (s.type) {
    case 'string':
      if (s.format === 'date') return '2026-03-02';
      if (typeof s.pattern === 'string' && s.pattern.includes(':[0-5]')) return '06:45';
      return 'An example answer written by the agency.'.slice(0, Math.max(1, Number(s.maxLength ?? 40)));
    case 'integer':
    case 'number': {
      const min = Number(s.minimum ?? 0);
      const max = Number(s.maximum ?? min + 10);
      const mid = min + (max - min) / 2;
      return s.type === 'integer' ? Math.floor(mid) : Math.round(mid * 10) / 10;
    }
    case 'array': {
      const items = resolve(root, (s.items ?? {}) as Json);
      if (Array.isArray(items.enum)) {
        // 'none' is an answer on its own; otherwise take the first two options.
        const values = items.enum.filter((v) => v !== 'none');
        return values.length ? values.slice(0, Math.max(1, Math.min(2, Number(s.maxItems ?? 2)))) : [items.enum[0]];
      }
      const count = Math.min(recordsPerList, Number(s.maxItems ?? recordsPerList));
      return Array.from({ length: Math.max(1, count) }, () => realValue(root, items, recordsPerList));
    }
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, Json>;
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, realValue(root, v, recordsPerList)]));
    }
    default:
      return NOT_KNOWN;
  }
}

function isSentinelOnly(root: Json, node: Json): boolean {
  const s = resolve(root, node);
  if ('const' in s) return SENTINELS.includes(s.const);
  return Array.isArray(s.enum) && s.enum.every((v) => SENTINELS.includes(v));
}

function setAt(root: Json, pointer: string, value: unknown): void {
  const ts = pointerTokens(pointer);
  const parent = ts.slice(0, -1).reduce<Json>((acc, t) => acc[t] as Json, root);
  parent[ts.at(-1)!] = value;
}

function schemaFor(root: Json, pointer: string): Json {
  return pointerTokens(pointer).reduce<Json>((acc, t) => ((resolve(root, acc).properties ?? {}) as Record<string, Json>)[t] ?? {}, root);
}
