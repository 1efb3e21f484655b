import type { EntityTarget, ObjectLiteral } from 'typeorm';
import type { Tx } from './transaction';

/**
 * For hand-written SQL that returns whole rows of an entity: the entity's
 * columns as a select list (`c.id, c.reference, ...`), from its TypeORM
 * metadata, so the SQL selects exactly what the entity type says a row has
 * and a column added to the entity is selected everywhere at once. `except`
 * leaves out columns a read must not load (a file's content, read in slices).
 */
const cache = new WeakMap<object, Map<string, string>>();

export function columnsOf<E extends ObjectLiteral>(
  tx: Tx,
  entity: EntityTarget<E>,
  alias: string,
  opts: { except?: readonly (keyof E & string)[] } = {},
): string {
  const meta = tx.connection.getMetadata(entity);
  let byAlias = cache.get(meta);
  if (!byAlias) cache.set(meta, (byAlias = new Map<string, string>()));
  const key = opts.except?.length ? `${alias}\0${opts.except.join(',')}` : alias;
  let list = byAlias.get(key);
  if (list === undefined) {
    const except = new Set<string>(opts.except ?? []);
    list = meta.columns
      .filter((c) => !except.has(c.propertyName))
      .map((c) => `${alias}.${c.databaseName}`)
      .join(', ');
    byAlias.set(key, list);
  }
  return list;
}
