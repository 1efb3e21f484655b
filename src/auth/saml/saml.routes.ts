import { randomBytes } from 'node:crypto';
import type { Profile, SAML } from '@node-saml/node-saml';
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { PassportStatic } from 'passport';
import type { DataSource } from 'typeorm';
import type { Principal } from '../../access/principal';
import { actorOf, auditStandalone } from '../../audit';
import { isDatabaseUnavailable } from '../../platform/db/errors';
import { type AppError, badRequest } from '../../platform/http/problem';
import { endSession, regenerateSession, saveSession } from '../sessions';
import type { IdpRegistry } from './idp-registry';
import { checkVerifiedAssertion, decodeSamlResponse, inspectRawResponse, MAX_CLOCK_SKEW_MS } from './saml-response.checks';
import { refusalFromNodeSaml, SamlRefusal, unknownIdp } from './saml.errors';
import { page, prefersHtml, refusalPage } from './saml.pages';
import type { SamlService } from './saml.service';
import type { SpUrls } from './sp-metadata';

type Passport = InstanceType<PassportStatic['Authenticator']>;

export interface SamlRouteDeps {
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

export const DEFAULT_LANDING = '/v1/me';

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
  router.post('/auth/saml/:idpId/acs', async (req, res, next) => {
    const idpId = String(req.params.idpId);
    const idp = registry.get(idpId);
    try {
      if (!idp) {
        await auditStandalone(deps.dataSource, refusedLogin(null, 'SAML.UNKNOWN_IDP'));
        return respond(req, res, next, unknownIdp());
      }
      const form = req.body as Record<string, unknown> | undefined;
      const xml = decodeSamlResponse(form?.SAMLResponse);
      const raw = inspectRawResponse(xml);
      await deps.service.refuseReplays(idp.id, raw.allAssertionIds);
      const profile = await verifySignatures(deps, req, res, idp.id);
      const accepted = checkVerifiedAssertion(raw, profile.getAssertionXml?.() ?? '', {
        idp,
        acsUrl: urls.acsUrl(idp.id),
        spEntityId: urls.entityId,
        nowMs: Date.now(),
        skewMs: MAX_CLOCK_SKEW_MS,
      });
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
      if (!(err instanceof SamlRefusal)) return next(err);
      req.ctx.log.info({ idpId, code: err.code }, 'sign-in refused');
      await auditStandalone(deps.dataSource, refusedLogin(idp ? idp.id : null, err.code, err.userId));
      respond(req, res, next, err.toAppError(), idp ? `/auth/saml/${idp.id}/login` : undefined);
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
