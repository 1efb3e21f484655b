import express, { type Express } from 'express';
import helmet from 'helmet';
import type { DataSource } from 'typeorm';
import { authenticate, authorize, type Authenticator } from './access/authorize';
import type { Config } from './config';
import { poolOf } from './platform/db/data-source';
import { errorHandler, notFoundHandler } from './platform/http/error-handler';
import { createMetrics } from './platform/http/metrics';
import { openApiValidator, type LoadedOpenApi } from './platform/http/openapi';
import { operationalRouter } from './platform/http/operational.routes';
import { requestContext } from './platform/http/request-context';
import type { Logger } from './platform/logger';
import { createDirectoryService, directoryRouter } from './modules/directory';

export interface AppDeps {
  config: Config;
  log: Logger;
  dataSource: DataSource;
  openapi: LoadedOpenApi;
  /** Tried in order; the first to recognise the request's credentials wins. */
  authenticators: readonly Authenticator[];
}

/**
 * The HTTP application. Middleware order is the request path of STYLE.md:
 * security headers → request context → metrics → body parser → public
 * operational routes → authenticate → OpenAPI validation → x-permission →
 * module routes → 404 → problem+json errors.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);
  app.set('query parser', 'extended');

  const metrics = createMetrics();
  metrics.observePool(poolOf(deps.dataSource));

  app.use(helmet());
  app.use(requestContext(deps.log));
  app.use(metrics.middleware);
  app.use(
    express.json({
      limit: deps.config.bodyLimit,
      strict: true,
      type: ['application/json', 'application/*+json'],
    }),
  );

  app.use(operationalRouter({ dataSource: deps.dataSource, metrics, openapi: deps.openapi.bundled }));

  app.use(authenticate(deps.authenticators));
  app.use(openApiValidator(deps.openapi.dereferenced, { validateResponses: deps.config.validateResponses }));
  app.use(authorize);

  app.use(directoryRouter(createDirectoryService(deps.dataSource)));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
