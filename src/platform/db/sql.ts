import type { PoolClient, QueryResultRow } from 'pg';
import type { Tx } from './transaction';

interface SqlResult<T> {
  rows: T[];
  rowCount: number;
}

/**
 * Runs hand-written SQL inside the caller's transaction and returns rows and
 * the affected count the same way for every statement (TypeORM's plain
 * `query()` changes shape for UPDATE and DELETE).
 */
export async function sql<T = Record<string, unknown>>(tx: Tx, text: string, params: readonly unknown[] = []): Promise<SqlResult<T>> {
  const runner = tx.queryRunner;
  if (!runner) throw new Error('sql() must run inside a transaction (inTransaction)');
  const r = await runner.query(text, params as unknown[], true);
  const rows = (r.records ?? []) as T[];
  return { rows, rowCount: r.affected ?? rows.length };
}

/** The PostgreSQL error behind a TypeORM QueryFailedError, if any. */
export function pgErrorOf(err: unknown): { code?: string; constraint?: string } | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const driver = (err as { driverError?: unknown }).driverError ?? err;
  return typeof driver === 'object' && driver !== null ? driver : undefined;
}

export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';

/**
 * As `sql`, but as a named prepared statement on the transaction's connection: PostgreSQL parses and plans it once per
 * connection (a generic plan after a few runs) instead of on every call. Only for a statement whose text never varies
 * and that runs inside a hot path where planning costs more than running it (the SCR rules' read and write, which run
 * in every change to a case: bench/README.md, "scr-rules"); `name` is that text's alone.
 */
export async function preparedSql<T = Record<string, unknown>>(
  tx: Tx,
  name: string,
  text: string,
  params: readonly unknown[] = [],
): Promise<SqlResult<T>> {
  const client = (tx.queryRunner as { databaseConnection?: PoolClient } | undefined)?.databaseConnection;
  if (!client) throw new Error('preparedSql() must run inside a transaction (inTransaction)');
  const r = await client.query<T & QueryResultRow>({ name, text, values: params as unknown[] });
  return { rows: r.rows, rowCount: r.rowCount ?? r.rows.length };
}
