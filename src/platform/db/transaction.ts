import { QueryRunnerAlreadyReleasedError, type DataSource, type EntityManager } from 'typeorm';
import { DatabaseConnectionLost } from './errors';

export type Tx = EntityManager;

/**
 * Work to do at the end of a transaction, just before it commits (and only if
 * the command succeeded): a module can gather rows during a command and write
 * them in one statement. Keyed per transaction, so registering twice runs once.
 */
const beforeCommit = new WeakMap<Tx, Map<string, (tx: Tx) => Promise<void>>>();

/**
 * Runs `flush` before this transaction commits. Returns false when the
 * transaction was not opened by inTransaction (nothing would run it): the
 * caller must then do the work at once.
 */
export function onBeforeCommit(tx: Tx, key: string, flush: (tx: Tx) => Promise<void>): boolean {
  const hooks = beforeCommit.get(tx);
  if (!hooks) return false;
  if (!hooks.has(key)) hooks.set(key, flush);
  return true;
}

/**
 * One transaction per command: everything the callback writes commits or none of it does.
 * If the connection breaks between two statements, the failure surfaces as
 * DatabaseConnectionLost (503) rather than TypeORM's bare "query runner already released".
 */
/**
 * The last error each pooled connection emitted. A connection can emit
 * 'error' (the server shut down, the socket broke) while it is checked out
 * between two statements, and again after TypeORM has given it back to the
 * pool; an 'error' with no listener would crash the process. So each
 * connection gets one listener for its whole life, which only notes the error
 * for the transaction using it.
 */
const connectionErrors = new WeakMap<object, unknown>();
const watched = new WeakSet<object>();

interface Emitter {
  on(event: 'error', listener: (err: unknown) => void): void;
}

function watch(connection: Emitter): void {
  if (watched.has(connection)) return;
  watched.add(connection);
  connection.on('error', (err) => connectionErrors.set(connection, err));
}

/**
 * One transaction per command: everything the callback writes commits or none of it does.
 * If the connection breaks between two statements, the failure surfaces as
 * DatabaseConnectionLost (503) rather than TypeORM's bare "query runner already released".
 */
export async function inTransaction<T>(ds: DataSource, work: (tx: Tx) => Promise<T>): Promise<T> {
  const runner = ds.createQueryRunner();
  let connection: Emitter | undefined;
  try {
    connection = (await runner.connect()) as Emitter;
    watch(connection);
    connectionErrors.delete(connection);
    // PostgreSQL's default READ COMMITTED; naming it would cost TypeORM an extra round trip (SET TRANSACTION).
    return await runner.manager.transaction(async (tx) => {
      const hooks = new Map<string, (tx: Tx) => Promise<void>>();
      beforeCommit.set(tx, hooks);
      const result = await work(tx);
      // A hook may register another (or the same key again after a flush): run until none is left.
      while (hooks.size) {
        const [key, flush] = hooks.entries().next().value!;
        hooks.delete(key);
        await flush(tx);
      }
      beforeCommit.delete(tx);
      return result;
    });
  } catch (err) {
    const lost = connection && connectionErrors.get(connection);
    if (lost !== undefined && err instanceof QueryRunnerAlreadyReleasedError) throw new DatabaseConnectionLost(lost);
    throw err;
  } finally {
    await runner.release();
  }
}
