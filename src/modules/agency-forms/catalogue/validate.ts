import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { CONTRACT_FORMATS } from '../../../platform/http/formats';
import { escapeToken, valueAt } from './json-pointer';
import { NOT_APPLICABLE } from './types';

/**
 * Validates answers against the exact version of a template a submission names.
 * Ajv 2020-12 in strict mode (a schema with an unknown keyword or a type mistake
 * is refused when compiled, never silently ignored), every error at once, the
 * service's calendar-checked `date` format. Each template version is compiled
 * once per validator and kept: a published version never changes (issue 12), so
 * its id — e.g. 'reporting@1' — is a safe cache key.
 *
 * Ajv's errors are turned into one error per failing field, named by the JSON
 * pointer of the answer (for a missing answer, the pointer it should have had):
 * - an answer that may be a value or 'not_known' / 'not_applicable' fails as a
 *   whole, with a message saying what it may be, not one error per alternative;
 *   a list (of choices or records) is looked into, so a bad record field is named;
 * - a follow-up rule names the follow-up, never the section.
 */
interface AnswerError {
  pointer: string;
  message: string;
  keyword: string;
}

type AnswersValidation = { ok: true } | { ok: false; errors: AnswerError[] };

interface TemplateValidator {
  /** A complete submission: every question answered, follow-ups consistent. */
  validate(templateId: string, schema: Record<string, unknown>, answers: unknown): AnswersValidation;
  /** A draft: the answers given so far must be valid answers; none is required and follow-up rules wait for the submission. */
  validateDraft(templateId: string, schema: Record<string, unknown>, answers: unknown): AnswersValidation;
  /** How many schemas this validator has compiled (one per template version and mode). */
  readonly compilations: number;
}

type Json = Record<string, unknown>;

interface Compiled {
  check: ValidateFunction;
  schema: Json;
  descriptions: Map<string, string>;
}

export function createTemplateValidator(): TemplateValidator {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  // The contract's calendar-checked date (2026-02-30 is refused), as everywhere in the service.
  ajv.addFormat('date', CONTRACT_FORMATS.date);
  ajv.addFormat('date-time', CONTRACT_FORMATS['date-time']);

  const cache = new Map<string, Compiled>();
  let compilations = 0;

  function compiled(cacheKey: string, schema: Json): Compiled {
    let entry = cache.get(cacheKey);
    if (!entry) {
      entry = { check: ajv.compile(schema), schema, descriptions: new Map() };
      compilations++;
      cache.set(cacheKey, entry);
    }
    return entry;
  }

  function run(entry: Compiled, answers: unknown): AnswersValidation {
    if (entry.check(answers)) return { ok: true };
    return { ok: false, errors: answerErrors(entry.check.errors ?? [], answers, entry) };
  }

  return {
    validate: (templateId, schema, answers) => run(compiled(templateId, schema), answers),
    validateDraft: (templateId, schema, answers) => run(compiled(`${templateId}#draft`, draftSchema(schema)), answers),
    get compilations() {
      return compilations;
    },
  };
}

/** The same schema with nothing required and without the follow-up rules (the section-level allOf of if/then/else). */
function draftSchema(schema: Json): Json {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (!node || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === 'required' && Array.isArray(v)) continue;
      if (k === 'allOf' && Array.isArray(v) && v.every((s) => s && typeof s === 'object' && 'if' in s)) continue;
      out[k] = k === 'enum' || k === 'const' ? v : strip(v);
    }
    return out;
  };
  return strip(schema) as Json;
}

