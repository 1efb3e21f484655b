import type { DataSource, EntityManager } from 'typeorm';

export type Tx = EntityManager;

/** One transaction per command: everything the callback writes commits or none of it does. */
export function inTransaction<T>(ds: DataSource, work: (tx: Tx) => Promise<T>): Promise<T> {
  return ds.transaction('READ COMMITTED', work);
}
