import type { EntityTarget, ObjectLiteral } from 'typeorm';
import type { Tx } from './transaction';

/**
 * For hand-written SQL that returns whole rows of an entity: the entity's
 * columns as a select list (`c.id, c.reference, ...`), from its TypeORM
 * metadata, so the SQL selects exactly what the entity type says a row has
 * and a column added to the entity is selected everywhere at once.
 */
const cache = new WeakMap<object, Map<string, string>>();

export function columnsOf<E extends ObjectLiteral>(tx: Tx, entity: EntityTarget<E>, alias: string): string {
  const meta = tx.connection.getMetadata(entity);
  let byAlias = cache.get(meta);
  if (!byAlias) cache.set(meta, (byAlias = new Map<string, string>()));
  let list = byAlias.get(alias);
  if (list === undefined) {
    list = meta.columns.map((c) => `${alias}.${c.databaseName}`).join(', ');
    byAlias.set(alias, list);
  }
  return list;
}
