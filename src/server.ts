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
import { createHttpServer } from './platform/http/http-server';
import { createMetrics } from './platform/http/metrics';
import { loadOpenApi } from './platform/http/openapi';
import { purgeRateLimits } from './platform/http/rate-limit';
import { poolOf } from './platform/db/data-source';
import type { Logger } from './platform/logger';
import { chaseRequests, seedNationalTemplates } from './modules/agency-forms';
import { createScheduler, startJobQueue, type JobQueue, type JobQueueOptions, type Scheduler } from './platform/jobs';
import { createLogTransport, createSmtpTransport, type MailTransport } from './platform/mail';
import { createOutboxRelay, purgeOutbox, type OutboxRelay } from './platform/outbox';
import { seedDirectoryForDevelopment } from './modules/directory';

export interface RunningService {
  server: http.Server;
  /** The METRICS_PORT listener, when configured, and its URL. */
  metricsServer?: http.Server;
  metricsUrl?: string;
  database: Database;
  /** The daily jobs: tests call scheduler.runDueWork(now) with a clock of their own. */
  scheduler: Scheduler;
  /** The outbox relay, when this instance sends mail (MAIL_ENABLED). */
  relay?: OutboxRelay;
  url: string;
  /**
   * Stops accepting connections and jobs, lets in-flight requests, jobs and the message being sent finish (bounded),
   * closes the pool, stops the embedded server.
   */
  shutdown(reason: string): Promise<void>;
}

interface ServiceOverrides {
  /** Replaces the configured authentication mechanisms (tests). */
  auth?: readonly AuthMechanism[];
  /** Replaces the transport chosen from the configuration (tests). */
  mailTransport?: MailTransport;
  /** The job queue's clock and pace (tests). */
  jobQueue?: Pick<JobQueueOptions, 'clock' | 'tickCron' | 'pollingIntervalSeconds' | 'pgBoss'>;
}

/**
 * Every daily job of the service, on the scheduler (src/platform/jobs):
 * modules add theirs here, each a function of their index.ts taking the
 * scheduler and what it needs.
 */
function registerDailyJobs(scheduler: Scheduler, deps: { config: Config; log: Logger; dataSource: Database['dataSource'] }): void {
  const { config, log, dataSource } = deps;
  // Sent and dead mail is kept MAIL_RETENTION_DAYS (the recipient's address is in it), then deleted.
  scheduler.daily('outbox-purge', { at: '03:30' }, async () => {
    const deleted = await purgeOutbox(dataSource, config.mail.retentionDays);
    log.info({ deleted }, 'outbox purged of finished messages');
  });
  // Agency forms: reminders before and on the due date, overdue marking, escalation (src/modules/agency-forms/chasing.rule.ts).
  scheduler.daily('form-request-chasing', { at: config.formChasing.time }, async (run) => {
    await chaseRequests({ ds: dataSource, log, policy: config.formChasing, publicBaseUrl: config.publicBaseUrl }, run);
  });
}

