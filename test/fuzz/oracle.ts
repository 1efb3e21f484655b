import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { DataSource } from 'typeorm';
import { CONTRACT_FORMATS } from '../../src/platform/http/formats';
import type { FuzzOperation } from './operations';
import type { JsonSchema } from './schema-arbitraries';

/**
 * What every answer must be, whatever was sent:
 * - never 5xx;
 * - a status the operation documents, with a documented content type, and a
 *   body valid against the documented schema (2xx, 3xx and errors alike);
 * - every 4xx problem+json (unless the contract documents another type for
 *   it) with a `code`, at most MAX_ERROR_BYTES long;
 * - never 2xx to a caller without the operation's permission; on /v1, an
 *   anonymous caller gets 401 whatever it sent;
 * - the X-Request-Id echoed is opaque (never a caller's free text).
 * Plus, checked by the runner with `fingerprint`: a refused request writes nothing.
 */
export const MAX_ERROR_BYTES = 64 * 1024;

export interface Answer {
  status: number;
  contentType: string | undefined;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

export function contractAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true, allowUnionTypes: true, validateFormats: true });
  addFormats(ajv);
  // The contract's own calendar-checked date and date-time (src/platform/http/formats.ts).
  for (const [name, f] of Object.entries(CONTRACT_FORMATS)) ajv.addFormat(name, { type: 'string', validate: f.validate });
  return ajv;
}

/**
 * Refusals before any operation is matched (src/platform/http/http-server.ts), documented once in the
 * contract's description rather than on every operation.
 */
const PROBLEM = { content: { 'application/problem+json': {} } };
const TRANSPORT: Record<number, FuzzOperation['responses'][string]> = { 431: PROBLEM };

const OPAQUE_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-7][0-9A-HJKMNP-TV-Z]{25})$/i;

export class Oracle {
  private readonly ajv = contractAjv();
  private readonly compiled = new Map<JsonSchema, ValidateFunction>();

  /** Everything wrong with this answer; empty when it is as the contract says. */
  judge(op: FuzzOperation, principal: { name: string; permissions: ReadonlySet<string> }, a: Answer): string[] {
    const out: string[] = [];
    if (a.status >= 500) out.push(`${a.status} ${excerpt(a.text)}`);
    const documented =
      op.responses[String(a.status)] ?? op.responses[`${String(a.status)[0]}XX`] ?? op.responses.default ?? TRANSPORT[a.status];
    if (!documented) out.push(`status ${a.status} is not documented for ${op.operationId}`);
    const media = a.contentType?.split(';')[0]!.trim().toLowerCase();
    const content = documented?.content;
    if (content && a.text.length > 0) {
      const mt = media ? content[media] : undefined;
      if (!mt) out.push(`content type ${media ?? '(none)'} is not documented for ${a.status} (${Object.keys(content).join(', ')})`);
      else if (mt.schema && media && /json/.test(media)) out.push(...this.validate(mt.schema, a.text));
    }
    if (documented && !content && a.text.length > 0 && a.status !== 302 && a.status !== 303) {
      out.push(`${a.status} is documented without a body but one came (${a.text.length} bytes)`);
    }
    if (a.status >= 400 && a.status < 500) {
      const othersDocumented = content && !content['application/problem+json'] && media && content[media];
      if (media !== 'application/problem+json' && !othersDocumented)
        out.push(`${a.status} is ${media ?? 'untyped'}, not application/problem+json`);
      if (Buffer.byteLength(a.text) > MAX_ERROR_BYTES)
        out.push(`${a.status} body is ${Buffer.byteLength(a.text)} bytes (over ${MAX_ERROR_BYTES})`);
      if (media === 'application/problem+json') {
        const code = safeJson(a.text)?.code;
        if (typeof code !== 'string' || !code) out.push(`${a.status} problem without a code`);
      }
    }
    if (a.status >= 200 && a.status < 300 && op.permission && !principal.permissions.has(op.permission)) {
      out.push(`${a.status} to ${principal.name}, who lacks ${op.permission}`);
    }
    // (A request the HTTP parser refuses never reaches authentication: TRANSPORT.)
    if (op.path.startsWith('/v1/') && principal.name === 'anonymous' && a.status !== 401 && !TRANSPORT[a.status]) {
      out.push(`anonymous caller got ${a.status}, not 401`);
    }
    const rid = a.headers['x-request-id'];
    if (typeof rid !== 'string' || !OPAQUE_ID.test(rid)) out.push(`X-Request-Id ${excerpt(String(rid))} is not an opaque id`);
    return out;
  }

  private validate(schema: JsonSchema, text: string): string[] {
    const body = safeJson(text);
    if (body === undefined) return [`body is not JSON: ${excerpt(text)}`];
    let v = this.compiled.get(schema);
    if (!v) {
      v = this.ajv.compile(schema);
      this.compiled.set(schema, v);
    }
    return v(body) ? [] : [`body does not match the contract: ${this.ajv.errorsText(v.errors, { separator: '; ' }).slice(0, 500)}`];
  }
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export const excerpt = (s: string, n = 300): string => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

/**
 * Tables a refused request may legitimately write, left out of the
 * fingerprint: the audit trail records refusals on purpose (access denied,
 * refused sign-ins and token requests), the sealer links events into the
 * chain in the background, and rate limits count refused requests too (they
 * are off in this suite). Everything else (the directory, users, sessions,
 * cases and their rows, notifications, Idempotency-Keys, SAML requests and
 * assertions seen, client assertion ids, API clients) must be unchanged by any
 * 4xx.
 */
const MAY_CHANGE_ON_REFUSAL = ['audit_events', 'audit_chain', 'rate_limits', 'schema_migrations'];

/** A digest of every row of every other table: equal before and after means nothing was written. */
export async function fingerprinter(ds: DataSource): Promise<() => Promise<Record<string, string>>> {
  const rows: { tablename: string }[] = await ds.query(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND NOT (tablename = ANY($1)) ORDER BY tablename`,
    [MAY_CHANGE_ON_REFUSAL],
  );
  const sql = rows
    .map(
      (r) =>
        `SELECT '${r.tablename}' AS t, count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${r.tablename}" x`,
    )
    .join(' UNION ALL ');
  return async () => {
    const result: { t: string; n: number; h: string }[] = await ds.query(sql);
    return Object.fromEntries(result.map((r) => [r.t, `${r.n}:${r.h}`]));
  };
}

/** The tables whose digest differs. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);
}
