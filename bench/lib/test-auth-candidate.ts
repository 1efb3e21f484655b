import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createApp, type AppDeps } from '../../src/app';
import { loadConfig } from '../../src/config';
import { ENTITIES } from '../../src/entities';
import { createDataSource } from '../../src/platform/db/data-source';
import { loadOpenApi } from '../../src/platform/http/openapi';
import { createLogger } from '../../src/platform/logger';
import { testAuthenticator } from '../../test/support/principals';
import type { ServerContext, ServerHandle } from './scenario';

/** A sink that accepts every line: the logger still formats and writes each one, as in production. */
function nullStream(): Writable {
  return new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });
}

/**
 * What a scenario may change in the application it starts. `caseChangeListeners: []` runs the service without the
 * listeners createApp installs by default (the SCR-trigger rules): the baseline of the `scr-rules-*` scenarios.
 */
export type CandidateOptions = Pick<AppDeps, 'caseChangeListeners'>;

/**
 * The candidate of the scenarios that authenticate with the header-based test authenticator
 * (test/support/principals.ts) instead of a bearer token: the whole application from createApp,
 * production configuration, request logs at info to a null stream, no response validation, no
 * mail relay or job queue (not on the request path).
 */
export async function startTestAuthCandidate(ctx: ServerContext, options: CandidateOptions = {}): Promise<ServerHandle> {
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: ctx.databaseUrl,
    LOG_LEVEL: 'warn',
    SEED_DEMO_DATA: 'false',
    MAIL_ENABLED: 'false',
    JOBS_ENABLED: 'false',
    DB_POOL_MAX: String(ctx.poolMax),
    // Production also insists on the single sign-on and token settings. The candidate gets the test
    // authenticator instead of createAuthMechanisms, so these placeholders are validated, never used.
    PUBLIC_BASE_URL: 'https://cdop-bench.invalid',
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    SAML_SP_KEY_FILE: 'bench/unused/sp-key.pem',
    SAML_SP_CERT_FILE: 'bench/unused/sp-cert.pem',
    ACCESS_TOKEN_SIGNING_KEY_FILE: 'bench/unused/access-token-key.pem',
  });
  // 'info', not config.logLevel: every request writes its "request completed" line, as in production.
  const log = createLogger('info', nullStream());
  const openapi = await loadOpenApi(config.openapiPath);
  const dataSource = createDataSource({ ...config.database, url: ctx.databaseUrl, log, entities: ENTITIES });
  await dataSource.initialize(); // the run's database is already migrated
  const app = createApp({ config, log, dataSource, openapi, auth: [{ authenticators: [testAuthenticator] }], ...options });
  return { handler: app, close: () => dataSource.destroy() };
}
