import { Writable } from 'node:stream';
import type { Express } from 'express';
import type { DataSource } from 'typeorm';
import { createApp, type AppDeps } from '../../src/app';
import { createAuthMechanisms, type AuthMechanism } from '../../src/auth';
import { loadConfig, type Config } from '../../src/config';
import { loadOpenApi, type LoadedOpenApi } from '../../src/platform/http/openapi';
import { createLogger, type Logger } from '../../src/platform/logger';
import { openTestDataSource, truncateAll, workerDatabaseUrl } from './db';
import { testAuthenticator } from './principals';

export interface TestApp {
  app: Express;
  ds: DataSource;
  config: Config;
  /** Every line the app logged, for tests that check what reaches the log. */
  logLines: string[];
  reset(): Promise<void>;
  close(): Promise<void>;
}

let openapi: Promise<LoadedOpenApi> | undefined;

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: workerDatabaseUrl(),
    LOG_LEVEL: 'info',
    OPENAPI_VALIDATE_RESPONSES: 'true',
    SEED_DEMO_DATA: 'false',
    ...env,
  });
}

export function capturingLogger(level = 'info'): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  return { log: createLogger(level, stream), lines };
}

interface TestAppOptions {
  /**
   * Use the service's real authentication mechanisms (createAuthMechanisms:
   * client tokens, and SAML sessions when present) instead of the
   * x-test-principal header, for the suites that test authentication itself
   * and for checks that need every real route mounted.
   */
  realAuth?: boolean;
  /** Listeners run inside every case change's transaction (src/modules/cases/case-changes.ts). */
  caseChangeListeners?: AppDeps['caseChangeListeners'];
  /** The clock of the modules that read "overdue" against today (AppDeps.now). */
  now?: AppDeps['now'];
}

/** The app in-process on the worker's migrated database, with responses validated against the contract. */
export async function startTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const config = testConfig(env);
  const { log, lines } = capturingLogger(config.logLevel);
  const ds = await openTestDataSource(config.database.url);
  openapi ??= loadOpenApi(config.openapiPath);
  const auth: AuthMechanism[] = options.realAuth
    ? await createAuthMechanisms({ config, log, dataSource: ds })
    : [{ authenticators: [testAuthenticator] }];
  const app = createApp({
    config,
    log,
    dataSource: ds,
    openapi: await openapi,
    auth,
    caseChangeListeners: options.caseChangeListeners,
    now: options.now,
  });
  return {
    app,
    ds,
    config,
    logLines: lines,
    reset: () => truncateAll(ds),
    close: async () => {
      for (const m of auth) await m.close?.();
      await ds.destroy();
    },
  };
}
