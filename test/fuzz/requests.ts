import fc from 'fast-check';
import type { FuzzOperation, MediaType, Parameter } from './operations';
import { deeplyNested, exampleArb, HOSTILE_TEXT, invalidArb, ODD_TEXT, validArb, type Hints } from './schema-arbitraries';

/**
 * One generated request for an operation: valid in every part, or with one
 * defect (`intent` names it). Values that only exist at send time (the row's
 * current ETag, a freshly signed client assertion) are `Deferred` and
 * resolved by the runner just before the request goes out.
 */
export interface FuzzRequest {
  /** 'valid', or the part that was broken, e.g. 'body:schema', 'query:limit', 'header:If-Match'. */
  intent: string;
  pathParams: Record<string, PathValue>;
  /** [name, value] pairs; a value is sent percent-encoded unless it is `Raw`. */
  query: [string, string | Raw][];
  headers: Record<string, string | Deferred>;
  body?: Body;
}

export type Body =
  | { kind: 'json'; contentType: string | undefined; value: unknown }
  | { kind: 'form'; contentType: string | undefined; value: Record<string, unknown> }
  | { kind: 'raw'; contentType: string | undefined; text: string };

/** Sent as it is, not percent-encoded (broken escapes, encoded slashes, NUL, invalid UTF-8). */
export interface Raw {
  raw: string;
}
export type PathValue = string | Raw;

export type Deferred =
  | { deferred: 'current-etag' }
  | { deferred: 'stale-etag' }
  /** A client assertion for the seeded agency system, signed at send time, correct or with one claim wrong. */
  | { deferred: 'assertion'; variant: AssertionVariant };

export const ASSERTION_VARIANTS = [
  'good',
  'good',
  'good',
  'expired',
  'wrong-aud',
  'sub-differs',
  'long-lived',
  'unknown-kid',
  'alg-none',
  'replayed-jti',
  'unknown-client',
] as const;
export type AssertionVariant = (typeof ASSERTION_VARIANTS)[number];

export const isDeferred = (v: unknown): v is Deferred => typeof v === 'object' && v !== null && 'deferred' in v;
export const isRaw = (v: unknown): v is Raw => typeof v === 'object' && v !== null && 'raw' in v;

/** Path segments and query values that must be sent without encoding to mean what they are. */
const RAW_VALUES = ['%', '%E0%A4%A', '%00', '%ED%A0%80', '%FF%FE', '..%2F..%2Fetc%2Fpasswd', '%2e%2e', '%u0041', '%C0%AF'];

/** Personal data in a header that reaches the log (issue 10): it must never be echoed or kept. */
const REQUEST_IDS = [
  undefined,
  undefined,
  '6f1c1f0e-9c1a-4b7e-9d1e-2a7f7b8c9d0e',
  '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  'Amelia Hartley 943 476 5919',
  'x'.repeat(5000),
];

interface RequestOptions {
  hints: Hints;
  /** The body over the configured limit (BODY_LIMIT), for 413. */
  bodyLimitBytes: number;
}

/** Requests for `op`, about half valid in every part, the rest with one defect each. */
export function requestArb(op: FuzzOperation, o: RequestOptions): fc.Arbitrary<FuzzRequest> {
  const defects = defectsOf(op, o);
  const base = validRequest(op, o);
  const valid = base.map((r) => ({ ...r, intent: 'valid' }));
  if (!defects.length) return valid;
  return fc.oneof(
    { weight: 1, arbitrary: valid },
    {
      weight: 1,
      arbitrary: fc.oneof(...defects.map(([intent, arb]) => fc.tuple(base, arb).map(([r, mutate]) => mutate({ ...r, intent })))),
    },
  );
}

type Mutation = (r: FuzzRequest) => FuzzRequest;

function validRequest(op: FuzzOperation, o: RequestOptions): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const headerParams = op.parameters.filter((p) => p.in === 'header');
  const path = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, validParam(p, o)]))) as fc.Arbitrary<Record<string, string>>;
  const query = fc
    .tuple(
      ...queryParams.map((p) =>
        p.required
          ? validParam(p, o).map((v) => [p.name, v] as const)
          : fc.option(
              validParam(p, o).map((v) => [p.name, v] as const),
              { freq: 2 },
            ),
      ),
    )
    .map((pairs) => pairs.filter((x): x is readonly [string, unknown] => x !== null).flatMap(([k, v]) => queryPairs(k, v)));
  const headers = fc
    .tuple(
      ...headerParams.map((p) => validHeader(p, o).map((v) => [p.name, v] as const)),
      fc.constantFrom(...REQUEST_IDS).map((v) => ['X-Request-Id', v] as const),
    )
    .map((pairs) => Object.fromEntries(pairs.filter(([, v]) => v !== undefined)) as Record<string, string | Deferred>);
  const body = op.requestBody ? validBody(op, o) : fc.constant(undefined);
  return fc.record({ intent: fc.constant('valid'), pathParams: path, query, headers, body });
}

