import { randomBytes } from 'node:crypto';
import type { Profile, SAML } from '@node-saml/node-saml';
import { Router, type ErrorRequestHandler, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { PassportStatic } from 'passport';
import type { DataSource } from 'typeorm';
import type { Principal } from '../../access/principal';
import { actorOf, auditStandalone } from '../../audit';
import { isDatabaseUnavailable } from '../../platform/db/errors';
import { AppError, badRequest } from '../../platform/http/problem';
import { endSession, regenerateSession, saveSession } from '../sessions';
import type { IdentityProvider, IdpRegistry } from './idp-registry';
import {
  checkVerifiedAssertion,
  decodeSamlResponse,
  type ExpectedResponse,
  inspectRawResponse,
  MAX_CLOCK_SKEW_MS,
} from './saml-response.checks';
import { XML_LIMITS } from './saml-xml';
import { refusalFromNodeSaml, SamlRefusal, unknownIdp } from './saml.errors';
import { page, prefersHtml, refusalPage } from './saml.pages';
import type { SamlService } from './saml.service';
import type { SpUrls } from './sp-metadata';

type Passport = InstanceType<PassportStatic['Authenticator']>;

interface SamlRouteDeps {
  dataSource: DataSource;
  registry: IdpRegistry;
  urls: SpUrls;
  passport: Passport;
  strategyName(idpId: string): string;
  /** Per IdP with single logout: builds the signed LogoutRequest URL. */
  logoutClients: ReadonlyMap<string, SAML>;
  service: SamlService;
  metadataXml: string;
}

/**
 * Where to go after sign-in: only a path on this site. Refused: absolute and
 * scheme-relative URLs (`https://…`, `//evil`), backslashes (`/\evil` is
 * `//evil` to a browser), whitespace and control characters (browsers strip
 * them: `/\t/evil`), fragments, and anything longer than SAML's 80 bytes.
 */
const SAME_SITE_PATH = /^\/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/;
export function isSafeRelayState(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 80 && SAME_SITE_PATH.test(value);
}

const DEFAULT_LANDING = '/v1/me';

export function samlRouter(deps: SamlRouteDeps): Router {
  const router = Router();
  const { registry, urls } = deps;

  router.get('/auth/saml/metadata', (_req, res) => {
    res.type('application/samlmetadata+xml').send(deps.metadataXml);
  });

  // Redirect binding: a signed AuthnRequest to the IdP; its id is remembered (saml_requests) for InResponseTo.
  router.get('/auth/saml/:idpId/login', (req, res, next) => {
    const idp = registry.get(String(req.params.idpId));
    if (!idp) return respond(req, res, next, unknownIdp());
    const relayState = req.query.RelayState;
    if (relayState !== undefined && !isSafeRelayState(relayState)) {
      return respond(
        req,
        res,
        next,
        badRequest('RelayState must be a path on this site, such as /v1/me.', undefined, 'AUTH.RELAY_STATE_INVALID'),
      );
    }
    // Only errors reach this callback; on success the strategy has already redirected (302).
    const login = deps.passport.authenticate(deps.strategyName(idp.id), { session: false }, (err: unknown) =>
      next(err ?? new Error('SAML login did not redirect')),
    ) as RequestHandler;
    void login(req, res, next);
  });

  // POST binding: every failure is a 401 (an HTML page for a browser), audited with its reason.
  // acsGuards (mounted before the OpenAPI validator) has already refused what is not a POST binding form.
  router.post('/auth/saml/:idpId/acs', async (req, res, next) => {
    const idp = registry.get(String(req.params.idpId));
    try {
      if (!idp) throw unknownIdp();
      const form = req.body as Record<string, unknown> | undefined;
      const expected: ExpectedResponse = {
        idp,
        acsUrl: urls.acsUrl(idp.id),
        spEntityId: urls.entityId,
        nowMs: Date.now(),
        skewMs: MAX_CLOCK_SKEW_MS,
      };
      const raw = inspectRawResponse(decodeSamlResponse(form?.SAMLResponse), expected);
      await deps.service.refuseReplays(idp.id, raw.assertionIds);
      const profile = await verifySignatures(deps, req, res, idp.id);
      const accepted = checkVerifiedAssertion(raw, profile.getAssertionXml?.() ?? '', { ...expected, nowMs: Date.now() });
      const login = await deps.service.completeLogin(idp, accepted);

      await regenerateSession(req);
      req.session.userId = login.userId;
      req.session.idpId = idp.id;
      req.session.createdAt = Date.now();
      req.session.csrfToken = randomBytes(32).toString('base64url');
      req.session.samlSessionIndex = accepted.sessionIndex;
      req.session.samlNameIdFormat = accepted.nameIdFormat;
      await saveSession(req);
      req.ctx.log.info({ idpId: idp.id, userId: login.userId }, 'signed in');
      const relayState = form?.RelayState;
      res.redirect(303, isSafeRelayState(relayState) ? relayState : DEFAULT_LANDING);
    } catch (err) {
      if (!(err instanceof SamlRefusal) && !(err instanceof AppError && err.code === 'SAML.UNKNOWN_IDP')) return next(err);
      await refuseSignIn(deps, req, res, next, idp, err);
    }
  });

  // Where the IdP sends the browser after single logout (or to start one): end any session here too.
  router.get('/auth/saml/:idpId/slo', async (req, res, next) => {
    const idp = registry.get(String(req.params.idpId));
    if (!idp) return respond(req, res, next, unknownIdp());
    const userId = req.session?.userId;
    if (userId) {
      const sessionIdpId = req.session.idpId ?? null;
      await endSession(req);
      await auditStandalone(deps.dataSource, {
        action: 'auth.logout',
        resourceType: 'user',
        resourceId: userId,
        actor: { type: 'user', id: userId, idpId: sessionIdpId },
        details: { idpId: sessionIdpId, via: 'single-logout' },
      });
    }
    res.type('html').send(page('Signed out', '<p>You are signed out of the CDOP case management service.</p>'));
  });

  router.post('/auth/logout', async (req, res) => {
    const p = req.ctx.principal as Principal | undefined;
    const s = req.session;
    // Only the session that authenticated this request (and so passed the CSRF check) is ended.
    if (!p || p.kind !== 'user' || !s?.userId || s.userId !== p.id) {
      if (!p) await endSession(req);
      res.status(204).end();
      return;
    }
    const { idpId = '', samlSessionIndex, samlNameIdFormat } = s;
    await endSession(req);
    await auditStandalone(deps.dataSource, {
      action: 'auth.logout',
      resourceType: 'user',
      resourceId: p.id,
      actor: actorOf(p),
      details: { idpId },
    });
    const slo = deps.logoutClients.get(idpId);
    const idp = registry.get(idpId);
    if (slo && idp) {
      const rows: { nameId: string }[] = await deps.dataSource.query(`SELECT name_id AS "nameId" FROM users WHERE id = $1`, [p.id]);
      if (rows[0]) {
        const url = await slo.getLogoutUrlAsync(
          {
            issuer: idp.entityId,
            nameID: rows[0].nameId,
            nameIDFormat: samlNameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
            sessionIndex: samlSessionIndex ?? undefined,
          },
          '',
          {},
        );
        res.status(200).json({ singleLogoutUrl: url });
        return;
      }
    }
    res.status(204).end();
  });

  return router;
}

/**
 * A refused sign-in: audited (auth.login / denied, with the code), logged
 * without personal data, answered 401 (404 for an unknown IdP) as
 * problem+json or a page for a browser.
 */
async function refuseSignIn(
  deps: Pick<SamlRouteDeps, 'dataSource'>,
  req: Request,
  res: Response,
  next: NextFunction,
  idp: IdentityProvider | undefined,
  err: SamlRefusal | AppError,
): Promise<void> {
  const idpId = idp?.id ?? null;
  if (err instanceof SamlRefusal) req.ctx.log.info({ idpId, code: err.code, reason: err.message }, 'sign-in refused');
  await auditStandalone(deps.dataSource, refusedLogin(idpId, err.code, err instanceof SamlRefusal ? err.userId : undefined));
  respond(req, res, next, err instanceof SamlRefusal ? err.toAppError() : err, idp ? `/auth/saml/${idp.id}/login` : undefined);
}

const ACS_PATH = /^\/auth\/saml\/([^/]+)\/acs$/;
const FORM = 'application/x-www-form-urlencoded';
/** The same bounds as openapi/components/schemas/auth/SamlPostBinding.yaml, so the validator never answers for the ACS. */
const FORM_LIMITS = { relayState: 1024, otherField: 4096 } as const;

/**
 * What the HTTP-POST binding delivers, checked before the OpenAPI validator
 * and the error handler see the request, so that the ACS answers every
 * refusal as one (401, a SAML.* code, audited): no SAMLResponse, another
 * media type, a query string, a body or form over the limits, a parser
 * error. An error the body parsers raised reaches the second handler.
 */
export function acsGuards(deps: Pick<SamlRouteDeps, 'dataSource' | 'registry'>): [RequestHandler, ErrorRequestHandler] {
  const acsIdp = (req: Request): { matched: boolean; idp?: IdentityProvider } => {
    const m = req.method === 'POST' ? ACS_PATH.exec(req.path) : null;
    return m ? { matched: true, idp: deps.registry.get(decodeURIComponentSafe(m[1]!)) } : { matched: false };
  };
  const guard: RequestHandler = (req, res, next) => {
    const { matched, idp } = acsIdp(req);
    if (!matched) return next();
    const problem = idp ? formProblem(req) : unknownIdp();
    if (!problem) return next();
    refuseSignIn(deps, req, res, next, idp, problem).catch(next);
  };
  const errors: ErrorRequestHandler = (err: unknown, req, res, next) => {
    const { matched, idp } = acsIdp(req);
    const refusal = matched && !isDatabaseUnavailable(err) ? refusalForUnreadableBody(err) : undefined;
    if (!refusal) return next(err);
    refuseSignIn(deps, req, res, next, idp, idp ? refusal : unknownIdp()).catch(next);
  };
  return [guard, errors];
}

function formProblem(req: Request): SamlRefusal | undefined {
  const malformed = (why: string) => new SamlRefusal('SAML.MALFORMED', why);
  if (req.originalUrl.includes('?')) return malformed('query string on the ACS');
  if (!req.is(FORM)) return malformed('body is not a form');
  const form = req.body as Record<string, unknown> | undefined;
  if (!form || typeof form !== 'object') return malformed('no form');
  const { SAMLResponse: samlResponse, RelayState: relayState, ...others } = form;
  if (samlResponse === undefined || samlResponse === '') return malformed('SAMLResponse missing');
  if (typeof samlResponse !== 'string') return malformed('SAMLResponse given more than once');
  if (samlResponse.length > XML_LIMITS.responseChars) return new SamlRefusal('SAML.LIMIT_EXCEEDED', 'SAMLResponse too large');
  if (relayState !== undefined && (typeof relayState !== 'string' || relayState.length > FORM_LIMITS.relayState)) {
    return malformed('RelayState not a single value of at most 1024 characters');
  }
  if (Object.values(others).some((v) => typeof v !== 'string' || v.length > FORM_LIMITS.otherField)) return malformed('other form field');
  return undefined;
}

/** A body the parsers could not read (body-parser errors, text-safety, nesting that exhausted the stack), as a refusal. */
function refusalForUnreadableBody(err: unknown): SamlRefusal | undefined {
  // The guard's own answer, on its way to the error handler; and a rate limit, which is about the caller, not the body.
  if (err instanceof AppError && (err.code.startsWith('SAML.') || err.status === 429)) return undefined;
  if (err instanceof RangeError) return new SamlRefusal('SAML.LIMIT_EXCEEDED', 'body nested too deep');
  if (typeof err === 'object' && err !== null && 'type' in err && typeof err.type === 'string') {
    const tooBig = err.type === 'entity.too.large' || err.type === 'parameters.too.many';
    return new SamlRefusal(tooBig ? 'SAML.LIMIT_EXCEEDED' : 'SAML.MALFORMED', `body parser: ${err.type}`);
  }
  if (err instanceof AppError && err.status >= 400 && err.status < 500)
    return new SamlRefusal('SAML.MALFORMED', `body refused: ${err.code}`);
  return undefined;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function refusedLogin(idpId: string | null, code: string, userId?: string) {
  return {
    action: 'auth.login',
    outcome: 'denied' as const,
    reason: code,
    ...(userId ? { resourceType: 'user', resourceId: userId } : {}),
    actor: userId ? { type: 'user' as const, id: userId, idpId } : { type: 'anonymous' as const, id: null, idpId },
    details: { idpId },
  };
}

/** passport-saml's signature, InResponseTo, time and audience checks, through a custom callback so nothing becomes a 500. */
function verifySignatures(deps: SamlRouteDeps, req: Request, res: Response, idpId: string): Promise<Profile> {
  return new Promise((resolve, reject) => {
    const fail = (err: unknown) => reject(isDatabaseUnavailable(err) ? err : refusalFromNodeSaml(err));
    const authenticate = deps.passport.authenticate(deps.strategyName(idpId), { session: false }, (err: unknown, user: unknown) => {
      if (err) return fail(err);
      const profile = (user as { profile?: Profile } | false | undefined) || undefined;
      if (!profile?.profile) return reject(new SamlRefusal('SAML.STATUS', 'no profile in the response'));
      resolve(profile.profile);
    }) as RequestHandler;
    void authenticate(req, res, (err?: unknown) => fail(err ?? new Error('unexpected passport continuation')));
  });
}

/** A problem+json through the one error handler, or a small page for a browser. */
function respond(req: Request, res: Response, next: NextFunction, problem: AppError, retryUrl?: string): void {
  if (!prefersHtml(req)) return next(problem);
  res
    .status(problem.status)
    .type('html')
    .send(
      refusalPage({
        title: problem.title,
        detail: problem.detail ?? problem.title,
        code: problem.code,
        requestId: req.ctx.requestId,
        retryUrl,
      }),
    );
}
