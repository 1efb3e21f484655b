import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { SmtpSettings } from './platform/mail';
import { projectRoot } from './platform/project-root';
import { loadDeadlineRules, type DeadlineRule } from './modules/cases';
import { ATTACHMENT_MEDIA_TYPES, type AttachmentMediaType } from './modules/agency-forms';

/**
 * The whole configuration, parsed once from the environment at start-up.
 * A bad value stops the process with a message naming the variable; nothing
 * else in the code reads process.env.
 */
const booleanFromEnv = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Requests per RATE_LIMIT_WINDOW_S; 0 turns that limit off. */
const rateLimit = z.coerce.number().int().min(0).max(1_000_000_000);

/** `cdop@example.org` or `Name <cdop@example.org>`, on one line. */
const MAIL_FROM = /^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/;

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(3000),
    DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(15000),
    EMBEDDED_PG_DIR: z.string().min(1).default('.data/postgres'),
    EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    BODY_LIMIT: z
      .string()
      .regex(/^\d+(b|kb|mb)$/i, 'must look like 1mb, 512kb or 1000b')
      .default('1mb'),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10000),
    AUDIT_SEAL_INTERVAL_MS: z.coerce.number().int().min(50).max(60000).default(1000),
    DEADLINE_RULES_FILE: z.string().min(1).optional(),
    IDEMPOTENCY_RETENTION_H: z.coerce
      .number()
      .int()
      .min(24)
      .max(24 * 90)
      .default(48),
    SEED_DEMO_DATA: booleanFromEnv.optional(),
    NHS_TEST_NUMBERS_ACCEPTED: booleanFromEnv.optional(),
    FORM_DUE_WORKING_DAYS: z.coerce.number().int().min(1).max(260).default(15),
    FORM_REMINDER_WORKING_DAYS_BEFORE: z.coerce.number().int().min(0).max(60).default(2),
    FORM_ESCALATION_WORKING_DAYS: z.coerce.number().int().min(1).max(260).default(5),
    FORM_CHASE_TIME: z
      .string()
      .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be HH:MM')
      .default('08:00'),
    ATTACHMENT_TYPES: z
      .string()
      .default(ATTACHMENT_MEDIA_TYPES.join(','))
      .transform((v) => [
        ...new Set(
          v
            .split(',')
            .map((t) => t.trim().toLowerCase())
            .filter(Boolean),
        ),
      ])
      .pipe(z.array(z.enum(ATTACHMENT_MEDIA_TYPES)).min(1, 'must name at least one type')),
    // Held in memory whole while it is checked and stored: at most 100 MiB.
    ATTACHMENT_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(100 * 1024 * 1024)
      .default(20 * 1024 * 1024),
    ATTACHMENT_MAX_PER_REQUEST: z.coerce.number().int().min(1).max(1000).default(50),
    OPENAPI_VALIDATE_RESPONSES: booleanFromEnv.default(false),
    TRUST_PROXY: z.string().default('false'),
    PUBLIC_BASE_URL: z
      .string()
      .regex(/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/, 'must be an absolute http(s) URL without query or fragment')
      .optional(),
    SAML_IDPS_FILE: z.string().min(1).optional(),
    SAML_SP_KEY_FILE: z.string().min(1).optional(),
    SAML_SP_CERT_FILE: z.string().min(1).optional(),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    SESSION_IDLE_TIMEOUT_MIN: z.coerce.number().int().min(1).max(1440).default(30),
    SESSION_ABSOLUTE_TIMEOUT_H: z.coerce.number().int().min(1).max(168).default(10),
    DEV_IDP: booleanFromEnv.optional(),
    ACCESS_TOKEN_TTL_S: z.coerce.number().int().min(60).max(3600).default(300),
    ACCESS_TOKEN_SIGNING_KEY_FILE: z.string().min(1).optional(),
    RATE_LIMIT_WINDOW_S: z.coerce.number().int().min(1).max(86_400).default(60),
    RATE_LIMIT_SAML_PER_ADDRESS: rateLimit.default(60),
    RATE_LIMIT_TOKEN_PER_CLIENT: rateLimit.default(30),
    RATE_LIMIT_TOKEN_PER_ADDRESS: rateLimit.default(120),
    RATE_LIMIT_NOTIFICATIONS_PER_CLIENT: rateLimit.default(600),
    RATE_LIMIT_NOTIFICATIONS_PER_ADDRESS: rateLimit.default(1200),
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
    MAIL_ENABLED: booleanFromEnv.optional(),
    MAIL_FROM: z
      .string()
      .regex(MAIL_FROM, 'must be an address (cdop@example.org) or a name and an address (CDOP <cdop@example.org>)')
      .optional(),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/[^/?#\s]+\/?$/, 'must be smtp://[user:password@]host[:port] or smtps://…')
      .optional(),
    SMTP_HOST: z.string().min(1).optional(),
    SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    SMTP_SECURE: booleanFromEnv.optional(),
    SMTP_REQUIRE_TLS: booleanFromEnv.optional(),
    SMTP_USER: z.string().min(1).optional(),
    SMTP_PASSWORD: z.string().min(1).optional(),
    MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(10),
    MAIL_POLL_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
    MAIL_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    JOBS_ENABLED: booleanFromEnv.optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: 'is required when NODE_ENV=production (the embedded database is for development only)',
      });
    }
    if (Boolean(env.SAML_SP_KEY_FILE) !== Boolean(env.SAML_SP_CERT_FILE)) {
      ctx.addIssue({ code: 'custom', path: ['SAML_SP_CERT_FILE'], message: 'SAML_SP_KEY_FILE and SAML_SP_CERT_FILE go together' });
    }
    if (env.NODE_ENV === 'production') {
      // Single sign-on: what development generates for itself must be provided in production.
      if (!env.PUBLIC_BASE_URL?.startsWith('https://')) {
        ctx.addIssue({
          code: 'custom',
          path: ['PUBLIC_BASE_URL'],
          message: 'is required when NODE_ENV=production and must be an https:// URL',
        });
      }
      for (const name of ['SESSION_SECRET', 'SAML_SP_KEY_FILE', 'SAML_SP_CERT_FILE'] as const) {
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when NODE_ENV=production' });
      }
      if (env.DEV_IDP === true) {
        ctx.addIssue({
          code: 'custom',
          path: ['DEV_IDP'],
          message: 'must not be true when NODE_ENV=production: the development identity provider signs anyone in',
        });
      }
    }
    if (env.METRICS_PORT !== undefined && env.METRICS_PORT !== 0 && env.METRICS_PORT === env.PORT) {
      ctx.addIssue({ code: 'custom', path: ['METRICS_PORT'], message: 'must differ from PORT (metrics get a listener of their own)' });
    }
    checkMailSettings(env, ctx);
    if (env.NODE_ENV === 'production' && !env.ACCESS_TOKEN_SIGNING_KEY_FILE) {
      ctx.addIssue({
        code: 'custom',
        path: ['ACCESS_TOKEN_SIGNING_KEY_FILE'],
        message: "is required when NODE_ENV=production (a PKCS#8 PEM EC P-256 key that signs agency systems' access tokens)",
      });
    }
  });

