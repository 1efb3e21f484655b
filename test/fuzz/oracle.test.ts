import type { DataSource } from 'typeorm';
import { openTestDataSource, truncateAll } from '../support/db';
import type { FuzzOperation } from './operations';
import { changedTables, fingerprinter, MAX_ERROR_BYTES, Oracle, type Answer } from './oracle';

// The fuzz suite's judge (oracle.ts), on answers made up to break each rule once: a judge that passes everything
// would make the fuzz suite pass whatever the service did.

const op: FuzzOperation = {
  operationId: 'getThing',
  method: 'get',
  path: '/v1/things/{thingId}',
  permission: 'cases:read',
  public: false,
  parameters: [],
  responses: {
    '200': {
      content: {
        'application/json': {
          schema: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } }, additionalProperties: false },
        },
      },
    },
    '401': { content: { 'application/problem+json': { schema: { type: 'object', required: ['code'] } } } },
    '404': { content: { 'application/problem+json': { schema: { type: 'object', required: ['code'] } } } },
  },
};
const reader = { name: 'panel_member', permissions: new Set(['cases:read']) };
const RID = '6f1c1f0e-9c1a-4b7e-9d1e-2a7f7b8c9d0e';
const answer = (over: Partial<Answer>): Answer => ({
  status: 200,
  contentType: 'application/json; charset=utf-8',
  text: JSON.stringify({ id: RID }),
  headers: { 'x-request-id': RID },
  ...over,
});
const problem = (status: number, extra: Record<string, unknown> = {}) =>
  answer({ status, contentType: 'application/problem+json', text: JSON.stringify({ code: 'X.Y', status, ...extra }) });

const judge = (a: Answer, who = reader) => new Oracle().judge(op, who, a);

it('when the answer is as the contract says, then the judge finds nothing', () => {
  expect(judge(answer({}))).toEqual([]);
  expect(judge(problem(404))).toEqual([]);
});

it.each([
  ['a 5xx', problem(500), /^500/],
  ['an undocumented status', problem(409), /409 is not documented/],
  ['a 2xx off the schema', answer({ text: JSON.stringify({ id: 'not-a-uuid', extra: 1 }) }), /does not match the contract/],
  ['an undocumented content type', answer({ contentType: 'text/html', text: '<p>' }), /content type text\/html is not documented/],
  ['a 4xx that is not problem+json', answer({ status: 404, contentType: 'text/html', text: 'no' }), /not application\/problem\+json/],
  ['a 4xx without a code', answer({ status: 404, contentType: 'application/problem+json', text: '{"status":404}' }), /without a code/],
  ['a 4xx over the size bound', problem(404, { detail: 'x'.repeat(MAX_ERROR_BYTES) }), /bytes \(over/],
  ["the caller's text as request id", answer({ headers: { 'x-request-id': 'Amelia Hartley' } }), /not an opaque id/],
])('when the answer is %s, then the judge says so', (_what, a, expected) => {
  expect(judge(a)).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
});

it('when a caller without the permission gets 2xx, or an anonymous /v1 caller anything but 401, then the judge says so', () => {
  expect(judge(answer({}), { name: 'auditor', permissions: new Set(['audit:read']) })).toEqual([
    expect.stringMatching(/to auditor, who lacks cases:read/),
  ]);
  expect(judge(problem(404), { name: 'anonymous', permissions: new Set() })).toEqual([expect.stringMatching(/anonymous caller got 404/)]);
  expect(judge(problem(401), { name: 'anonymous', permissions: new Set() })).toEqual([]);
});

describe('the write detector', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = await openTestDataSource();
    await truncateAll(ds);
  });
  afterAll(() => ds.destroy());

  it('when a row is inserted, updated or deleted, then its table is named; audit rows are not', async () => {
    const fingerprint = await fingerprinter(ds);
    const before = await fingerprint();
    await ds.query(`INSERT INTO agencies (name, type) VALUES ('West Mercia Police', 'police')`);
    const inserted = await fingerprint();
    expect(changedTables(before, inserted)).toEqual(['agencies']);
    await ds.query(`UPDATE agencies SET name = 'West Mercia Constabulary'`);
    const updated = await fingerprint();
    expect(changedTables(inserted, updated)).toEqual(['agencies']);
    await ds.query(`DELETE FROM agencies`);
    expect(changedTables(updated, await fingerprint())).toEqual(['agencies']);
    expect(Object.keys(before)).not.toContain('audit_events');
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['cases', 'notifications', 'idempotency_keys', 'user_sessions']));
  });
});

it('when the HTTP parser refused an anonymous request (431, before any operation), then that is not held against authentication', () => {
  const refused = answer({
    status: 431,
    contentType: 'application/problem+json',
    text: JSON.stringify({ code: 'REQUEST.HEADERS_TOO_LARGE', status: 431 }),
  });
  expect(judge(refused, { name: 'anonymous', permissions: new Set() })).toEqual([]);
  expect(judge({ ...refused, contentType: undefined, text: '' }, { name: 'anonymous', permissions: new Set() })).toEqual([
    expect.stringMatching(/431 is untyped/),
  ]);
});