function schemaAt(root: Json, schemaPath: string): Json | undefined {
  // Ajv's schema paths are JSON pointers with URI-encoded tokens.
  const node = valueAt(root, decodeURIComponent(schemaPath.replace(/^#/, '')));
  return node && typeof node === 'object' ? (node as Json) : undefined;
}

function isUnder(pointer: string, parent: string): boolean {
  return pointer === parent || pointer.startsWith(parent + '/');
}

const COMPOSITE = new Set(['oneOf', 'anyOf']);

function answerErrors(errors: ErrorObject[], answers: unknown, entry: Compiled): AnswerError[] {
  const dropped = new Set<ErrorObject>();
  const described = new Map<ErrorObject, string>();
  // Outer alternatives first: an alternative that fails as a whole takes everything beneath it with it.
  const composites = errors.filter((e) => COMPOSITE.has(e.keyword)).sort((a, b) => a.instancePath.length - b.instancePath.length);
  for (const c of composites) {
    if (dropped.has(c)) continue;
    const branches = (schemaAt(entry.schema, c.schemaPath) as unknown as Json[] | undefined) ?? [];
    const belongs = (e: ErrorObject) =>
      e !== c &&
      isUnder(e.instancePath, c.instancePath) &&
      (e.schemaPath.startsWith(c.schemaPath + '/') || e.schemaPath.startsWith('#/$defs/'));
    const value = valueAt(answers, c.instancePath);
    const structured = value !== null && typeof value === 'object';
    const match = structured ? branches.findIndex((b) => b.type === (Array.isArray(value) ? 'array' : 'object')) : -1;
    if (match >= 0) {
      // A list answer: name what is wrong inside it, drop the other alternatives (the sentinels) and the summary.
      dropped.add(c);
      for (const e of errors) {
        if (!belongs(e)) continue;
        const inMatch =
          e.schemaPath.startsWith(`${c.schemaPath}/${match}/`) ||
          (e.schemaPath.startsWith('#/$defs/') && e.instancePath !== c.instancePath);
        if (!inMatch) dropped.add(e);
      }
    } else {
      for (const e of errors) if (belongs(e)) dropped.add(e);
      described.set(c, `must be ${describeAt(entry, c.schemaPath.replace(/\/(oneOf|anyOf)$/, ''))}`);
    }
  }

  const out: AnswerError[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (dropped.has(e) || e.keyword === 'if') continue;
    const pointer =
      e.keyword === 'required'
        ? `${e.instancePath}/${escapeToken((e.params as { missingProperty: string }).missingProperty)}`
        : e.keyword === 'additionalProperties'
          ? `${e.instancePath}/${escapeToken((e.params as { additionalProperty: string }).additionalProperty)}`
          : e.instancePath;
    const message = described.get(e) ?? messageFor(e, entry, answers);
    const key = `${pointer}\u0000${e.keyword}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pointer, message, keyword: e.keyword });
  }
  return out;
}

function messageFor(e: ErrorObject, entry: Compiled, answers: unknown): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return 'must be answered';
    case 'additionalProperties':
      return e.instancePath === '' ? 'is not a section of this form' : 'is not a question of this form';
    case 'enum':
      return `must be one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'const':
      if (p.allowedValue === NOT_APPLICABLE) return `must be ${NOT_APPLICABLE}: it is not asked when ${gateOf(e, entry, answers)}`;
      return `must be ${String(p.allowedValue)}`;
    case 'not':
      return e.schemaPath.includes('/then/properties/')
        ? `must be answered, not ${NOT_APPLICABLE}: it is asked when ${gateOf(e, entry, answers)}`
        : 'must be a real answer here: this question cannot be answered not_known or not_applicable';
    case 'maxItems':
      return e.schemaPath.endsWith('/then/maxItems')
        ? "'none' cannot be combined with other answers"
        : `must have at most ${String(p.limit)} entries`;
    case 'minItems':
      return `must have at least ${String(p.limit)} ${p.limit === 1 ? 'entry' : 'entries'}`;
    case 'uniqueItems':
      return 'must not repeat an answer';
    case 'format':
      return p.format === 'date' ? 'must be a date (YYYY-MM-DD)' : `must be a ${String(p.format)}`;
    case 'pattern':
      return p.pattern === '\\S' ? 'must not be blank' : (e.message ?? 'must match the pattern');
    case 'maxLength':
      return `must be at most ${String(p.limit)} characters`;
    case 'type':
      return `must be ${p.type === 'object' ? 'an object' : p.type === 'array' ? 'a list' : `a ${String(p.type)}`}`;
    default:
      return e.message ?? 'is not valid';
  }
}

/** "/section/gate is no": the question a follow-up depends on, read from the rule's `if`, and its answer (a choice, never free text). */
function gateOf(e: ErrorObject, entry: Compiled, answers: unknown): string {
  const rule = schemaAt(entry.schema, e.schemaPath.slice(0, e.schemaPath.indexOf('/then/')));
  const gate = Object.keys(((rule?.if as Json | undefined)?.properties as Json | undefined) ?? {})[0];
  if (!gate) return 'the question it follows is answered as it is';
  const pointer = `${e.instancePath.slice(0, e.instancePath.lastIndexOf('/'))}/${escapeToken(gate)}`;
  return `${pointer} is ${String(valueAt(answers, pointer))}`;
}

function describeAt(entry: Compiled, schemaPath: string): string {
  let d = entry.descriptions.get(schemaPath);
  if (d === undefined) {
    d = describe(entry.schema, schemaAt(entry.schema, schemaPath) ?? {});
    entry.descriptions.set(schemaPath, d);
  }
  return d;
}

/** What an answer may be, in words, from its schema: "a date (YYYY-MM-DD) or not_known". */
function describe(root: Json, node: Json): string {
  const words = alternatives(root, node);
  return words.length === 1 ? words[0]! : `${words.slice(0, -1).join(', ')} or ${words.at(-1)!}`;
}

function alternatives(root: Json, node: Json): string[] {
  if (typeof node.$ref === 'string') return alternatives(root, schemaAt(root, node.$ref) ?? {});
  const branches = (node.oneOf ?? node.anyOf) as Json[] | undefined;
  if (branches) return branches.flatMap((b) => alternatives(root, b));
  if ('const' in node) return [String(node.const)];
  if (Array.isArray(node.enum)) return node.enum.map(String);
  return [describeValue(node)];
}

function describeValue(node: Json): string {
  switch (node.type) {
    case 'string':
      if (node.format === 'date') return 'a date (YYYY-MM-DD)';
      if (typeof node.pattern === 'string' && node.pattern.includes(':[0-5]')) return 'a time (HH:MM)';
      return `text of 1 to ${String(node.maxLength)} characters`;
    case 'integer':
      return `a whole number from ${String(node.minimum)} to ${String(node.maximum)}`;
    case 'number':
      return `a number from ${String(node.minimum)} to ${String(node.maximum)}`;
    case 'array': {
      const items = (node.items ?? {}) as Json;
      return Array.isArray(items.enum)
        ? `a list of one or more of ${items.enum.map(String).join(', ')}`
        : `a list of 1 to ${String(node.maxItems)} records`;
    }
    default:
      return 'a valid answer';
  }
}
