import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger';

/**
 * Everything a request carries through the layers below the route: its id,
 * its child logger and (once authenticated) the principal. Services and
 * repositories read it instead of taking `req`.
 */
interface RequestContext {
  requestId: string;
  log: Logger;
  /** Set by authentication; the access module gives it a type. */
  principal?: unknown;
  /** The contract's path template, when a step before the OpenAPI validator matched it (e.g. /v1/panels/{panelId}). */
  route?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

function runWithContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/**
 * A caller's X-Request-Id is kept only when it is an opaque id: a UUID
 * (8-4-4-4-12 hex) or a ULID (26 Crockford base-32 characters). The request id
 * is written to every log line and, for good, to the audit trail, so free text
 * (a name, an NHS number, something to inject into a log) is replaced by a
 * generated UUID.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/i;

function isOpaqueRequestId(id: string): boolean {
  return UUID.test(id) || ULID.test(id);
}

/** Health probes are polled every few seconds: logged at debug, so they do not drown the request log. */
const PROBE_PATHS = new Set(['/health/live', '/health/ready']);

declare module 'express-serve-static-core' {
  interface Request {
    ctx: RequestContext;
  }
}

export function requestContext(rootLog: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && isOpaqueRequestId(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const ctx: RequestContext = { requestId, log: rootLog.child({ requestId }) };
    req.ctx = ctx;
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // Method, route template and status only: never the body, query or full URL,
      // which can carry personal data.
      // A successful health probe, every few seconds from an orchestrator, is noise at info.
      const level = res.statusCode < 300 && PROBE_PATHS.has(req.path) ? 'debug' : 'info';
      ctx.log[level](
        { method: req.method, route: routeTemplate(req), status: res.statusCode, durationMs: Math.round(ms * 10) / 10 },
        'request completed',
      );
    });
    runWithContext(ctx, next);
  };
}

/** The matched route template (e.g. /v1/panels/{panelId}), never the concrete URL. */
export function routeTemplate(req: Request): string {
  const openapi = (req as Request & { openapi?: { openApiRoute?: string; expressRoute?: string } }).openapi;
  if (openapi?.openApiRoute) return openapi.openApiRoute;
  const route = req.route as { path?: string } | undefined;
  if (route?.path) return `${req.baseUrl}${route.path}`;
  return req.ctx?.route ?? 'unmatched';
}
