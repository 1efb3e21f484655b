import fc from 'fast-check';

/**
 * fast-check arbitraries built from the contract's JSON Schemas (OpenAPI 3.1,
 * i.e. JSON Schema 2020-12, every $ref already resolved):
 *
 * - `validArb(schema)`: values the schema accepts (types, enums, formats with
 *   real calendar dates, patterns, lengths, bounds, required and optional
 *   properties, unique items), including odd but valid text where a string is
 *   free text;
 * - `exampleArb(schema, example)`: realistic values grown from the contract's
 *   own examples, each leaf kept or replaced by a valid value, so a request
 *   gets past the business rules more often than a random one would;
 * - `invalidArb(schema)`: values the schema refuses, one defect somewhere in
 *   the tree (wrong type, missing required property, unknown property, a
 *   bound, length or count crossed by one or by far, a pattern or format
 *   broken, impossible dates).
 *
 * `Hints` name real rows for uuid-valued fields (`agencyId`, `panelIds[]`,
 * `flagId`…), so generated requests reach real data instead of stopping at 404.
 * test/fuzz/schema-arbitraries.test.ts checks the generators against the
 * schemas themselves with ajv.
 */
export type JsonSchema = { [key: string]: unknown };

export interface Hints {
  /** Ids of seeded rows a uuid named `name` (a property or parameter name) could refer to. */
  idsFor(name: string | undefined): readonly string[];
}

const NO_HINTS: Hints = { idsFor: () => [] };

interface Ctx {
  hints: Hints;
  /** The property (or parameter) name the value is for, for hints. */
  name?: string;
  depth: number;
}

const MAX_DEPTH = 8;
/** Generated arrays and free strings stay small unless a case is about size. */
const SMALL = 6;
const FREE_TEXT_MAX = 40;

/** Text that is valid Unicode and valid JSON but likely to upset something downstream. */
export const ODD_TEXT = [
  'Zoë Ó Súilleabháin',
  'محمد عبد الله',
  '\u202Eevil\u202C', // right-to-left override
  'a\u200Bb\u200Dc\uFEFF', // zero-width characters
  'e\u0301\u0301\u0301\u0301', // stacked combining marks
  '😀👨‍👩‍👧‍👦🏳️‍🌈',
  "Robert'); DROP TABLE cases;--",
  '%s%n%x{{7*7}}${7*7}<script>alert(1)</script>',
  '\\u0000 \\ud800', // the escapes as text, not the characters
  '\t\r\n  ',
  ' leading and trailing ',
  'ＡＢＣ', // full-width
  'Ꭺⅼⅰсе', // look-alike scripts
  '\u0085\u2028\u2029',
  '𝕬𝖒𝖊𝖑𝖎𝖆',
];

/** Text the service must refuse cleanly (400) wherever it is sent: NUL, lone surrogates. */
export const HOSTILE_TEXT = ['nul\u0000inside', 'lone \uD800 high', 'lone \uDFFF low', '\uDC00\uD800 reversed'];

/** Dates with the right shape that are not on the calendar, and other near misses. */
const IMPOSSIBLE_DATES = [
  '2026-02-30',
  '2026-04-31',
  '2025-02-29',
  '2026-13-01',
  '2026-00-10',
  '2026-01-00',
  '0000-00-00',
  '9999-99-99',
  '2026-1-5',
  '20260105',
  '2026-01-05T00:00:00Z',
  '+02026-01-05',
  '２０２６-01-05',
];

const IMPOSSIBLE_DATE_TIMES = [
  '2026-02-30T10:00:00Z',
  '2026-03-29T01:30:00', // no offset
  '2026-03-29T24:00:00Z',
  '2026-01-05T23:59:60Z',
  '2026-01-05T10:00:00+25:00',
  '2026-01-05 10:00:00Z',
  '2026-01-05',
  '-271821-04-19T00:00:00Z',
  '1970-01-01T00:00:00.0000000000Z',
];

const schemaType = (s: JsonSchema): string[] => {
  if (Array.isArray(s.type)) return s.type as string[];
  if (typeof s.type === 'string') return [s.type];
  if (s.properties || s.required) return ['object'];
  if (s.items) return ['array'];
  return [];
};
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const props = (s: JsonSchema): Record<string, JsonSchema> => (s.properties as Record<string, JsonSchema> | undefined) ?? {};
const requiredOf = (s: JsonSchema): string[] => (s.required as string[] | undefined) ?? [];

