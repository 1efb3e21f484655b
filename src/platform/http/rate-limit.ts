import { createHash } from 'node:crypto';
import net from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Pool } from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from './problem';

/** The table of migration RateLimits; the library never creates it. */
const RATE_LIMIT_TABLE = 'rate_limits';

interface RateLimitRule {
  /** Stable name, part of the stored key (e.g. `token-client`). */
  name: string;
  /** Requests allowed per window; 0: no limit. */
  points: number;
  windowS: number;
  /** Who is counted: a client id, an address… Undefined: this rule does not apply to the request. */
  key(req: Request): string | undefined;
}

/**
 * Rate limits held in PostgreSQL (rate-limiter-flexible's PostgreSQL store on
 * the service's pool), so every instance counts against the same budget. Each
 * rule costs one upsert per request it applies to. A request over any limit
 * gets 429 RATE_LIMIT.EXCEEDED with Retry-After; a store that cannot be reached
 * fails the request as the database being unavailable would (503).
 *
 * Keys are stored as SHA-256 digests: a caller-chosen client id never lands in
 * the table as text.
 */
export function rateLimit(pool: Pool, rules: readonly RateLimitRule[]): RequestHandler {
  const active = rules
    .filter((r) => r.points > 0)
    .map((rule) => ({
      rule,
      limiter: new RateLimiterPostgres({
        storeClient: pool,
        storeType: 'pool',
        tableName: RATE_LIMIT_TABLE,
        tableCreated: true,
        // Expired rows are purged by the service's housekeeping (purgeRateLimits), not by a timer per limiter.
        clearExpiredByTimeout: false,
        keyPrefix: rule.name,
        points: rule.points,
        duration: rule.windowS,
      }),
    }));
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!active.length) return next();
    const consumed = active.flatMap(({ rule, limiter }) => {
      const key = rule.key(req);
      return key === undefined ? [] : [limiter.consume(digest(key))];
    });
    Promise.allSettled(consumed).then((results) => {
      let retryAfterMs = 0;
      for (const r of results) {
        if (r.status === 'fulfilled') continue;
        // The library rejects with RateLimiterRes when the limit is reached, with an Error when its store fails.
        if (!(r.reason instanceof RateLimiterRes)) return next(r.reason);
        retryAfterMs = Math.max(retryAfterMs, r.reason.msBeforeNext);
      }
      if (retryAfterMs === 0) return next();
      const retryAfterS = Math.max(1, Math.ceil(retryAfterMs / 1000));
      next(
        new AppError({
          status: 429,
          code: 'RATE_LIMIT.EXCEEDED',
          title: 'Too many requests',
          detail: `Too many requests from this client or address. Try again in ${retryAfterS} s.`,
          headers: { 'Retry-After': String(retryAfterS) },
        }),
      );
    }, next);
  };
}

function digest(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}

/**
 * The caller's network address as Express resolves it (TRUST_PROXY decides
 * whether X-Forwarded-For counts), with an IPv6 address cut to its /64: one
 * host usually holds a whole /64, so counting single IPv6 addresses would let
 * it take a fresh budget per request.
 */
export function clientAddress(req: Request): string {
  const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1]!;
  if (!net.isIPv6(ip)) return ip;
  return `${expandIpv6(ip).slice(0, 4).join(':')}::/64`;
}

function expandIpv6(ip: string): string[] {
  const [head = '', tail] = ip.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}

/** Housekeeping: counters whose window ended over an hour ago. */
export async function purgeRateLimits(pool: Pool): Promise<number> {
  const r = await pool.query(`DELETE FROM ${RATE_LIMIT_TABLE} WHERE expire < $1`, [Date.now() - 3_600_000]);
  return r.rowCount ?? 0;
}
