import express, { type Express, type Request, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { DataSource } from 'typeorm';
import { authenticate, authorize } from './access/authorize';
import type { Principal } from './access/principal';
import { actorOf, auditRouter, auditStandalone } from './audit';
import { claimedClientId, TOKEN_PATH } from './auth';
import type { AuthMechanism } from './auth/auth.types';
import type { Config } from './config';
import { poolOf } from './platform/db/data-source';
import { errorHandler, notFoundHandler } from './platform/http/error-handler';
import { noStore } from './platform/http/cache-control';
import { homeRouter } from './platform/http/home';
import { createMetrics, type Metrics } from './platform/http/metrics';
import { openApiValidator, pathTemplateMatcher, type LoadedOpenApi } from './platform/http/openapi';
import { operationalRouter, type MetricsAccess } from './platform/http/operational.routes';
import { unauthorized } from './platform/http/problem';
import { clientAddress, rateLimit } from './platform/http/rate-limit';
import { requestContext, routeTemplate } from './platform/http/request-context';
import { withServedTokenUrls } from './platform/http/served-contract';
import { rejectUnsafeText } from './platform/http/text-safety';
import type { Logger } from './platform/logger';
import { agencyFormsRouter, caseFormsPort, createAgencyFormsService } from './modules/agency-forms';
import { casePacksRouter, createCasePacksService } from './modules/case-packs';
import { casesRouter, createCasesService, type CaseChangeListener } from './modules/cases';
import { createDirectoryService, directoryRouter } from './modules/directory';
import { createFamilyService, familyRouter, openFamilyQuestions } from './modules/family';
import { caseNotificationsPort, createNotificationsService, notificationsRouter } from './modules/notifications';
import {
  createPanelMeetingsService,
  isRecused,
  markAgendaItemReviewed,
  panelMeetingsRouter,
  signOffContext,
} from './modules/panel-meetings';
import { caseReviewPort, createPanelReviewsService, panelReviewsRouter } from './modules/panel-reviews';
import { createSafeguardingReviewsService, safeguardingReviewsRouter } from './modules/safeguarding-reviews';
import {
  createScrTriggersService,
  safeguardingClosurePort,
  safeguardingFlagsPort,
  scrTriggersListener,
  scrTriggersRouter,
} from './modules/scr-triggers';
import { createUsersService, usersRouter } from './modules/users';

export interface AppDeps {
  config: Config;
  log: Logger;
  dataSource: DataSource;
  openapi: LoadedOpenApi;
  /** SAML sessions, client tokens…: their authenticators are tried in order, the first to recognise the credentials wins. */
  auth: readonly AuthMechanism[];
  /**
   * What runs inside the transaction of every change to a case (src/modules/cases/case-changes.ts): the SCR
   * triggers by default; a benchmark or a test may run the service without them (`[]`) or with others.
   */
  caseChangeListeners?: readonly CaseChangeListener[];
  /** The clock of the modules that read "overdue" against today (safeguarding-reviews); the real time when absent. Tests set it. */
  now?: () => Date;
  /** The metrics registry to record into (server.ts shares it with the METRICS_PORT listener); created when absent. */
  metrics?: Metrics;
}

/** Paths whose responses carry personal data or credentials: never cached. */
const NO_STORE_PREFIXES = ['/v1', '/auth', TOKEN_PATH];

/**
 * The HTTP application. Middleware order is the request path:
 * security headers → request context → Cache-Control → metrics → public
 * operational routes → rate limits by address (sign-in, token) → body parsers
 * (outside /v1) → the auth mechanisms' own middleware (sessions, the token
 * request guard) → authenticate → /v1: 401 for an anonymous caller, then rate
 * limits by client and the body parsers → OpenAPI validation → x-permission →
 * module routes → 404 → problem+json errors.
 *
 * On /v1 the caller's identity is settled before the body is even parsed, so an
 * anonymous caller learns nothing from how its body is judged (see README,
 * decisions: "Authentication before validation on /v1").
 */
export function createApp(deps: AppDeps): Express {
  const { config } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'extended');

  const metrics = deps.metrics ?? createMetrics();
  metrics.observePool(poolOf(deps.dataSource));
  const pool = poolOf(deps.dataSource);
  const limits = config.rateLimits;
  const perAddress = (name: string, points: number) => ({ name, points, windowS: limits.windowS, key: clientAddress });

  app.use(helmet());
  app.use(requestContext(deps.log));
  app.use(noStore(NO_STORE_PREFIXES));
  app.use(metrics.middleware);

  const served = withServedTokenUrls(deps.openapi.bundled, config.publicBaseUrl);
  app.use(operationalRouter({ dataSource: deps.dataSource, metrics, openapi: served, metricsAccess: metricsAccess(config) }));
  app.use(homeRouter({ signIn: deps.auth.flatMap((m) => m.signIn ?? []) }));

  // Sign-in and token requests are limited per address before any work is done for them.
  app.use('/auth/saml', rateLimit(pool, [perAddress('saml-address', limits.samlPerAddress)]));
  app.post(TOKEN_PATH, rateLimit(pool, [perAddress('token-address', limits.tokenPerAddress)]));

  const parseJson = express.json({ limit: config.bodyLimit, strict: true, type: ['application/json', 'application/*+json'] });
  const parseBody = [
    // The token endpoint takes only forms (RFC 6749 §4.4.2): a JSON body, well formed or not, is left unparsed
    // for the validator's 415, never answered with a JSON parse error that lacks the OAuth `error`.
    unless((req) => req.baseUrl + req.path === TOKEN_PATH, [parseJson]),
    // SAML's POST binding and the OAuth token endpoint are form-encoded.
    express.urlencoded({ extended: false, limit: config.bodyLimit, parameterLimit: 50 }),
    rejectUnsafeText,
  ];
  app.use(unless(isV1, parseBody));
  app.post(
    TOKEN_PATH,
    rateLimit(pool, [
      { name: 'token-client', points: limits.tokenPerClient, windowS: limits.windowS, key: (req) => claimedClientId(req.body) },
    ]),
  );

  for (const m of deps.auth) for (const mw of m.before ?? []) app.use(mw);
  app.use(authenticate(deps.auth.flatMap((m) => m.authenticators ?? [])));
  // Every /v1 operation needs a principal (a contract test keeps it so): an anonymous caller gets 401 whatever it sent.
  const v1Route = pathTemplateMatcher(deps.openapi.bundled);
  app.use('/v1', (req, _res, next) => {
    if (req.ctx.principal) return next();
    req.ctx.route = v1Route(req.originalUrl.split('?')[0]!);
    next(unauthorized());
  });
  app.post(
    '/v1/notifications',
    rateLimit(pool, [
      {
        name: 'notifications-client',
        points: limits.notificationsPerClient,
        windowS: limits.windowS,
        key: (req) => (req.ctx.principal as Principal).id,
      },
      perAddress('notifications-address', limits.notificationsPerAddress),
    ]),
  );
  app.use('/v1', parseBody);
  // The document itself is checked by `npm run check:api` (Redocly) and again by every test run; a start
  // outside tests skips the validator's own check of it, about 0.5 s of CPU (bench/start-time.ts).
  app.use(
    openApiValidator(deps.openapi.dereferenced, {
      validateResponses: config.validateResponses,
      validateSpec: config.env === 'test',
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
  const cases = createCasesService(deps.dataSource, {
    rules: config.deadlineRules,
    notifications: caseNotificationsPort,
    forms: caseFormsPort,
    closure: [caseReviewPort, safeguardingClosurePort],
    safeguarding: safeguardingFlagsPort(deps.now),
    listeners: deps.caseChangeListeners ?? [scrTriggersListener()],
  });
  app.use(
    notificationsRouter(
      createNotificationsService(deps.dataSource, { cases: cases.intake, acceptTestNhsNumbers: config.nhsTestNumbersAccepted }),
    ),
  );
  app.use(casesRouter(cases));
  const agencyForms = createAgencyFormsService(deps.dataSource, {
    cases: cases.forms,
    notifications: caseNotificationsPort,
    dueWorkingDays: config.formDueWorkingDays,
    attachments: config.attachments,
  });
  app.use(agencyFormsRouter(agencyForms));
  app.use(panelMeetingsRouter(createPanelMeetingsService(deps.dataSource, { cases: cases.panels })));
  app.use(familyRouter(createFamilyService(deps.dataSource, { cases: cases.panels })));
  app.use(
    panelReviewsRouter(
      createPanelReviewsService(deps.dataSource, {
        cases: cases.panels,
        meetings: { isRecused, signOffContext, markAgendaItemReviewed },
        family: { openFamilyQuestions },
      }),
    ),
  );
  // A referred SCR flag opens a safeguarding review through `safeguardingReviews.forFlags` (SafeguardingReviewsForFlags).
  const safeguardingReviews = createSafeguardingReviewsService(deps.dataSource, {
    cases: cases.panels,
    forms: agencyForms,
    ...(deps.now ? { now: deps.now } : {}),
  });
  app.use(safeguardingReviewsRouter(safeguardingReviews));
  app.use(casePacksRouter(createCasePacksService(deps.dataSource, { cases: cases.panels, isRecused })));
  app.use(
    scrTriggersRouter(
      createScrTriggersService(deps.dataSource, { referrals: safeguardingReviews.forFlags, ...(deps.now ? { now: deps.now } : {}) }),
    ),
  );
  app.use(auditRouter(deps.dataSource));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

const isV1 = (req: Request) => req.path === '/v1' || req.path.startsWith('/v1/');

/** Runs `handlers` in turn, except for requests `skip` picks out. */
function unless(skip: (req: Request) => boolean, handlers: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    if (skip(req)) return next();
    let i = 0;
    const step = (err?: unknown): void => {
      const handler = handlers[i++];
      if (err !== undefined || !handler) return next(err);
      void handler(req, res, step);
    };
    step();
  };
}

/** /metrics on the API port: not when it has a port of its own; behind METRICS_TOKEN when set; never open in production. */
function metricsAccess(config: Config): MetricsAccess {
  if (config.metrics.port !== undefined) return { mode: 'off' };
  if (config.metrics.token) return { mode: 'token', token: config.metrics.token };
  return config.env === 'production' ? { mode: 'off' } : { mode: 'open' };
}