// ————— valid values —————

export function validArb(schema: JsonSchema, hints: Hints = NO_HINTS, name?: string): fc.Arbitrary<unknown> {
  return valid(schema, { hints, name, depth: 0 });
}

function valid(s: JsonSchema, ctx: Ctx): fc.Arbitrary<unknown> {
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  if (Array.isArray(s.oneOf) || Array.isArray(s.anyOf)) {
    const branches = (s.oneOf ?? s.anyOf) as JsonSchema[];
    return fc.oneof(...branches.map((b) => valid(b, ctx)));
  }
  if (Array.isArray(s.allOf)) return valid(mergeAllOf(s), ctx);
  const types = schemaType(s);
  if (types.length === 0) return fc.jsonValue({ maxDepth: 2 });
  if (types.length > 1) return fc.oneof(...types.map((t) => validOfType({ ...s, type: t }, t, ctx)));
  return validOfType(s, types[0]!, ctx);
}

function validOfType(s: JsonSchema, type: string, ctx: Ctx): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const min = num(s.minimum) ?? (num(s.exclusiveMinimum) !== undefined ? num(s.exclusiveMinimum)! + 1 : -1_000_000);
      const max = num(s.maximum) ?? (num(s.exclusiveMaximum) !== undefined ? num(s.exclusiveMaximum)! - 1 : 1_000_000);
      const ints = fc.oneof(fc.constantFrom(min, max), fc.integer({ min, max }));
      return type === 'integer' ? ints : fc.oneof(ints, fc.double({ min, max, noNaN: true, noDefaultInfinity: true }));
    }
    case 'string':
      return validString(s, ctx);
    case 'array': {
      const items = (s.items as JsonSchema | undefined) ?? {};
      const minLength = num(s.minItems) ?? 0;
      const maxLength = Math.max(minLength, Math.min(num(s.maxItems) ?? SMALL, SMALL));
      if (ctx.depth >= MAX_DEPTH) return fc.constant([]);
      const item = valid(items, { ...ctx, depth: ctx.depth + 1 });
      return s.uniqueItems
        ? fc.uniqueArray(item, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
        : fc.array(item, { minLength, maxLength });
    }
    case 'object': {
      const ps = props(s);
      const required = requiredOf(s);
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, ps_] of Object.entries(ps)) model[k] = valid(ps_, { ...ctx, name: k, depth: ctx.depth + 1 });
      const minProps = num(s.minProperties) ?? 0;
      return fc
        .record(model, { requiredKeys: required.filter((k) => k in model) })
        .filter((o) => Object.keys(o).length >= minProps) as fc.Arbitrary<unknown>;
    }
    default:
      return fc.constant(null);
  }
}

function validString(s: JsonSchema, ctx: Ctx): fc.Arbitrary<string> {
  const minLength = num(s.minLength) ?? 0;
  const maxLength = num(s.maxLength);
  const fits = (v: string) => [...v].length >= minLength && (maxLength === undefined || [...v].length <= maxLength);
  const examples = ((s.examples as unknown[] | undefined) ?? []).filter((e): e is string => typeof e === 'string');
  let base: fc.Arbitrary<string>;
  switch (s.format) {
    case 'uuid': {
      const ids = ctx.hints.idsFor(ctx.name);
      base = ids.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ids) }, fc.uuid({ version: 4 })) : fc.uuid({ version: 4 });
      break;
    }
    case 'date':
      base = calendarDate();
      break;
    case 'date-time':
      base = dateTime();
      break;
    case 'email':
      base = fc
        .tuple(fc.stringMatching(/^[a-z][a-z0-9.]{0,15}$/), fc.constantFrom('nhs.net', 'example.org', 'police.example'))
        .map(([l, d]) => `${l.replace(/\.+$/, '').replace(/\.\.+/g, '.')}@${d}`);
      break;
    case 'uri':
      base = fc.webUrl();
      break;
    default:
      if (typeof s.pattern === 'string') {
        base = fc.stringMatching(new RegExp(s.pattern as string));
      } else {
        const cap = Math.min(maxLength ?? FREE_TEXT_MAX, FREE_TEXT_MAX);
        const text = fc.string({ minLength: Math.min(minLength, cap), maxLength: Math.max(cap, minLength), unit: 'grapheme' });
        const odd = fc.constantFrom(...ODD_TEXT).filter(fits);
        base = fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: odd });
      }
  }
  // Values of real rows for this name (an ODS code, an identity provider, an audit action…), when they fit.
  const pattern = typeof s.pattern === 'string' ? new RegExp(s.pattern) : undefined;
  const known = [...examples, ...(s.format === 'uuid' ? [] : ctx.hints.idsFor(ctx.name))].filter((v) => !pattern || pattern.test(v));
  const withKnown = known.length ? fc.oneof(base, fc.constantFrom(...known)) : base;
  return withKnown.filter(fits);
}

