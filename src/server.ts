import { ENTITIES } from './entities';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { startAuditSealer, type AuditSealer } from './audit';
import { purgeIdempotencyKeys } from './platform/idempotency/idempotency';
import { createAuthMechanisms } from './auth';
import type { AuthMechanism } from './auth/auth.types';
import type { Config } from './config';
import { openDatabase, type Database } from './platform/db/database';
import { loadOpenApi } from './platform/http/openapi';
import type { Logger } from './platform/logger';
import { seedDirectoryForDevelopment } from './modules/directory';

export interface RunningService {
  server: http.Server;
  database: Database;
  url: string;
  /** Stops accepting connections, lets in-flight requests finish (bounded), closes the pool, stops the embedded server. */
  shutdown(reason: string): Promise<void>;
}

export interface ServiceOverrides {
  /** Replaces the configured authentication mechanisms (tests). */
  auth?: readonly AuthMechanism[];
}

/** config → database → migrate → seed (dev) → app → listen. */
export async function startService(config: Config, log: Logger, overrides: ServiceOverrides = {}): Promise<RunningService> {
  const openapi = await loadOpenApi(config.openapiPath);
  const database = await openDatabase(config, log, ENTITIES);
  // What has started so far, stopped again if start-up fails part-way (e.g. the port is taken).
  let auth: readonly AuthMechanism[] = [];
  let sealer: AuditSealer | undefined;
  let housekeeping: NodeJS.Timeout | undefined;
  try {
    if (config.seedDemoData) await seedDirectoryForDevelopment(database.dataSource, log);
    auth = overrides.auth ?? (await createAuthMechanisms({ config, log, dataSource: database.dataSource }));
    const app = createApp({ config, log, dataSource: database.dataSource, openapi, auth });
    sealer = startAuditSealer(database.dataSource, log, config.auditSealIntervalMs);
    // Hourly housekeeping: Idempotency-Keys past their retention.
    housekeeping = setInterval(() => {
      purgeIdempotencyKeys(database.dataSource, config.idempotencyRetentionHours).catch((err: unknown) =>
        log.warn({ err }, 'idempotency key purge failed'),
      );
    }, 3_600_000);
    housekeeping.unref();
    const server = http.createServer(app);
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
    log.info({ url, docs: `${url}/docs`, embeddedDatabase: database.embedded }, 'CDOP API listening');

    let stopping: Promise<void> | undefined;
    const shutdown = (reason: string) =>
      (stopping ??= (async () => {
        log.info({ reason }, 'shutting down: no new connections, finishing in-flight requests');
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const timer = setTimeout(() => {
          log.warn({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timeout: closing remaining connections');
          server.closeAllConnections();
        }, config.shutdownTimeoutMs);
        await closed;
        clearTimeout(timer);
        for (const m of auth) await m.close?.();
        clearInterval(housekeeping);
        await sealer?.stop();
        await database.close();
        log.info('shutdown complete');
      })());
    return { server, database, url, shutdown };
  } catch (err) {
    clearInterval(housekeeping);
    await sealer?.stop().catch(() => undefined);
    for (const m of auth) await m.close?.().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw err;
  }
}
