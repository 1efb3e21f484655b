import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { goodClaims, signAssertion, unsecuredJwt } from '../support/api-clients';
import type { FuzzOperation } from './operations';
import { changedTables, excerpt, type Answer, type Oracle } from './oracle';
import {
  type ASSERTION_VARIANTS,
  isDeferred,
  isRaw,
  requestArb,
  sendableHeader,
  stringValues,
  type Deferred,
  type FuzzRequest,
} from './requests';
import type { FuzzPrincipal, World } from './world';

export interface RunContext {
  server: Server;
  ds: DataSource;
  world: World;
  oracle: Oracle;
  fingerprint: () => Promise<Record<string, string>>;
  tokenUrl: string;
  bodyLimitBytes: number;
  /** What the service logged at error level since the last call (the cause of a 500). */
  errorsLogged: () => string[];
}

export interface OperationResult {
  operationId: string;
  cases: number;
  valid: number;
  statuses: Record<number, number>;
  fiveXx: number;
  /** The callers the cases were sent as. */
  callers: Set<string>;
  violations: string[];
}

/** A 31-bit seed for one operation, so each operation's cases do not depend on the others'. */
function operationSeed(seed: number, operationId: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (const ch of operationId) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return (h >>> 0) & 0x7fffffff;
}

/**
 * The callers of case `i`: even cases go to callers who hold the operation's
 * permission (so requests get past 403 into the use case), odd ones to every
 * caller in turn, anonymous included, so each of them is tried on every
 * operation at 16 cases or more.
 */
function principalFor(i: number, op: FuzzOperation, all: readonly FuzzPrincipal[]): FuzzPrincipal {
  const permitted = op.permission ? all.filter((p) => p.permissions.has(op.permission!)) : all;
  const pool = i % 2 === 0 && permitted.length ? permitted : all;
  return pool[Math.floor(i / 2) % pool.length]!;
}

export async function runOperation(ctx: RunContext, op: FuzzOperation, runs: number, seed: number): Promise<OperationResult> {
  const arb = requestArb(op, { hints: ctx.world.hints, bodyLimitBytes: ctx.bodyLimitBytes });
  const cases = fc.sample(arb, { seed: operationSeed(seed, op.operationId), numRuns: runs });
  const result: OperationResult = {
    operationId: op.operationId,
    cases: 0,
    valid: 0,
    statuses: {},
    fiveXx: 0,
    violations: [],
    callers: new Set(),
  };
  let before = await ctx.fingerprint();
  for (const [i, c] of cases.entries()) {
    const who = principalFor(i, op, ctx.world.principals);
    const sent = await resolve(ctx, op, c);
    const answer = await send(ctx, sent, who);
    result.cases += 1;
    result.callers.add(who.name);
    if (c.intent === 'valid') result.valid += 1;
    result.statuses[answer.status] = (result.statuses[answer.status] ?? 0) + 1;
    if (answer.status >= 500) result.fiveXx += 1;
    const logged = ctx.errorsLogged();
    const problems = ctx.oracle.judge(op, who, answer);
    const after = await ctx.fingerprint();
    if (answer.status >= 400 && answer.status < 500) {
      const changed = changedTables(before, after);
      if (changed.length) problems.push(`refused with ${answer.status} but wrote to ${changed.join(', ')}`);
    }
    before = after;
    if (answer.status >= 500 && logged.length) problems.push(`logged: ${logged.map(errorOf).join(' / ')}`);
    for (const p of problems) {
      result.violations.push(
        `${op.operationId} case ${i} (${c.intent}, as ${who.name}) ${sent.method.toUpperCase()} ${excerpt(sent.url, 200)}` +
          `${sent.body ? ` [${sent.contentType ?? 'no content type'}, ${sent.body.length} bytes]` : ''} → ${answer.status}: ${p}`,
      );
    }
  }
  return result;
}

/** The error message and first stack frames of a logged line (never the request: the log holds no personal data). */
function errorOf(line: string): string {
  try {
    const l = JSON.parse(line) as { msg?: string; err?: { message?: string; stack?: string } };
    return `${l.msg}: ${l.err?.message ?? ''} ${(l.err?.stack ?? '').split('\n').slice(1, 4).join(' ').replace(/\s+/g, ' ')}`;
  } catch {
    return excerpt(line, 200);
  }
}

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  contentType: string | undefined;
  body: Buffer | undefined;
}

/** Turns a generated request into bytes on the wire, resolving what only exists now (ETags, signed assertions). */
async function resolve(ctx: RunContext, op: FuzzOperation, r: FuzzRequest): Promise<Sent> {
  const enc = (v: string | { raw: string }) => (isRaw(v) ? v.raw : percentEncode(v));
  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const v = r.pathParams[name];
    return v === undefined ? '' : enc(isRaw(v) ? v : String(v));
  });
  const qs = r.query.map(([k, v]) => `${percentEncode(k)}=${enc(v)}`).join('&');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) {
    const value = isDeferred(v) ? await deferredValue(ctx, op, r, v) : v;
    if (sendableHeader(value)) headers[k] = value;
  }
  let body: Buffer | undefined;
  let contentType: string | undefined;
  if (r.body) {
    contentType = r.body.contentType;
    if (r.body.kind === 'raw') body = Buffer.from(r.body.text, 'utf8');
    else {
      const value = await resolveDeep(ctx, op, r, r.body.value);
      body = Buffer.from(
        r.body.kind === 'form'
          ? new URLSearchParams(stringValues(value as Record<string, unknown>)).toString()
          : (JSON.stringify(value) ?? 'null'),
        'utf8',
      );
    }
  }
  return { method: op.method, url: qs ? `${path}?${qs}` : path, headers, contentType, body };
}

