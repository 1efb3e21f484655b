import fc from 'fast-check';
import { loadOpenApi, type OpenApiDocument } from '../../src/platform/http/openapi';
import { fuzzOperations } from './operations';
import { contractAjv } from './oracle';
import { exampleArb, invalidArb, validArb, type JsonSchema } from './schema-arbitraries';

// The fuzz suite's generators, checked against the schemas they are built from (ajv, the contract's formats): what
// they call valid the contract accepts, what they call invalid it refuses. Otherwise a "valid" request could be
// refused for the generator's own mistake, and an "invalid" one could be accepted without anyone noticing.

let schemas: { where: string; schema: JsonSchema; examples: unknown[] }[];
beforeAll(async () => {
  const { dereferenced } = await loadOpenApi(`${__dirname}/../../openapi/openapi.yaml`);
  schemas = requestSchemas(dereferenced);
});

function requestSchemas(doc: OpenApiDocument): { where: string; schema: JsonSchema; examples: unknown[] }[] {
  return fuzzOperations(doc).flatMap((op) => [
    ...op.parameters.map((p) => ({ where: `${op.operationId} ${p.in} ${p.name}`, schema: p.schema, examples: [] })),
    ...Object.entries(op.requestBody?.content ?? {}).map(([media, mt]) => ({
      where: `${op.operationId} body ${media}`,
      schema: mt.schema,
      examples: mt.examples,
    })),
  ]);
}

const SEED = 7;
const RUNS = 60;

it('when values are generated as valid for every request schema of the contract, then the schema accepts every one', () => {
  const ajv = contractAjv();
  const wrong: string[] = [];
  for (const s of schemas) {
    const validate = ajv.compile(s.schema);
    for (const v of fc.sample(validArb(s.schema), { seed: SEED, numRuns: RUNS })) {
      if (!validate(v)) wrong.push(`${s.where}: ${JSON.stringify(v)?.slice(0, 200)} (${ajv.errorsText(validate.errors)})`);
    }
    for (const ex of s.examples) {
      for (const v of fc.sample(exampleArb(s.schema, ex), { seed: SEED, numRuns: RUNS })) {
        if (!validate(v))
          wrong.push(`${s.where} from an example: ${JSON.stringify(v)?.slice(0, 200)} (${ajv.errorsText(validate.errors)})`);
      }
    }
  }
  expect(schemas.length).toBeGreaterThan(40);
  expect(wrong.slice(0, 20)).toEqual([]);
});

it('when values are generated as invalid for every request schema that refuses anything, then the schema refuses every one', () => {
  const ajv = contractAjv();
  const wrong: string[] = [];
  let checked = 0;
  for (const s of schemas) {
    const validate = ajv.compile(s.schema);
    for (const v of fc.sample(invalidArb(s.schema), { seed: SEED, numRuns: RUNS })) {
      if (typeof v === 'symbol') continue; // the schema accepts anything: nothing to break
      checked += 1;
      if (validate(v)) wrong.push(`${s.where}: ${JSON.stringify(v)?.slice(0, 200)}`);
    }
  }
  expect(checked).toBeGreaterThan(1000);
  expect(wrong.slice(0, 20)).toEqual([]);
});
