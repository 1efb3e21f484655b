import { QueryRunnerAlreadyReleasedError, type DataSource, type EntityManager } from 'typeorm';
import { DatabaseConnectionLost } from './errors';

export type Tx = EntityManager;

/**
 * One transaction per command: everything the callback writes commits or none of it does.
 * If the connection breaks between two statements, the failure surfaces as
 * DatabaseConnectionLost (503) rather than TypeORM's bare "query runner already released".
 */
export async function inTransaction<T>(ds: DataSource, work: (tx: Tx) => Promise<T>): Promise<T> {
  const runner = ds.createQueryRunner();
  let lost: unknown;
  const onConnectionError = (err: unknown) => {
    lost ??= err;
  };
  let connection:
    { on(e: 'error', l: (err: unknown) => void): void; removeListener(e: 'error', l: (err: unknown) => void): void } | undefined;
  try {
    connection = (await runner.connect()) as NonNullable<typeof connection>;
    connection.on('error', onConnectionError);
    // PostgreSQL's default READ COMMITTED; naming it would cost TypeORM an extra round trip (SET TRANSACTION).
    return await runner.manager.transaction(work);
  } catch (err) {
    if (lost !== undefined && err instanceof QueryRunnerAlreadyReleasedError) throw new DatabaseConnectionLost(lost);
    throw err;
  } finally {
    connection?.removeListener('error', onConnectionError);
    await runner.release();
  }
}