async function resolveDeep(ctx: RunContext, op: FuzzOperation, r: FuzzRequest, v: unknown): Promise<unknown> {
  if (isDeferred(v)) return deferredValue(ctx, op, r, v);
  if (Array.isArray(v)) return Promise.all(v.map((x) => resolveDeep(ctx, op, r, x)));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = await resolveDeep(ctx, op, r, x);
    return out;
  }
  return v;
}

/**
 * encodeURIComponent, except that a lone surrogate (which it refuses) is sent
 * as the three bytes it would have in WTF-8 (`%ED%A0%80`): invalid UTF-8 on
 * the wire, which is exactly what such a caller sends.
 */
function percentEncode(v: string): string {
  return v.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]|[^]/g, (ch) => {
    if (ch.length === 2 || !/[\uD800-\uDFFF]/.test(ch)) return encodeURIComponent(ch);
    const c = ch.charCodeAt(0);
    return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
  });
}

/** The table behind a path parameter (`caseId` → cases), for If-Match. */
const TABLES: Record<string, string> = { panelId: 'panels', agencyId: 'agencies', userId: 'users', caseId: 'cases' };

async function deferredValue(ctx: RunContext, op: FuzzOperation, r: FuzzRequest, d: Deferred): Promise<string> {
  switch (d.deferred) {
    case 'current-etag':
    case 'stale-etag': {
      const [param, table] = Object.entries(TABLES).find(([p]) => p in r.pathParams) ?? [];
      const id = param ? r.pathParams[param] : undefined;
      let version = 1;
      if (table && typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id)) {
        const rows: { version: number }[] = await ctx.ds.query(`SELECT version FROM "${table}" WHERE id = $1`, [id]);
        version = rows[0]?.version ?? 1;
      }
      return `"v${d.deferred === 'current-etag' ? version : version - 1}"`;
    }
    case 'assertion':
      return assertion(ctx, d.variant);
  }
}

let replayable: string | undefined;

async function assertion(ctx: RunContext, variant: (typeof ASSERTION_VARIANTS)[number]): Promise<string> {
  const { client } = ctx.world;
  const header = { alg: 'ES256', kid: client.kid, typ: 'JWT' };
  const now = Math.floor(Date.now() / 1000);
  const sign = (claims: Parameters<typeof goodClaims>[2] = {}, h: typeof header = header) =>
    signAssertion({ key: client.signingKey, header: h, claims: goodClaims(client.clientId, ctx.tokenUrl, claims) });
  switch (variant) {
    case 'good':
      return (replayable = await sign());
    case 'replayed-jti':
      return replayable ?? sign({ jti: 'fuzz-replayed' });
    case 'expired':
      return sign({ iat: now - 900, exp: now - 600 });
    case 'wrong-aud':
      return sign({ aud: 'https://elsewhere.example/oauth2/token' });
    case 'sub-differs':
      return sign({ sub: `${client.clientId}-x` });
    case 'long-lived':
      return sign({ exp: now + 86_400 });
    case 'unknown-kid':
      return sign({}, { ...header, kid: randomUUID() });
    case 'alg-none':
      return unsecuredJwt({ alg: 'none', typ: 'JWT' }, goodClaims(client.clientId, ctx.tokenUrl));
    case 'unknown-client':
      return sign({ iss: 'rwp-0000000000', sub: 'rwp-0000000000' });
  }
}

async function send(ctx: RunContext, s: Sent, who: FuzzPrincipal): Promise<Answer> {
  const agent = request(ctx.server);
  let req = (agent as unknown as Record<string, (url: string) => request.Test>)[s.method]!.call(agent, s.url);
  for (const [k, v] of Object.entries({ ...s.headers, ...who.headers })) req = req.set(k, v);
  if (s.contentType !== undefined) req = req.set('Content-Type', s.contentType);
  // Redirects are answers to judge, not to follow; every body is kept as text.
  req = req
    .redirects(0)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
    });
  // A string is sent as it is under the Content-Type set; superagent would serialise a Buffer by that type
  // (a form of one field per byte), so a Buffer goes only where there is no Content-Type at all.
  const res = s.body ? await req.send(s.contentType === undefined ? s.body : s.body.toString('utf8')) : await req;
  return {
    status: res.status,
    contentType: res.headers['content-type'] as string | undefined,
    text: typeof res.body === 'string' ? res.body : '',
    headers: res.headers as Answer['headers'],
  };
}