function validParam(p: Parameter, o: RequestOptions): fc.Arbitrary<unknown> {
  return validArb(p.schema, o.hints, p.name);
}

function validHeader(p: Parameter, o: RequestOptions): fc.Arbitrary<string | Deferred | undefined> {
  switch (p.name.toLowerCase()) {
    case 'if-match':
      return fc.constant({ deferred: 'current-etag' });
    case 'idempotency-key':
      // Shared keys make replays (same body) and conflicts (another body) happen.
      return fc.oneof(
        fc.constant(undefined),
        fc.constantFrom('fuzz-shared-key-0001', 'fuzz-shared-key-0002'),
        validArb(p.schema, o.hints, p.name) as fc.Arbitrary<string>,
      );
    default:
      return p.required
        ? (validArb(p.schema, o.hints, p.name) as fc.Arbitrary<string>)
        : fc.option(validArb(p.schema, o.hints, p.name) as fc.Arbitrary<string>, { nil: undefined });
  }
}

/** A query value as the wire carries it: arrays repeat the name, objects use qs brackets (`a[b]=c`). */
function queryPairs(name: string, v: unknown): [string, string | Raw][] {
  if (Array.isArray(v)) return v.flatMap((item) => queryPairs(name, item));
  if (v !== null && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => queryPairs(`${name}[${k}]`, x));
  return [[name, v === null || v === undefined ? '' : String(v as string | number | boolean)]];
}

function validBody(op: FuzzOperation, o: RequestOptions): fc.Arbitrary<Body | undefined> {
  // Built once per media type (a chain would rebuild the arbitraries for every value drawn).
  return fc.oneof(
    ...Object.entries(op.requestBody!.content).map(([contentType, mt]) => {
      const kind = contentType.includes('x-www-form-urlencoded') ? 'form' : 'json';
      return bodyValue(mt, o).map((value) => ({ kind, contentType, value }) as Body);
    }),
  );
}

function bodyValue(mt: MediaType, o: RequestOptions): fc.Arbitrary<unknown> {
  const fromSchema = validArb(mt.schema, o.hints);
  if ((mt.schema.properties as Record<string, unknown> | undefined)?.client_assertion) {
    // The token endpoint: mostly an assertion signed for the seeded client at send time, right or wrong in one claim.
    const signed = fc
      .tuple(fromSchema, fc.constantFrom(...ASSERTION_VARIANTS))
      .map(([v, variant]) => ({ ...(v as object), client_assertion: { deferred: 'assertion', variant } satisfies Deferred }));
    return fc.oneof({ weight: 3, arbitrary: signed }, { weight: 1, arbitrary: fromSchema });
  }
  if (!mt.examples.length) return fromSchema;
  return fc.oneof(
    { weight: 3, arbitrary: fc.oneof(...mt.examples.map((ex) => exampleArb(mt.schema, ex, o.hints))) },
    { weight: 1, arbitrary: fromSchema },
  );
}