/** A real calendar date, mostly around now (the service reasons about ages and deadlines). */
function calendarDate(): fc.Arbitrary<string> {
  const near = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true });
  const far = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true });
  return fc.oneof({ weight: 4, arbitrary: near }, { weight: 1, arbitrary: far }).map((d) => d.toISOString().slice(0, 10));
}

function dateTime(): fc.Arbitrary<string> {
  const d = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true });
  return fc.oneof(
    d.map((x) => x.toISOString()),
    d.map((x) => x.toISOString().replace(/\.\d{3}Z$/, '+01:00')),
    fc.constantFrom('2026-03-29T01:30:00Z', '2026-10-25T01:30:00+01:00', '2026-10-25T01:30:00+00:00'),
  );
}

function mergeAllOf(s: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...s };
  delete out.allOf;
  for (const part of s.allOf as JsonSchema[]) {
    const p = part.allOf ? mergeAllOf(part) : part;
    out.properties = { ...props(out), ...props(p) };
    out.required = [...requiredOf(out), ...requiredOf(p)];
    if (!out.type && p.type) out.type = p.type;
  }
  return out;
}

// ————— values grown from the contract's examples —————

/**
 * A value grown from `example`: every leaf kept (mostly) or replaced by a
 * valid value of its schema; uuids swapped for ids of real rows by name;
 * optional properties sometimes dropped. Valid when the example is.
 */
export function exampleArb(schema: JsonSchema, example: unknown, hints: Hints = NO_HINTS, name?: string): fc.Arbitrary<unknown> {
  return fromExample(schema, example, { hints, name, depth: 0 });
}

function fromExample(s: JsonSchema, ex: unknown, ctx: Ctx): fc.Arbitrary<unknown> {
  if (Array.isArray(s.allOf)) return fromExample(mergeAllOf(s), ex, ctx);
  if (Array.isArray(ex)) {
    const items = (s.items as JsonSchema | undefined) ?? {};
    if (!ex.length) return fc.constant([]);
    const arr = fc.tuple(...ex.map((e) => fromExample(items, e, { ...ctx, depth: ctx.depth + 1 })));
    return s.uniqueItems ? arr.filter((a) => new Set(a.map((v) => JSON.stringify(v))).size === a.length) : arr;
  }
  if (ex !== null && typeof ex === 'object') {
    const ps = props(s);
    const required = new Set(requiredOf(s));
    const entries = Object.entries(ex as Record<string, unknown>);
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [k, v] of entries) {
      const sub = ps[k] ?? {};
      const grown = fromExample(sub, v, { ...ctx, name: k, depth: ctx.depth + 1 });
      model[k] = required.has(k) ? grown : fc.oneof({ weight: 6, arbitrary: grown }, { weight: 1, arbitrary: fc.constant(DROP) });
    }
    const minProps = num(s.minProperties) ?? 0;
    return fc
      .record(model)
      .map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== DROP)))
      .filter((o) => Object.keys(o).length >= minProps);
  }
  // A leaf.
  if (typeof ex === 'string' && s.format === 'uuid') {
    const ids = ctx.hints.idsFor(ctx.name);
    if (ids.length) return fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: valid(s, ctx) });
  }
  if (!Object.keys(s).length) return fc.constant(ex);
  return fc.oneof({ weight: 6, arbitrary: fc.constant(ex) }, { weight: 1, arbitrary: valid(s, ctx) });
}

const DROP = Symbol('drop');

// ————— invalid values —————

