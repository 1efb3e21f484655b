import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * Runs one statement on its own, straight on the connection pool. PostgreSQL
 * runs a lone statement as its own transaction (autocommit), so a command that
 * fits in one statement (typically one call of a server-side function) is
 * atomic without BEGIN and COMMIT: one network round trip instead of three,
 * and none of TypeORM's query-runner bookkeeping. Errors are pg's own
 * (DatabaseError with its SQLSTATE code), which the error handler maps the
 * same way as inside a transaction.
 */
export async function statement<T>(ds: DataSource, text: string, params: readonly unknown[]): Promise<T[]> {
  const pool = (ds.driver as unknown as { master?: Pool }).master;
  if (!pool) throw new Error('statement() needs an initialised PostgreSQL DataSource');
  const r = await pool.query<T & object>(text, params as unknown[]);
  return r.rows;
}
