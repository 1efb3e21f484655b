import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { loadOpenApi, operations, type OpenApiDocument } from '../../src/platform/http/openapi';
import { parseNhsNumber } from '../../src/modules/notifications/nhs-number';

// Every request body and every response in the contract carries at least one
// realistic example (Swagger UI pre-fills "Try it out" with it, and
// integrators copy it), and every example is valid against its own schema:
// JSON Schema 2020-12 as OpenAPI 3.1 uses it, ajv in strict mode, formats
// checked. NHS numbers in examples pass the Modulus 11 check.

interface MediaType {
  schema?: unknown;
  example?: unknown;
  examples?: Record<string, { value?: unknown; summary?: string }>;
}
interface Found {
  where: string;
  schema: unknown;
  examples: { name: string; value: unknown }[];
}

let doc: OpenApiDocument;
let found: Found[];

function mediaTypesOf(o: { path: string; method: string; op: Record<string, unknown> }): Found[] {
  const out: Found[] = [];
  const collect = (label: string, content: Record<string, MediaType> | undefined) => {
    for (const [media, mt] of Object.entries(content ?? {})) {
      const examples = [
        ...(mt.example !== undefined ? [{ name: 'example', value: mt.example }] : []),
        ...Object.entries(mt.examples ?? {}).map(([name, ex]) => ({ name, value: ex.value })),
      ];
      out.push({ where: `${o.method.toUpperCase()} ${o.path} ${label} ${media}`, schema: mt.schema, examples });
    }
  };
  collect('request', (o.op.requestBody as { content?: Record<string, MediaType> } | undefined)?.content);
  for (const [status, r] of Object.entries((o.op.responses ?? {}) as Record<string, { content?: Record<string, MediaType> }>)) {
    collect(status, r.content);
  }
  return out;
}

beforeAll(async () => {
  ({ dereferenced: doc } = await loadOpenApi(`${__dirname}/../../openapi/openapi.yaml`));
  found = operations(doc).flatMap(mediaTypesOf);
});

function strictAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true, validateFormats: true });
  addFormats(ajv);
  // OpenAPI's own schema keywords (annotations for the validator's purposes).
  ajv.addKeyword({ keyword: 'example' });
  ajv.addKeyword({ keyword: 'discriminator' });
  ajv.addKeyword({ keyword: 'xml' });
  ajv.addKeyword({ keyword: 'externalDocs' });
  return ajv;
}

it('when the contract is read, then every request body and response has at least one example', () => {
  expect(found.length).toBeGreaterThan(100);
  expect(found.filter((f) => f.examples.length === 0).map((f) => f.where)).toEqual([]);
});

it('when each example is validated against its own schema (ajv strict, formats), then every one is valid', () => {
  const ajv = strictAjv();
  const invalid: string[] = [];
  let checked = 0;
  for (const f of found) {
    if (f.schema === undefined) continue;
    const validate = ajv.compile(f.schema as object);
    for (const ex of f.examples) {
      checked += 1;
      if (!validate(ex.value)) invalid.push(`${f.where} [${ex.name}]: ${ajv.errorsText(validate.errors)}`);
    }
  }
  expect(invalid).toEqual([]);
  expect(checked).toBeGreaterThan(100);
});

it('when an example is wrong, then the same check finds it (the check can fail)', () => {
  const ajv = strictAjv();
  const create = found.find((f) => f.where === 'POST /v1/notifications request application/json')!;
  const good = structuredClone(create.examples[0]!.value) as { child: Record<string, unknown> };
  expect(ajv.validate(create.schema as object, good)).toBe(true);
  // What Swagger UI generated from the schema before there were examples: both fields, and "string".
  good.child.nhsNumberExceptionReason = 'string';
  expect(ajv.validate(create.schema as object, good)).toBe(false);
  const agency = found.find((f) => f.where === 'GET /v1/agencies/{agencyId} 200 application/json')!;
  const badDate = { ...(agency.examples[0]!.value as object), createdAt: '30/11/2026' };
  expect(ajv.validate(agency.schema as object, badDate)).toBe(false);
});

it('when examples carry NHS numbers, then each is a valid (Modulus 11) test number, never a made-up invalid one', () => {
  const numbers: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'nhsNumber' && typeof x === 'string') numbers.push(x);
        else walk(x);
      }
    }
  };
  for (const f of found) for (const ex of f.examples) walk(ex.value);
  expect(numbers.length).toBeGreaterThan(0);
  expect(numbers.filter((n) => !parseNhsNumber(n).ok)).toEqual([]);
});