export function invalidArb(schema: JsonSchema, hints: Hints = NO_HINTS, name?: string): fc.Arbitrary<unknown> {
  const arbs = invalidOptions(schema, { hints, name, depth: 0 });
  return arbs.length ? fc.oneof(...arbs) : fc.constant(Symbol('no invalid value'));
}

/** Every way to break `s` this generator knows; an empty list when `s` accepts anything. */
function invalidOptions(s: JsonSchema, ctx: Ctx): fc.Arbitrary<unknown>[] {
  if (Array.isArray(s.allOf)) return invalidOptions(mergeAllOf(s), ctx);
  if (Array.isArray(s.oneOf) || Array.isArray(s.anyOf)) {
    // Something none of the branches is: a value of a type no branch has.
    const branches = (s.oneOf ?? s.anyOf) as JsonSchema[];
    const types = new Set(branches.flatMap(schemaType));
    return types.size ? [wrongType([...types])] : [];
  }
  const out: fc.Arbitrary<unknown>[] = [];
  const types = schemaType(s);
  if ('const' in s) out.push(fc.jsonValue({ maxDepth: 1 }).filter((v) => JSON.stringify(v) !== JSON.stringify(s.const)));
  if (Array.isArray(s.enum)) {
    const allowed = new Set((s.enum as unknown[]).map((v) => JSON.stringify(v)));
    out.push(
      fc
        .oneof(
          fc.string({ maxLength: 20 }),
          fc.constantFrom(...(s.enum as unknown[]).filter((v): v is string => typeof v === 'string').map((v) => v.toUpperCase() + ' ')),
        )
        .filter((v) => !allowed.has(JSON.stringify(v))),
    );
  }
  if (types.length) out.push(wrongType(types));
  if (types.includes('string') && !Array.isArray(s.enum)) out.push(...invalidString(s));
  if (types.includes('integer') || types.includes('number')) out.push(...invalidNumber(s, types.includes('integer')));
  if (types.includes('array')) out.push(...invalidArray(s, ctx));
  if (types.includes('object')) out.push(...invalidObject(s, ctx));
  return out;
}

function wrongType(types: string[]): fc.Arbitrary<unknown> {
  const all: [string, fc.Arbitrary<unknown>][] = [
    ['null', fc.constant(null)],
    ['boolean', fc.boolean()],
    ['integer', fc.integer()],
    ['number', fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n))],
    ['string', fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('true', '1', 'null', '{}'))],
    ['array', fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 })],
    ['object', fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 })],
  ];
  const allowsNumber = types.includes('number');
  const others = all.filter(([t]) => !types.includes(t) && !(allowsNumber && t === 'integer'));
  return fc.oneof(...others.map(([, a]) => a));
}

function invalidString(s: JsonSchema): fc.Arbitrary<unknown>[] {
  const out: fc.Arbitrary<unknown>[] = [];
  const minLength = num(s.minLength);
  const maxLength = num(s.maxLength);
  if (maxLength !== undefined) {
    out.push(fc.constantFrom(maxLength + 1, maxLength * 2 + 1, 100_000).map((n) => 'x'.repeat(n)));
  }
  if (minLength !== undefined && minLength > 0) out.push(fc.constant('x'.repeat(minLength - 1)));
  if (typeof s.pattern === 'string') {
    const re = new RegExp(s.pattern as string);
    out.push(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(...ODD_TEXT, ...HOSTILE_TEXT, '')).filter((v) => !re.test(v)));
  }
  switch (s.format) {
    case 'uuid':
      out.push(
        fc.constantFrom(
          'not-a-uuid',
          '00000000-0000-0000-0000-00000000000g',
          '{6f1c1f0e-9c1a-4b7e-9d1e-2a7f7b8c9d0e}',
          '6f1c1f0e9c1a4b7e9d1e2a7f7b8c9d0e0',
          '6f1c1f0e-9c1a-4b7e-9d1e-2a7f7b8c9d0e ',
          '',
        ),
      );
      break;
    case 'date':
      out.push(fc.constantFrom(...IMPOSSIBLE_DATES));
      break;
    case 'date-time':
      out.push(fc.constantFrom(...IMPOSSIBLE_DATE_TIMES));
      break;
    case 'email':
      out.push(fc.constantFrom('not an email', '@nhs.net', 'a@', 'a@@b.c', 'a b@c.d'));
      break;
  }
  return out;
}

