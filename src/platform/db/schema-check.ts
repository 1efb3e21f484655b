import type { DataSource } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/**
 * Do the TypeORM entities describe the tables the migrations built?
 *
 * The entities are the typed description of each row; the schema itself is
 * made only by migrations (synchronize is never on). This compares the two on
 * what a row's type depends on: every table has an entity and every entity a
 * table; the same columns; for each, the PostgreSQL type, array or not,
 * nullable or not, part of the primary key or not, generated (identity,
 * uuid, or computed by PostgreSQL and so read-only), and whether it has a
 * default. Constraints, indexes and triggers
 * stay the migrations' business.
 *
 * Columns of a type TypeORM cannot map (xid8) are declared per table in
 * `unmapped` with their type, and checked as such.
 */
interface SchemaDifference {
  table: string;
  column?: string;
  problem: string;
}

interface SchemaCheckOptions {
  /** table → column → PostgreSQL type, for columns no entity maps. */
  unmapped?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Tables that belong to tooling, not to the service (the migrations log). */
  ignoreTables?: readonly string[];
}

/** A column as PostgreSQL describes it (pg_catalog). */
interface DbColumn {
  table: string;
  name: string;
  /** format_type of the element type, e.g. `timestamp with time zone`, `uuid` for `uuid[]`. */
  type: string;
  is_array: boolean;
  nullable: boolean;
  primary: boolean;
  identity: boolean;
  stored_generated: boolean;
  has_default: boolean;
  uuid_default: boolean;
}

const COLUMNS_SQL = `
  SELECT c.relname AS table, a.attname AS name,
         regexp_replace(format_type(a.atttypid, NULL), '\\[\\]$', '') AS type,
         t.typcategory = 'A' AS is_array,
         NOT a.attnotnull AS nullable,
         EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary AND a.attnum = ANY (i.indkey)) AS primary,
         a.attidentity <> '' AS identity,
         a.attgenerated = 's' AS stored_generated,
         d.adbin IS NOT NULL AND a.attgenerated = '' AS has_default,
         coalesce(pg_get_expr(d.adbin, d.adrelid) = 'gen_random_uuid()', false) AS uuid_default
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
   WHERE c.relkind IN ('r', 'p')
   ORDER BY c.relname, a.attnum`;

export async function compareEntitiesWithDatabase(ds: DataSource, opts: SchemaCheckOptions = {}): Promise<SchemaDifference[]> {
  const ignore = new Set(['schema_migrations', ...(opts.ignoreTables ?? [])]);
  const rows: DbColumn[] = await ds.query(COLUMNS_SQL);
  const tables = new Map<string, DbColumn[]>();
  for (const r of rows) if (!ignore.has(r.table)) tables.set(r.table, [...(tables.get(r.table) ?? []), r]);

  const differences: SchemaDifference[] = [];
  for (const meta of ds.entityMetadatas) {
    const columns = tables.get(meta.tableName);
    if (!columns) {
      differences.push({ table: meta.tableName, problem: `entity ${meta.name} has no table` });
      continue;
    }
    tables.delete(meta.tableName);
    const unmapped = opts.unmapped?.[meta.tableName] ?? {};
    const seen = new Set<string>();
    for (const column of meta.columns) {
      seen.add(column.databaseName);
      const found = columns.find((c) => c.name === column.databaseName);
      if (!found) differences.push({ table: meta.tableName, column: column.databaseName, problem: 'in the entity but not in the table' });
      else differences.push(...compareColumn(ds, column, found));
    }
    for (const c of columns) {
      if (seen.has(c.name)) continue;
      const declared = unmapped[c.name];
      if (declared === undefined)
        differences.push({ table: meta.tableName, column: c.name, problem: 'in the table but not in the entity' });
      else if (declared !== c.type) {
        differences.push({
          table: meta.tableName,
          column: c.name,
          problem: `declared unmapped as ${declared}, but the table has ${c.type}`,
        });
      }
    }
  }
  for (const name of tables.keys()) differences.push({ table: name, problem: 'no entity describes this table' });
  return differences;
}

function compareColumn(ds: DataSource, entity: ColumnMetadata, db: DbColumn): SchemaDifference[] {
  const out: SchemaDifference[] = [];
  const differ = (what: string, inEntity: unknown, inTable: unknown) => {
    if (inEntity !== inTable) {
      out.push({ table: db.table, column: db.name, problem: `${what}: entity says ${String(inEntity)}, table has ${String(inTable)}` });
    }
  };
  differ('type', ds.driver.normalizeType(entity), db.type);
  differ('array', entity.isArray, db.is_array);
  differ('nullable', entity.isNullable, db.nullable);
  differ('primary key', entity.isPrimary, db.primary);
  differ('identity', String(entity.generationStrategy) === 'identity', db.identity);
  differ('generated uuid', entity.generationStrategy === 'uuid', db.uuid_default);
  // A column PostgreSQL computes (GENERATED ALWAYS AS ... STORED) must be read-only in the entity.
  differ('computed by the database (read-only)', !entity.isInsert && !entity.isUpdate, db.stored_generated);
  const entityDefault = entity.default !== undefined && entity.default !== null;
  differ('has a default', entityDefault || entity.generationStrategy === 'uuid', db.has_default);
  return out;
}
