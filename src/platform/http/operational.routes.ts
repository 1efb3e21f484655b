import { timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { Router, type Request, type RequestHandler } from 'express';
import pg, { type Pool } from 'pg';
// Only the assets' folder: the package's index also loads the whole UI bundle into the server (~0.4 s at start).
import getSwaggerUiDistPath from 'swagger-ui-dist/absolute-path.js';
import type { DataSource } from 'typeorm';
import { poolOf } from '../db/data-source';
import { connectionOf } from '../db/listener';
import type { Metrics } from './metrics';
import type { OpenApiDocument } from './openapi';
import { unauthorized } from './problem';

const READY_TIMEOUT_MS = 2000;

/**
 * Who may read /metrics on the API port: anyone (`open`, development and
 * tests), holders of a bearer token (`token`), or nobody (`off`: metrics are
 * on a port of their own, or production without a token).
 */
export type MetricsAccess = { mode: 'open' } | { mode: 'token'; token: string } | { mode: 'off' };

/** Probes, metrics and the contract itself: public (metrics as `metricsAccess` says), mounted before authentication. */
export function operationalRouter(deps: {
  dataSource: DataSource;
  metrics: Metrics;
  openapi: OpenApiDocument;
  metricsAccess: MetricsAccess;
}): Router {
  const router = Router();

  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/health/ready', async (_req, res) => {
    const started = performance.now();
    const ok = await pingDatabase(deps.dataSource);
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const status = ok ? 'ok' : 'unavailable';
    res.status(ok ? 200 : 503).json({ status, checks: { database: { status, latencyMs } } });
  });

  const access = deps.metricsAccess;
  if (access.mode !== 'off') {
    router.get('/metrics', ...(access.mode === 'token' ? [requireBearer(access.token)] : []), metricsHandler(deps.metrics));
  }

  const specJson = JSON.stringify(deps.openapi);
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(specJson);
  });

  mountDocs(router);
  return router;
}

/** The Prometheus text exposition of the registry. */
function metricsHandler(metrics: Metrics): RequestHandler {
  return async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  };
}

function requireBearer(token: string): RequestHandler {
  const expected = Buffer.from(`Bearer ${token}`);
  return (req: Request, res, next) => {
    const sent = Buffer.from(req.get('authorization') ?? '');
    if (sent.length === expected.length && timingSafeEqual(sent, expected)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
    next(unauthorized('Send the metrics token as a bearer token.', 'AUTH.UNAUTHENTICATED'));
  };
}

/**
 * Ready means a request arriving now could get a connection and run a
 * statement: a query through the pool (as requests do, so a pool whose
 * connections are all held, or a server that does not answer, fails it within
 * READY_TIMEOUT_MS) and, while the pool could still grow, a connection of its
 * own (so a server out of connection slots, 53300, or a role at its
 * CONNECTION LIMIT, is not ready even while one idle pooled connection still
 * answers).
 */
async function pingDatabase(ds: DataSource): Promise<boolean> {
  const pool = poolOf(ds);
  try {
    await withTimeout(ds.query('SELECT 1'), READY_TIMEOUT_MS);
    if (pool.totalCount < (pool.options.max ?? 10)) await withTimeout(freshConnectionWorks(pool), READY_TIMEOUT_MS);
    return true;
  } catch {
    return false;
  }
}

async function freshConnectionWorks(pool: Pool): Promise<void> {
  const connection = connectionOf(pool);
  const client = new pg.Client({
    ...connection,
    connectionTimeoutMillis: Math.min(connection.connectionTimeoutMillis || READY_TIMEOUT_MS, READY_TIMEOUT_MS),
    application_name: `${connection.application_name ?? 'node'}:ready`.slice(0, 63),
  });
  // A connection refused or dropped emits 'error' as well as rejecting: without a listener that would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  work.catch(() => undefined); // a rejection after the timeout won
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('readiness check timed out')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Swagger UI from the swagger-ui-dist package: served locally, no CDN. */
function mountDocs(router: Router): void {
  const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>CDOP case management API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" sizes="32x32" href="/docs/favicon-32x32.png">
  <link rel="icon" type="image/png" sizes="16x16" href="/docs/favicon-16x16.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;
  // Our own initializer, as a file, so the Content-Security-Policy needs no inline script.
  // "Try it out" with a session: the browser sends the cookie by itself, but every state-changing
  // request made with a session must also carry the session's CSRF token (403 AUTH.CSRF otherwise).
  // The request interceptor asks /v1/me for the current token just before each such request (it
  // changes at every sign-in), unless the request carries an Authorization header (a pasted
  // bearer token, which is not a session request and needs none).
  const init = `(function () {
  var UNSAFE = { POST: 1, PUT: 1, PATCH: 1, DELETE: 1 };
  function hasAuthorization(headers) {
    return Object.keys(headers || {}).some(function (h) { return h.toLowerCase() === 'authorization'; });
  }
  function currentCsrfToken() {
    return fetch('/v1/me', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (me) { return (me && me.csrfToken) || null; })
      .catch(function () { return null; });
  }
  window.ui = SwaggerUIBundle({
    url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout',
    validatorUrl: null, withCredentials: true,
    requestInterceptor: function (req) {
      if (!UNSAFE[String(req.method || 'GET').toUpperCase()] || hasAuthorization(req.headers)) return req;
      return currentCsrfToken().then(function (token) {
        if (token) req.headers['X-CSRF-Token'] = token;
        return req;
      });
    }
  });
})();`;
  router.get('/docs', (_req, res) => {
    res.type('html').send(page);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(init);
  });
  // Only the UI assets; the package's own index.html and petstore initializer are not served.
  const assets = new Set([
    'swagger-ui.css',
    'swagger-ui-bundle.js',
    'swagger-ui-standalone-preset.js',
    'favicon-32x32.png',
    'favicon-16x16.png',
  ]);
  const dir = getSwaggerUiDistPath();
  router.get('/docs/:asset', (req, res, next) => {
    const asset = String(req.params.asset);
    if (!assets.has(asset)) return next();
    res.sendFile(path.join(dir, asset), { maxAge: '1h' });
  });
}