/** Every kind of defect this operation can carry, each a mutation of a valid request. */
function defectsOf(op: FuzzOperation, o: RequestOptions): [string, fc.Arbitrary<Mutation>][] {
  const out: [string, fc.Arbitrary<Mutation>][] = [];
  for (const p of op.parameters.filter((x) => x.in === 'path')) {
    // Never empty: `/v1/panels/` is another operation's URL (the list), not a bad panel id.
    const bad = fc.oneof(
      invalidArb(p.schema, o.hints, p.name)
        .map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? '')))
        .filter((v) => v !== ''),
      fc.constantFrom(...ODD_TEXT, ...HOSTILE_TEXT, 'x'.repeat(3000)),
      fc.constantFrom(...RAW_VALUES).map((raw) => ({ raw })),
    );
    out.push([`path:${p.name}`, bad.map((v) => (r) => ({ ...r, pathParams: { ...r.pathParams, [p.name]: v } }))]);
  }
  const query = op.parameters.filter((x) => x.in === 'query');
  for (const p of query) {
    const bad = fc.oneof(
      invalidArb(p.schema, o.hints, p.name).map((v) => queryPairs(p.name, v)),
      fc.constantFrom(...RAW_VALUES, '').map((raw) => [[p.name, { raw }]] as [string, string | Raw][]),
      fc.constantFrom(...HOSTILE_TEXT).map((t) => [[p.name, t]] as [string, string | Raw][]),
      // the same parameter twice, and as an object
      fc.constant([
        [p.name, '1'],
        [p.name, '2'],
      ] as [string, string | Raw][]),
      fc.constant([[`${p.name}[a]`, 'b']] as [string, string | Raw][]),
    );
    out.push([`query:${p.name}`, bad.map((pairs) => (r) => ({ ...r, query: [...r.query.filter(([k]) => k !== p.name), ...pairs] }))]);
  }
  out.push([
    'query:unknown',
    fc
      .tuple(fc.constantFrom('debug', 'admin', '__proto__[x]', 'constructor[prototype][x]', 'limit ', 'q'), fc.string({ maxLength: 8 }))
      .map(([k, v]) => (r) => ({ ...r, query: [...r.query, [k, v]] })),
  ]);
  for (const p of op.parameters.filter((x) => x.in === 'header')) {
    const name = p.name;
    const bad: fc.Arbitrary<string | Deferred | undefined> =
      name.toLowerCase() === 'if-match'
        ? fc.constantFrom<string | Deferred | undefined>(
            undefined,
            { deferred: 'stale-etag' },
            '*',
            'W/"v1"',
            '"v99999999999"',
            '"v-1"',
            'v1',
            '"x"'.repeat(60),
          )
        : fc.oneof(
            invalidArb(p.schema, o.hints, p.name).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
            fc.constantFrom(...ODD_TEXT.filter(isHeaderSafe)),
          );
    out.push([`header:${name}`, bad.map((v) => (r) => ({ ...r, headers: withHeader(r.headers, name, v) }))]);
  }
  if (op.requestBody) {
    for (const [contentType, mt] of Object.entries(op.requestBody.content)) {
      const kind = contentType.includes('x-www-form-urlencoded') ? 'form' : 'json';
      out.push([
        `body:schema`,
        invalidArb(mt.schema, o.hints).map((value) => (r) => ({
          ...r,
          body:
            kind === 'form' && value !== null && typeof value === 'object' && !Array.isArray(value)
              ? { kind: 'form', contentType, value: value as Record<string, unknown> }
              : { kind: 'json', contentType, value },
        })),
      ]);
    }
    const json = Object.keys(op.requestBody.content).find((c) => c.includes('json')) ?? Object.keys(op.requestBody.content)[0]!;
    if (op.requestBody.required) out.push(['body:missing', fc.constant((r) => ({ ...r, body: undefined }))]);
    out.push([
      'body:malformed',
      fc
        .constantFrom(
          '{',
          '{"a":',
          '[1,2',
          '{"a":1,}',
          "{'a':1}",
          'null',
          '"text"',
          '12',
          'NaN',
          '\uFEFF{}',
          '{"a":"\\ud800"}',
          '{"a":"\\u0000"}',
        )
        .map((text) => (r) => ({ ...r, body: { kind: 'raw', contentType: json, text } })),
    ]);
    out.push([
      'body:deep',
      fc
        .constantFrom(40, 1000, 10_000)
        .map((depth) => (r) => ({ ...r, body: { kind: 'raw', contentType: json, text: deeplyNested(depth) } })),
    ]);
    out.push([
      'body:huge',
      fc.constant((r) => ({
        ...r,
        body: { kind: 'raw', contentType: json, text: JSON.stringify({ padding: 'x'.repeat(o.bodyLimitBytes + 1) }) },
      })),
    ]);
    out.push([
      'body:content-type',
      fc
        .constantFrom(
          undefined,
          'text/plain',
          'application/xml',
          'multipart/form-data; boundary=x',
          'application/json; charset=latin1',
          'application/x-www-form-urlencoded',
          'application/json',
        )
        .map((contentType) => (r) => {
          if (!r.body || r.body.kind === 'raw') return r;
          const text =
            r.body.kind === 'form' ? new URLSearchParams(stringValues(r.body.value)).toString() : JSON.stringify(r.body.value ?? null);
          return { ...r, body: { kind: 'raw', contentType, text } };
        }),
    ]);
  } else {
    out.push([
      'body:unexpected',
      fc
        .constantFrom('{"a":1}', deeplyNested(10_000), 'not json')
        .map((text) => (r) => ({ ...r, body: { kind: 'raw', contentType: 'application/json', text } })),
    ]);
  }
  return out;
}

const isHeaderSafe = (v: string) => /^[\t\x20-\x7e]*$/.test(v);

function withHeader(
  h: Record<string, string | Deferred>,
  name: string,
  v: string | Deferred | undefined,
): Record<string, string | Deferred> {
  const out = { ...h };
  for (const k of Object.keys(out)) if (k.toLowerCase() === name.toLowerCase()) delete out[k];
  if (v !== undefined) out[name] = v;
  return out;
}

/** Form values as the wire carries them (objects and arrays as JSON text). */
export function stringValues(v: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? x : x === undefined ? '' : (JSON.stringify(x) ?? '')]),
  );
}

/** Header values must be latin-1 without control characters to be sent at all: others are dropped. */
export function sendableHeader(v: string): boolean {
  return /^[\t\x20-\x7e\x80-\xff]*$/.test(v);
}
