import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger';

/**
 * Everything a request carries through the layers below the route: its id,
 * its child logger and (once authenticated) the principal. Services and
 * repositories read it instead of taking `req`.
 */
export interface RequestContext {
  requestId: string;
  log: Logger;
  /** Set by authentication; the access module gives it a type. */
  principal?: unknown;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

export function runWithContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

// A caller-supplied id is kept only when it is short and plain, so it cannot
// inject into logs or headers.
const PROBE_PATHS = new Set(['/health/live', '/health/ready']);

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

declare module 'express-serve-static-core' {
  interface Request {
    ctx: RequestContext;
  }
}

export function requestContext(rootLog: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
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
  return 'unmatched';
}
