import { DataSource } from 'typeorm';
import type { Pool } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { Logger } from '../logger';
import { MIGRATIONS } from '../../../migrations';

export interface DataSourceOptions {
  url: string;
  poolMax: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  log: Logger;
}

/** TypeORM over pg. Schema comes only from migrations: synchronize stays off. */
export function createDataSource(o: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: o.url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    entities: [],
    logging: false,
    // gen_random_uuid() is core since PostgreSQL 13: no extension to create, so a least-privilege role works.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    applicationName: 'cdop-api',
    connectTimeoutMS: o.connectTimeoutMs,
    extra: {
      max: o.poolMax,
      statement_timeout: o.statementTimeoutMs,
      idle_in_transaction_session_timeout: o.statementTimeoutMs * 2,
      idleTimeoutMillis: 30_000,
    },
    // An idle client whose backend is terminated emits 'error' on the pool; without a listener
    // that would crash the process. The pool drops the client and makes a new one on demand.
    poolErrorHandler: (err: Error) => o.log.warn({ err }, 'idle database connection lost'),
  });
}

export function poolOf(ds: DataSource): Pool {
  return (ds.driver as PostgresDriver).master as Pool;
}
