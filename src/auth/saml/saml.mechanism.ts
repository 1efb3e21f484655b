import { SAML, ValidateInResponseTo, type SamlConfig } from '@node-saml/node-saml';
import { Strategy, type VerifiedCallback } from '@node-saml/passport-saml';
import passport from 'passport';
import type { DataSource } from 'typeorm';
import { ConfigError, type Config } from '../../config';
import type { Logger } from '../../platform/logger';
import type { AuthMechanism } from '../auth.types';
import { serviceProviderKeyPair, type SigningKeyPair } from '../key-material';
import { createSessionLayer, sessionAuthenticator } from '../sessions';
import { createDevIdp } from './dev-idp';
import { createIdpRegistry, loadIdpFile, type IdentityProvider } from './idp-registry';
import { purgeExpiredSamlState, SAML_REQUEST_TTL_MS, samlRequestCache } from './saml-request.cache';
import { MAX_CLOCK_SKEW_MS } from './saml-response.checks';
import { acsGuards, samlRouter } from './saml.routes';
import { createSamlService } from './saml.service';
import { buildSpMetadata, spUrls, type SpUrls } from './sp-metadata';

const HOUSEKEEPING_INTERVAL_MS = 5 * 60_000;

interface SamlMechanismDeps {
  config: Config;
  log: Logger;
  dataSource: DataSource;
}

/**
 * People sign in with SAML 2.0 (one passport-saml strategy per configured
 * IdP, plus the development IdP when DEV_IDP is on) and then hold a session
 * in PostgreSQL. Plugs into the app as an AuthMechanism: the session layer
 * (and the development IdP's pages) before authentication, the session
 * authenticator, and the /auth routes.
 */
export function createSamlMechanism(deps: SamlMechanismDeps): AuthMechanism {
  const { config, log, dataSource } = deps;
  if (config.saml.devIdp && config.env === 'production') {
    throw new ConfigError('Invalid configuration:\n  DEV_IDP: must not be true when NODE_ENV=production');
  }
  const urls = spUrls(config.publicBaseUrl);
  const sp = serviceProviderKeyPair(config);

  const idps = config.saml.idpsFile ? loadIdpFile(config.saml.idpsFile) : [];
  const devIdp = config.saml.devIdp ? createDevIdp({ config, log, urls, sp }) : undefined;
  if (devIdp) idps.push(devIdp.idp);
  const registry = createIdpRegistry(idps);

  const authenticator = new passport.Authenticator();
  const strategyName = (idpId: string) => `saml-${idpId}`;
  const logoutClients = new Map<string, SAML>();
  for (const idp of registry.list()) {
    const options = samlOptions(idp, urls, sp, dataSource);
    authenticator.use(strategyName(idp.id), new Strategy({ ...options, name: strategyName(idp.id) }, signonVerify, refuseLogoutRequests));
    if (idp.sloUrl) logoutClients.set(idp.id, new SAML(options));
  }

  const sessions = createSessionLayer({ config, log, dataSource });
  const housekeeping = setInterval(() => {
    purgeExpiredSamlState(dataSource).catch((err: unknown) => log.warn({ err }, 'SAML housekeeping failed'));
  }, HOUSEKEEPING_INTERVAL_MS);
  housekeeping.unref();

  log.info({ idps: registry.list().map((i) => i.id), devIdp: Boolean(devIdp) }, 'SAML single sign-on ready');
  return {
    before: [sessions.middleware, ...(devIdp ? [devIdp.router] : []), ...acsGuards({ dataSource, registry })],
    authenticators: [sessionAuthenticator({ config, dataSource })],
    routers: [
      samlRouter({
        dataSource,
        registry,
        urls,
        passport: authenticator,
        strategyName,
        logoutClients,
        service: createSamlService(dataSource),
        metadataXml: buildSpMetadata(urls, registry.list(), sp),
      }),
    ],
    // Landing on the docs page, where "Try it out" then works with the session.
    signIn: registry
      .list()
      .map((idp) => ({ label: `Sign in with ${idp.displayName}`, href: `/auth/saml/${idp.id}/login?RelayState=/docs` })),
    async close() {
      clearInterval(housekeeping);
      await sessions.close();
    },
  };
}

/** The safe settings, spelled out: passport-saml's defaults (SHA-1, no skew, no InResponseTo check) are not. */
function samlOptions(idp: IdentityProvider, urls: SpUrls, sp: SigningKeyPair, ds: DataSource): SamlConfig {
  return {
    entryPoint: idp.ssoUrl,
    logoutUrl: idp.sloUrl,
    logoutCallbackUrl: urls.sloUrl(idp.id),
    issuer: urls.entityId,
    audience: urls.entityId,
    callbackUrl: urls.acsUrl(idp.id),
    idpCert: idp.certs,
    idpIssuer: idp.entityId,
    privateKey: sp.privateKeyPem,
    publicCert: sp.certPem,
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: idp.requireSignedResponse,
    acceptedClockSkewMs: MAX_CLOCK_SKEW_MS,
    validateInResponseTo: ValidateInResponseTo.always,
    requestIdExpirationPeriodMs: SAML_REQUEST_TTL_MS,
    cacheProvider: samlRequestCache(ds, idp.id, SAML_REQUEST_TTL_MS),
    // Let the IdP choose how to authenticate (smartcard, password…) and which NameID format to use.
    disableRequestedAuthnContext: true,
    identifierFormat: null,
  };
}

// The profile goes back to the route unchanged: it does the remaining checks and the user lookup.
function signonVerify(profile: unknown, done: VerifiedCallback): void {
  if (!profile) return done(null, undefined);
  done(null, { profile });
}

// IdP-initiated logout requests are not processed by the strategy (GET /auth/saml/{idpId}/slo ends the browser's session).
function refuseLogoutRequests(_profile: unknown, done: VerifiedCallback): void {
  done(new Error('SAML logout requests are not accepted at this endpoint'));
}
