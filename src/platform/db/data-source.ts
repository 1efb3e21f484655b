import { DataSource, type EntitySchema } from 'typeorm';
import pg from 'pg';
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
  /** Every table's entity (src/entities.ts): the typed description of its rows. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for entity classes
  entities: readonly (Function | EntitySchema)[];
}

// A PostgreSQL `date` is a calendar date, not an instant: keep it as its 'YYYY-MM-DD' text. node-postgres
// would otherwise make a Date at local midnight, which shifts the day in any zone west of UTC.
const PG_DATE_OID = 1082;
pg.types.setTypeParser(PG_DATE_OID, (value: string) => value);

/** TypeORM over pg. Schema comes only from migrations: synchronize stays off. */
export function createDataSource(o: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: o.url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    entities: [...o.entities],
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