/** config → database → migrate → national form templates → seed (dev) → app → listen. */
export async function startService(config: Config, log: Logger, overrides: ServiceOverrides = {}): Promise<RunningService> {
  const openapi = await loadOpenApi(config.openapiPath);
  const database = await openDatabase(config, log, ENTITIES);
  // What has started so far, stopped again if start-up fails part-way (e.g. the port is taken).
  let auth: readonly AuthMechanism[] = [];
  let sealer: AuditSealer | undefined;
  let housekeeping: NodeJS.Timeout | undefined;
  let metricsServer: http.Server | undefined;
  let relay: OutboxRelay | undefined;
  let mailTransport: MailTransport | undefined;
  let jobs: JobQueue | undefined;
  try {
    await seedNationalTemplates(database.dataSource, log);
    if (config.seedDemoData) await seedDirectoryForDevelopment(database.dataSource, log);
    auth = overrides.auth ?? (await createAuthMechanisms({ config, log, dataSource: database.dataSource }));
    const metrics = createMetrics();
    const app = createApp({ config, log, dataSource: database.dataSource, openapi, auth, metrics });
    sealer = startAuditSealer(database.dataSource, log, config.auditSealIntervalMs);
    const scheduler = createScheduler({ dataSource: database.dataSource, log });
    registerDailyJobs(scheduler, { config, log, dataSource: database.dataSource });
    if (config.mail.enabled) {
      const transport = overrides.mailTransport ?? (config.mail.smtp ? createSmtpTransport(config.mail.smtp) : createLogTransport(log));
      mailTransport = transport;
      relay = createOutboxRelay({
        dataSource: database.dataSource,
        transport,
        from: config.mail.from,
        log,
        maxAttempts: config.mail.maxAttempts,
        pollIntervalMs: config.mail.pollIntervalMs,
        registry: metrics.registry,
      });
      relay.start();
      log.info({ transport: transport.name }, 'outbox relay started');
    }
    if (config.jobs.enabled) jobs = await startJobQueue({ ...overrides.jobQueue, dataSource: database.dataSource, scheduler, log });
    // Hourly housekeeping: Idempotency-Keys past their retention, rate-limit counters of past windows.
    housekeeping = setInterval(() => {
      purgeIdempotencyKeys(database.dataSource, config.idempotencyRetentionHours).catch((err: unknown) =>
        log.warn({ err }, 'idempotency key purge failed'),
      );
      purgeRateLimits(poolOf(database.dataSource)).catch((err: unknown) => log.warn({ err }, 'rate-limit purge failed'));
    }, 3_600_000);
    housekeeping.unref();
    // Metrics on a port of their own (METRICS_PORT): only /metrics, for the scraper's network, never the API's.
    let metricsUrl: string | undefined;
    if (config.metrics.port !== undefined) {
      metricsServer = http.createServer((req, res) => {
        if (req.method !== 'GET' || !/^\/metrics(\?|$)/.test(req.url ?? '')) {
          res.statusCode = 404;
          res.end();
          return;
        }
        metrics.registry.metrics().then(
          (text) => {
            res.setHeader('Content-Type', metrics.registry.contentType);
            res.end(text);
          },
          (err: unknown) => {
            log.error({ err }, 'metrics collection failed');
            res.statusCode = 500;
            res.end();
          },
        );
      });
      metricsUrl = `${await listenOn(metricsServer, config.metrics.port, config.metrics.host)}/metrics`;
      log.info({ url: metricsUrl }, 'metrics listening');
    }
    const server = createHttpServer(app, log);
    server.keepAliveTimeout = 5_000;
    const url = await listenOn(server, config.port, config.host);
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
        // Meanwhile: take no new jobs and let the ones in hand finish; send no more mail after the message in hand.
        const background = Promise.all([
          jobs?.stop(config.shutdownTimeoutMs).catch((err: unknown) => log.warn({ err }, 'job queue stop failed')),
          relay?.stop(),
        ]);
        await closed;
        clearTimeout(timer);
        await background;
        mailTransport?.close();
        if (metricsServer) {
          const m = metricsServer;
          await new Promise<void>((resolve) => m.close(() => resolve()));
        }
        for (const m of auth) await m.close?.();
        clearInterval(housekeeping);
        await sealer?.stop();
        await database.close();
        log.info('shutdown complete');
      })());
    return { server, database, scheduler, relay, url, metricsServer, metricsUrl, shutdown };
  } catch (err) {
    clearInterval(housekeeping);
    await jobs?.stop(1_000).catch(() => undefined);
    await relay?.stop().catch(() => undefined);
    mailTransport?.close();
    metricsServer?.close();
    await sealer?.stop().catch(() => undefined);
    for (const m of auth) await m.close?.().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw err;
  }
}

/** Listens and answers the URL to reach the server at (0.0.0.0 is reached at 127.0.0.1). */
async function listenOn(server: http.Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}`;
}
