/**
 * The connection under a transaction broke between two of its statements
 * (for example PostgreSQL terminated the session: 57P01). TypeORM then releases
 * the query runner by itself, and the transaction's next statement fails with
 * QueryRunnerAlreadyReleasedError, which names neither the database nor the
 * cause. inTransaction rethrows that as this, with the connection's error as
 * the cause, so it is answered 503 while a released runner used by mistake
 * stays a 500.
 */
export class DatabaseConnectionLost extends Error {
  constructor(cause: unknown) {
    super('The database connection was lost during the transaction', { cause });
    this.name = 'DatabaseConnectionLost';
  }
}

const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * True for errors that mean "the database is not there right now" rather
 * than "this query is wrong": the caller gets 503 and may retry.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    if (typeof e !== 'object') return false;
    if (e instanceof DatabaseConnectionLost) return true;
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (UNAVAILABLE_NODE_CODES.has(code)) return true;
      // Class 08 (connection exception), 57P01..57P03 (admin shutdown, crash shutdown, cannot connect now).
      if (/^08...$/.test(code) || code === '57P01' || code === '57P02' || code === '57P03') return true;
    }
    if (
      typeof message === 'string' &&
      /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(message)
    ) {
      return true;
    }
    e = (e as { driverError?: unknown; cause?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}