function invalidNumber(s: JsonSchema, integer: boolean): fc.Arbitrary<unknown>[] {
  const out: fc.Arbitrary<unknown>[] = [];
  const min = num(s.minimum);
  const max = num(s.maximum);
  if (min !== undefined) out.push(fc.constantFrom(min - 1, min - 1_000_000, -Number.MAX_SAFE_INTEGER - 2));
  if (max !== undefined) out.push(fc.constantFrom(max + 1, max + 1_000_000, 1e308, Number.MAX_SAFE_INTEGER + 2));
  if (integer) out.push(fc.constantFrom(0.5, (min ?? 0) + 0.25, 1e-300));
  return out;
}

function invalidArray(s: JsonSchema, ctx: Ctx): fc.Arbitrary<unknown>[] {
  const out: fc.Arbitrary<unknown>[] = [];
  const items = (s.items as JsonSchema | undefined) ?? {};
  const minItems = num(s.minItems);
  const maxItems = num(s.maxItems);
  const item = valid(items, { ...ctx, depth: ctx.depth + 1 });
  if (minItems !== undefined && minItems > 0) out.push(fc.array(item, { minLength: minItems - 1, maxLength: minItems - 1 }));
  if (maxItems !== undefined) {
    // One too many, or very many (one item repeated: cheap to build, as heavy to send).
    out.push(fc.array(item, { minLength: maxItems + 1, maxLength: maxItems + 1 }));
    out.push(item.map((v) => Array.from({ length: Math.max(maxItems + 1, 2_000) }, () => v)));
  }
  if (s.uniqueItems) out.push(item.map((v) => [v, v]));
  if (ctx.depth < MAX_DEPTH) {
    const bad = invalidOptions(items, { ...ctx, depth: ctx.depth + 1 });
    if (bad.length) {
      const lo = Math.max(0, (minItems ?? 1) - 1);
      const badItem = fc.oneof(...bad);
      out.push(
        fc.tuple(fc.array(item, { minLength: lo, maxLength: Math.min(maxItems ?? 3, lo + 2) }), badItem).map(([good, b]) => [...good, b]),
      );
      // Hundreds of bad items: the problem document lists at most 50 (src/platform/http/error-handler.ts).
      out.push(badItem.map((b) => Array.from({ length: 300 }, () => b)));
    }
  }
  return out;
}

function invalidObject(s: JsonSchema, ctx: Ctx): fc.Arbitrary<unknown>[] {
  const out: fc.Arbitrary<unknown>[] = [];
  const required = requiredOf(s);
  const ps = props(s);
  const whole = valid({ ...s, type: 'object' }, ctx) as fc.Arbitrary<Record<string, unknown>>;
  if (required.length) {
    out.push(
      fc.tuple(whole, fc.constantFrom(...required)).map(([o, k]) => {
        const c = { ...o };
        delete c[k];
        return c;
      }),
    );
  }
  if (s.additionalProperties === false || s.unevaluatedProperties === false) {
    const extra = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'isAdmin', 'id', 'createdAt', '', 'ü'), fc.string({ maxLength: 8 }));
    out.push(
      fc
        .tuple(
          whole,
          extra.filter((k) => !(k in ps)),
          fc.jsonValue({ maxDepth: 1 }),
        )
        // A computed key makes an own property, even `__proto__`, which JSON.stringify then sends.
        .map(([o, k, v]) => ({ ...o, [k]: v })),
    );
  }
  const minProps = num(s.minProperties);
  if (minProps !== undefined && minProps > 0 && required.length === 0) out.push(fc.constant({}));
  if (ctx.depth < MAX_DEPTH) {
    const bad = Object.entries(ps)
      .map(([k, sub]) => [k, invalidOptions(sub, { ...ctx, name: k, depth: ctx.depth + 1 })] as const)
      .filter(([, options]) => options.length > 0)
      .map(([k, options]) => fc.tuple(fc.constant(k), fc.oneof(...options)));
    if (bad.length) out.push(fc.tuple(whole, fc.oneof(...bad)).map(([o, [k, v]]) => ({ ...o, [k]: v })));
  }
  return out;
}

/** JSON nested `depth` levels deep (arrays in arrays): must be refused, never overflow a recursive walk. */
export function deeplyNested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}
