import { notFound, preconditionFailed } from '../http/problem';
import { sql } from './sql';
import type { Tx } from './transaction';

/**
 * After a `... WHERE id = $1 AND version = $2` write touched no row, tells
 * apart "no such row" (404) from "someone changed it since your GET" (412).
 */
export async function explainMissedVersionedWrite(tx: Tx, table: string, id: string, what: string): Promise<never> {
  const { rowCount } = await sql(tx, `SELECT 1 FROM ${table} WHERE id = $1`, [id]);
  throw rowCount ? preconditionFailed() : notFound(what);
}
