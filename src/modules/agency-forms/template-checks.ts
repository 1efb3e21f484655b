import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { FieldError } from '../../platform/http/problem';
import { fieldOf } from './form-rules';

/**
 * What a template an administrator creates must satisfy before it is stored
 * (the national seeds are held to the same by test/unit/agency-forms):
 * a JSON Schema 2020-12 that Ajv compiles in strict mode, whose every object
 * refuses unknown properties (an answer nobody asked for would be stored and
 * shown to nobody), and a display whose every field names a question the
 * schema has. Pure.
 */

const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function templateDefinitionErrors(body: { schema: Json; display: { sections: { fields: { pointer: string }[] }[] } }): FieldError[] {
  const errors: FieldError[] = [];
  if (body.schema.$schema !== DRAFT_2020_12) {
    errors.push({ field: 'body.schema.$schema', message: `must be ${DRAFT_2020_12}`, code: 'schema_dialect' });
  }
  if (body.schema.type !== 'object') errors.push({ field: 'body.schema.type', message: 'must be "object"', code: 'schema_root' });
  const compileError = compileErrorOf(body.schema);
  if (compileError) errors.push({ field: 'body.schema', message: compileError, code: 'schema_invalid' });
  for (const at of openObjects(body.schema)) {
    errors.push({
      field: fieldOf('body.schema', at),
      message: 'an object must set additionalProperties to false',
      code: 'schema_open_object',
    });
  }
  body.display.sections.forEach((s, i) =>
    s.fields.forEach((f, j) => {
      if (!resolvesToQuestion(body.schema, f.pointer)) {
        errors.push({
          field: `body.display.sections[${i}].fields[${j}].pointer`,
          message: 'names no question of the schema',
          code: 'unknown_question',
        });
      }
    }),
  );
  return errors;
}

function compileErrorOf(schema: Json): string | null {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  try {
    ajv.compile(schema);
    return null;
  } catch (err) {
    // Ajv's message names the keyword and the schema path; it holds no answers (there are none yet).
    return (err as Error).message.slice(0, 500);
  }
}

/** Paths (JSON pointers into the schema) of object schemas that do not refuse unknown properties. Iterative. */
function openObjects(root: Json): string[] {
  const open: string[] = [];
  const stack: { node: unknown; at: string }[] = [{ node: root, at: '' }];
  while (stack.length) {
    const { node, at } = stack.pop()!;
    if (Array.isArray(node)) {
      node.forEach((n, i) => stack.push({ node: n, at: `${at}/${i}` }));
      continue;
    }
    if (!isObject(node)) continue;
    if ((node.type === 'object' || isObject(node.properties)) && node.additionalProperties !== false) open.push(at);
    for (const [k, v] of Object.entries(node)) {
      if (k === 'enum' || k === 'const' || k === 'examples' || k === 'default') continue;
      stack.push({ node: v, at: `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}` });
    }
  }
  return open;
}

/**
 * Whether a display pointer names a property the schema declares: each segment
 * a key of `properties` of the schema reached so far (through `$ref` to `$defs`,
 * `items` for lists of records, and the branches of `allOf`/`anyOf`/`oneOf`).
 */
function resolvesToQuestion(root: Json, pointer: string): boolean {
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let frontier: Json[] = [root];
  for (const seg of segments) {
    const next: Json[] = [];
    for (const node of expand(root, frontier)) {
      const props = node.properties;
      if (isObject(props) && isObject(props[seg])) next.push(props[seg]);
      if (/^\d+$/.test(seg) && isObject(node.items)) next.push(node.items);
    }
    if (!next.length) return false;
    frontier = next;
  }
  return true;
}

/** The schemas a set of schemas stands for: themselves, their local $refs and their combinator branches, and array items. */
function expand(root: Json, nodes: Json[]): Json[] {
  const out: Json[] = [];
  const seen = new Set<Json>();
  const stack = [...nodes];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    out.push(n);
    if (typeof n.$ref === 'string' && n.$ref.startsWith('#/')) {
      const target = n.$ref
        .slice(2)
        .split('/')
        .reduce<unknown>((acc, k) => (isObject(acc) ? acc[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), root);
      if (isObject(target)) stack.push(target);
    }
    for (const k of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(n[k])) for (const b of n[k] as unknown[]) if (isObject(b)) stack.push(b);
    if (isObject(n.items)) stack.push(n.items);
  }
  return out;
}
