import express, { type Express } from 'express';
import helmet from 'helmet';
import type { DataSource } from 'typeorm';
import { authenticate, authorize } from './access/authorize';
import type { Principal } from './access/principal';
import { actorOf, auditRouter, auditStandalone } from './audit';
import type { AuthMechanism } from './auth/auth.types';
import type { Config } from './config';
import { poolOf } from './platform/db/data-source';
import { errorHandler, notFoundHandler } from './platform/http/error-handler';
import { homeRouter } from './platform/http/home';
import { createMetrics } from './platform/http/metrics';
import { openApiValidator, type LoadedOpenApi } from './platform/http/openapi';
import { operationalRouter } from './platform/http/operational.routes';
import { requestContext, routeTemplate } from './platform/http/request-context';
import { withServedTokenUrls } from './platform/http/served-contract';
import { rejectUnsafeText } from './platform/http/text-safety';
import type { Logger } from './platform/logger';
import { casesRouter, createCasesService } from './modules/cases';
import { createDirectoryService, directoryRouter } from './modules/directory';
import { createNotificationsService, notificationsRouter } from './modules/notifications';
import { createUsersService, usersRouter } from './modules/users';

export interface AppDeps {
  config: Config;
  log: Logger;
  dataSource: DataSource;
  openapi: LoadedOpenApi;
  /** SAML sessions, client tokens…: their authenticators are tried in order, the first to recognise the credentials wins. */
  auth: readonly AuthMechanism[];
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
  // SAML's POST binding and the OAuth token endpoint are form-encoded.
  app.use(express.urlencoded({ extended: false, limit: deps.config.bodyLimit, parameterLimit: 50 }));
  app.use(rejectUnsafeText);

  const served = withServedTokenUrls(deps.openapi.bundled, deps.config.publicBaseUrl);
  app.use(operationalRouter({ dataSource: deps.dataSource, metrics, openapi: served }));
  app.use(homeRouter({ signIn: deps.auth.flatMap((m) => m.signIn ?? []) }));

  for (const m of deps.auth) for (const mw of m.before ?? []) app.use(mw);
  app.use(authenticate(deps.auth.flatMap((m) => m.authenticators ?? [])));
  // The document itself is checked by `npm run check:api` (Redocly) and again by every test run; a start
  // outside tests skips the validator's own check of it, about 0.5 s of CPU (bench/start-time.ts).
  app.use(
    openApiValidator(deps.openapi.dereferenced, {
      validateResponses: deps.config.validateResponses,
      validateSpec: deps.config.env === 'test',
    }),
  );
  app.use(
    authorize((req, permission) =>
      auditStandalone(deps.dataSource, {
        action: 'access.denied',
        outcome: 'denied',
        reason: `missing permission ${permission}`,
        details: { method: req.method, route: routeTemplate(req) },
        actor: actorOf(req.ctx.principal as Principal | undefined),
      }),
    ),
  );

  for (const m of deps.auth) for (const router of m.routers ?? []) app.use(router);
  app.use(directoryRouter(createDirectoryService(deps.dataSource)));
  app.use(usersRouter(createUsersService(deps.dataSource)));
  app.use(notificationsRouter(createNotificationsService(deps.dataSource, deps.config.deadlineRules)));
  app.use(casesRouter(createCasesService(deps.dataSource, { rules: deps.config.deadlineRules })));
  app.use(auditRouter(deps.dataSource));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
