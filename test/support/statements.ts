import pg from 'pg';

/**
 * The SQL statements this process sends while `work` runs: every statement goes through pg's
 * Client.prototype.query (pool.query, TypeORM's driver, pg-boss, connect-pg-simple), so wrapping it sees them all.
 * Each statement is one round trip to the database, the cost that dominates a request on this stack
 * (bench/results/README.md). Whitespace is collapsed; parameters are not recorded.
 */
export async function statementsDuring<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const statements: string[] = [];
  proto.query = function recordedQuery(this: unknown, ...args: unknown[]) {
    const q = args[0];
    const text = typeof q === 'string' ? q : (q as { text?: unknown } | null)?.text;
    if (typeof text === 'string') statements.push(text.replace(/\s+/g, ' ').trim());
    return original.apply(this, args);
  };
  try {
    return { result: await work(), statements };
  } finally {
    proto.query = original;
  }
}