type Env = z.infer<typeof schema>;
type RefineContext = Parameters<Parameters<typeof schema.superRefine>[0]>[1];

const SMTP_PARTS = ['SMTP_HOST', 'SMTP_PORT', 'SMTP_SECURE', 'SMTP_USER', 'SMTP_PASSWORD'] as const;

function checkMailSettings(env: Env, ctx: RefineContext): void {
  if (env.SMTP_URL) {
    for (const name of SMTP_PARTS) {
      if (env[name] !== undefined)
        ctx.addIssue({ code: 'custom', path: [name], message: 'set SMTP_URL or SMTP_HOST and its parts, not both' });
    }
  } else if (!env.SMTP_HOST) {
    for (const name of SMTP_PARTS) {
      if (env[name] !== undefined) ctx.addIssue({ code: 'custom', path: [name], message: 'needs SMTP_HOST' });
    }
  }
  if (Boolean(env.SMTP_USER) !== Boolean(env.SMTP_PASSWORD)) {
    ctx.addIssue({ code: 'custom', path: ['SMTP_PASSWORD'], message: 'SMTP_USER and SMTP_PASSWORD go together' });
  }
  const mailEnabled = env.MAIL_ENABLED ?? env.NODE_ENV !== 'test';
  if (env.NODE_ENV === 'production' && mailEnabled) {
    if (!env.SMTP_URL && !env.SMTP_HOST) {
      ctx.addIssue({
        code: 'custom',
        path: ['SMTP_URL'],
        message:
          'SMTP_URL or SMTP_HOST is required when NODE_ENV=production and mail is enabled (MAIL_ENABLED=false turns mail off on this instance)',
      });
    }
    if (!env.MAIL_FROM)
      ctx.addIssue({ code: 'custom', path: ['MAIL_FROM'], message: 'is required when NODE_ENV=production and mail is enabled' });
  }
}

/** The SMTP server from SMTP_URL or SMTP_HOST and its parts (already validated); none: mail is logged (not in production). */
function smtpSettings(e: Env): SmtpSettings | undefined {
  const requireTls = e.SMTP_REQUIRE_TLS ?? e.NODE_ENV === 'production';
  if (e.SMTP_URL) {
    const url = new URL(e.SMTP_URL);
    const secure = url.protocol === 'smtps:';
    return {
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      requireTls,
      user: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
    };
  }
  if (!e.SMTP_HOST) return undefined;
  const secure = e.SMTP_SECURE ?? e.SMTP_PORT === 465;
  return {
    host: e.SMTP_HOST,
    port: e.SMTP_PORT ?? (secure ? 465 : 587),
    secure,
    requireTls,
    user: e.SMTP_USER,
    password: e.SMTP_PASSWORD,
  };
}

