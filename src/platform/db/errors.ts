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

/** Why the database could not serve a request for now, and when to try again. */
interface DatabaseTrouble {
  /** unavailable: not reachable or shutting down; busy: out of time, connections or resources; conflict: lost a lock race (retry at once). */
  kind: 'unavailable' | 'busy' | 'conflict';
  retryAfterS: number;
}

const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

// SQLSTATEs (PostgreSQL appendix A) that say nothing about the request itself, only that the
// database cannot serve it right now.
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down, in recovery)
  '57P05', // idle_session_timeout
  '25P03', // idle_in_transaction_session_timeout: the server closed the connection
]);
const BUSY_SQLSTATES = new Set([
  '57014', // query_canceled: statement_timeout (or an operator's pg_cancel_backend)
  '55P03', // lock_not_available: lock_timeout, NOWAIT
]);
const CONFLICT_SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

// pg and pg-pool errors without a code: the pool could not hand out a connection in time, or the socket went.
const UNAVAILABLE_MESSAGE = /Connection terminated|Client has encountered a connection error|Connection closed|connection timeout/i;
const BUSY_MESSAGE = /timeout exceeded when trying to connect/;

/**
 * What kind of "not now" a database error is, or undefined when it is about
 * the query itself (a bug, a constraint…). Follows TypeORM's driverError and
 * `cause` chains a few levels down.
 */
export function databaseTrouble(err: unknown): DatabaseTrouble | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    if (typeof e !== 'object') return undefined;
    if (e instanceof DatabaseConnectionLost) return { kind: 'unavailable', retryAfterS: 5 };
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (UNAVAILABLE_NODE_CODES.has(code)) return { kind: 'unavailable', retryAfterS: 5 };
      // Class 08: connection exception.
      if (/^08...$/.test(code) || UNAVAILABLE_SQLSTATES.has(code)) return { kind: 'unavailable', retryAfterS: 5 };
      // Class 53: insufficient resources (53300 too_many_connections, 53200 out_of_memory, 53100 disk_full…).
      if (/^53...$/.test(code) || BUSY_SQLSTATES.has(code)) return { kind: 'busy', retryAfterS: 2 };
      if (CONFLICT_SQLSTATES.has(code)) return { kind: 'conflict', retryAfterS: 1 };
    }
    if (typeof message === 'string') {
      if (BUSY_MESSAGE.test(message)) return { kind: 'busy', retryAfterS: 2 };
      if (UNAVAILABLE_MESSAGE.test(message)) return { kind: 'unavailable', retryAfterS: 5 };
    }
    e = (e as { driverError?: unknown; cause?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * True for errors that mean "the database cannot serve this right now"
 * (down, busy, out of connections or time) rather than "this query is wrong":
 * the caller gets 503 with Retry-After and may retry.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  return databaseTrouble(err) !== undefined;
}
