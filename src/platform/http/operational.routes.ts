import path from 'node:path';
import { Router } from 'express';
// Only the assets' folder: the package's index also loads the whole UI bundle into the server (~0.4 s at start).
import getSwaggerUiDistPath from 'swagger-ui-dist/absolute-path.js';
import type { DataSource } from 'typeorm';
import type { Metrics } from './metrics';
import type { OpenApiDocument } from './openapi';

const READY_TIMEOUT_MS = 2000;

/** Probes, metrics and the contract itself: public, and mounted before authentication. */
export function operationalRouter(deps: { dataSource: DataSource; metrics: Metrics; openapi: OpenApiDocument }): Router {
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

  router.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  const specJson = JSON.stringify(deps.openapi);
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(specJson);
  });

  mountDocs(router);
  return router;
}

async function pingDatabase(ds: DataSource): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('readiness check timed out')), READY_TIMEOUT_MS);
    });
    await Promise.race([ds.query('SELECT 1'), timeout]);
    return true;
  } catch {
    return false;
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