export type Config = Readonly<{
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  database: Readonly<{
    /** Absent: start the embedded PostgreSQL. */
    url: string | undefined;
    poolMax: number;
    connectTimeoutMs: number;
    statementTimeoutMs: number;
    embeddedDir: string;
    embeddedPort: number;
  }>;
  logLevel: string;
  bodyLimit: string;
  shutdownTimeoutMs: number;
  auditSealIntervalMs: number;
  /** Statutory and local clocks: the defaults with DEADLINE_RULES_FILE applied. */
  deadlineRules: readonly DeadlineRule[];
  idempotencyRetentionHours: number;
  seedDemoData: boolean;
  /** Accept NHS numbers in the 999 test range (never in production by default). */
  nhsTestNumbersAccepted: boolean;
  /** Working days (England, bank holidays excluded) a requested agency form is due after, unless the coordinator names a date. */
  formDueWorkingDays: number;
  /** Chasing requested forms (src/modules/agency-forms/chasing.rule.ts), daily at `time` Europe/London. */
  formChasing: Readonly<{ reminderWorkingDaysBefore: number; escalateAfterOverdueWorkingDays: number; time: string }>;
  /** Files attached to form requests: the types accepted, the largest file, how many a request may hold. */
  attachments: Readonly<{ types: readonly AttachmentMediaType[]; maxBytes: number; maxPerRequest: number }>;
  validateResponses: boolean;
  trustProxy: boolean | number | string;
  openapiPath: string;
  /** Where browsers reach this service (SAML ACS URLs and our SP entity id derive from it); no trailing slash. */
  publicBaseUrl: string;
  saml: Readonly<{
    /** JSON list of identity providers (see src/auth/saml/idp-registry.ts). */
    idpsFile: string | undefined;
    /** Our SP signing key and certificate; absent outside production: generated (kept under keysDir in development). */
    spKeyFile: string | undefined;
    spCertFile: string | undefined;
    /** The built-in development IdP (never in production). */
    devIdp: boolean;
    keysDir: string;
  }>;
  session: Readonly<{
    /** Absent outside production: generated (kept under saml.keysDir in development). */
    secret: string | undefined;
    idleTimeoutMin: number;
    absoluteTimeoutH: number;
  }>;
  /** Access tokens issued to agency systems by POST /oauth2/token. */
  accessTokens: Readonly<{
    ttlS: number;
    /** PKCS#8 PEM, EC P-256 (ES256). Absent outside production: generated (kept in generatedKeyFile in development, in memory in tests). */
    signingKeyFile: string | undefined;
    generatedKeyFile: string;
  }>;
  /**
   * Requests per windowS from one client or one address (0: no limit), held in
   * PostgreSQL so they apply across instances (src/platform/http/rate-limit.ts).
   */
  rateLimits: Readonly<{
    windowS: number;
    samlPerAddress: number;
    tokenPerClient: number;
    tokenPerAddress: number;
    notificationsPerClient: number;
    notificationsPerAddress: number;
  }>;
  /**
   * Prometheus metrics. With `port`, /metrics is served on a listener of its own
   * (on `host`) and not on the API port. On the API port it needs `token` as a
   * bearer token when one is set, and is not served at all in production without one.
   */
  metrics: Readonly<{
    port: number | undefined;
    host: string;
    token: string | undefined;
  }>;
  /**
   * E-mail from the outbox (src/platform/outbox). `enabled`: this instance runs
   * the relay (messages are written to the outbox whatever it says, and wait
   * there for an instance that sends them).
   */
  mail: Readonly<{
    enabled: boolean;
    from: string;
    /** Absent (development and tests only): messages are logged without personal data, not delivered. */
    smtp: Readonly<SmtpSettings> | undefined;
    maxAttempts: number;
    pollIntervalMs: number;
    /** Sent and dead messages are deleted this long after they finished. */
    retentionDays: number;
  }>;
  /** This instance runs the job queue (pg-boss) and with it the daily jobs. */
  jobs: Readonly<{ enabled: boolean }>;
}>;

export class ConfigError extends Error {}

