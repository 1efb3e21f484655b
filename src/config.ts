import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from './platform/project-root';

/**
 * The whole configuration, parsed once from the environment at start-up.
 * A bad value stops the process with a message naming the variable; nothing
 * else in the code reads process.env.
 */
const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

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
    SEED_DEMO_DATA: booleanFromEnv.optional(),
    OPENAPI_VALIDATE_RESPONSES: booleanFromEnv.default(false),
    TRUST_PROXY: z.string().default('false'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: 'is required when NODE_ENV=production (the embedded database is for development only)',
      });
    }
  });

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
  seedDemoData: boolean;
  validateResponses: boolean;
  trustProxy: boolean | number | string;
  openapiPath: string;
}>;

export class ConfigError extends Error {}

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
    seedDemoData: e.SEED_DEMO_DATA ?? e.NODE_ENV === 'development',
    validateResponses: e.OPENAPI_VALIDATE_RESPONSES,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    openapiPath: path.join(projectRoot(), 'openapi', 'openapi.yaml'),
  });
}

function parseTrustProxy(v: string): boolean | number | string {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v; // a list of addresses/subnets, as Express accepts
}