function readDeadlineRules(file: string | undefined): readonly DeadlineRule[] {
  if (!file) return loadDeadlineRules(undefined);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(path.resolve(projectRoot(), file), 'utf8'));
  } catch (err) {
    throw new ConfigError(`Invalid configuration:\n  DEADLINE_RULES_FILE: cannot read ${file} as JSON (${(err as Error).message})`);
  }
  try {
    return loadDeadlineRules(json);
  } catch (err) {
    throw new ConfigError(`Invalid configuration:\n  DEADLINE_RULES_FILE: ${(err as Error).message}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(environment)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return Object.freeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    database: Object.freeze({
      url: e.DATABASE_URL,
      poolMax: e.DB_POOL_MAX,
      connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      embeddedDir: path.resolve(projectRoot(), e.EMBEDDED_PG_DIR),
      embeddedPort: e.EMBEDDED_PG_PORT,
    }),
    logLevel: e.LOG_LEVEL,
    bodyLimit: e.BODY_LIMIT,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    auditSealIntervalMs: e.AUDIT_SEAL_INTERVAL_MS,
    deadlineRules: readDeadlineRules(e.DEADLINE_RULES_FILE),
    idempotencyRetentionHours: e.IDEMPOTENCY_RETENTION_H,
    seedDemoData: e.SEED_DEMO_DATA ?? e.NODE_ENV === 'development',
    nhsTestNumbersAccepted: e.NHS_TEST_NUMBERS_ACCEPTED ?? e.NODE_ENV !== 'production',
    formDueWorkingDays: e.FORM_DUE_WORKING_DAYS,
    formChasing: Object.freeze({
      reminderWorkingDaysBefore: e.FORM_REMINDER_WORKING_DAYS_BEFORE,
      escalateAfterOverdueWorkingDays: e.FORM_ESCALATION_WORKING_DAYS,
      time: e.FORM_CHASE_TIME,
    }),
    attachments: Object.freeze({
      types: Object.freeze(e.ATTACHMENT_TYPES),
      maxBytes: e.ATTACHMENT_MAX_BYTES,
      maxPerRequest: e.ATTACHMENT_MAX_PER_REQUEST,
    }),
    validateResponses: e.OPENAPI_VALIDATE_RESPONSES,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    openapiPath: path.join(projectRoot(), 'openapi', 'openapi.yaml'),
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    saml: Object.freeze({
      idpsFile: e.SAML_IDPS_FILE ? path.resolve(projectRoot(), e.SAML_IDPS_FILE) : undefined,
      spKeyFile: e.SAML_SP_KEY_FILE ? path.resolve(projectRoot(), e.SAML_SP_KEY_FILE) : undefined,
      spCertFile: e.SAML_SP_CERT_FILE ? path.resolve(projectRoot(), e.SAML_SP_CERT_FILE) : undefined,
      devIdp: e.DEV_IDP ?? e.NODE_ENV === 'development',
      keysDir: path.join(projectRoot(), '.data', 'keys'),
    }),
    session: Object.freeze({
      secret: e.SESSION_SECRET,
      idleTimeoutMin: e.SESSION_IDLE_TIMEOUT_MIN,
      absoluteTimeoutH: e.SESSION_ABSOLUTE_TIMEOUT_H,
    }),
    accessTokens: Object.freeze({
      ttlS: e.ACCESS_TOKEN_TTL_S,
      signingKeyFile: e.ACCESS_TOKEN_SIGNING_KEY_FILE ? path.resolve(projectRoot(), e.ACCESS_TOKEN_SIGNING_KEY_FILE) : undefined,
      generatedKeyFile: path.join(projectRoot(), '.data', 'keys', 'access-token-es256.pem'),
    }),
    rateLimits: Object.freeze({
      windowS: e.RATE_LIMIT_WINDOW_S,
      samlPerAddress: e.RATE_LIMIT_SAML_PER_ADDRESS,
      tokenPerClient: e.RATE_LIMIT_TOKEN_PER_CLIENT,
      tokenPerAddress: e.RATE_LIMIT_TOKEN_PER_ADDRESS,
      notificationsPerClient: e.RATE_LIMIT_NOTIFICATIONS_PER_CLIENT,
      notificationsPerAddress: e.RATE_LIMIT_NOTIFICATIONS_PER_ADDRESS,
    }),
    metrics: Object.freeze({ port: e.METRICS_PORT, host: e.METRICS_HOST, token: e.METRICS_TOKEN }),
    mail: Object.freeze({
      enabled: e.MAIL_ENABLED ?? e.NODE_ENV !== 'test',
      from: e.MAIL_FROM ?? 'CDOP case management (development) <cdop@localhost.localdomain>',
      smtp: ((s) => (s ? Object.freeze(s) : undefined))(smtpSettings(e)),
      maxAttempts: e.MAIL_MAX_ATTEMPTS,
      pollIntervalMs: e.MAIL_POLL_INTERVAL_MS,
      retentionDays: e.MAIL_RETENTION_DAYS,
    }),
    jobs: Object.freeze({ enabled: e.JOBS_ENABLED ?? e.NODE_ENV !== 'test' }),
  });
}

function parseTrustProxy(v: string): boolean | number | string {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v; // a list of addresses/subnets, as Express accepts
}
