import pg from 'pg';

/**
 * Diagnostics for one server child (BENCH_COUNT_SQL=1): counts the SQL
 * statements its pg clients send (every pg round trip goes through
 * Client.prototype.query: pool.query, TypeORM's driver, connect-pg-simple) and
 * the HTTP requests it answers, and prints statements per request by kind
 * when it stops. Costs a little CPU: do not compare req/s of a counted run.
 */
const byStatement = new Map<string, number>();
let statements = 0;
let requests = 0;

function kindOf(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 90);
}

export function installSqlCounter(): void {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function countedQuery(this: unknown, ...args: unknown[]) {
    const q = args[0];
    const text = typeof q === 'string' ? q : (q as { text?: string } | null)?.text;
    if (typeof text === 'string') {
      statements++;
      const k = kindOf(text);
      byStatement.set(k, (byStatement.get(k) ?? 0) + 1);
    }
    return original.apply(this, args);
  };
}

export function countRequest(): void {
  requests++;
}

export function sqlCountReport(label: string): string {
  const lines = [`${label}: ${requests} HTTP requests, ${statements} SQL statements (${requests ? (statements / requests).toFixed(2) : '-'} per request)`];
  for (const [k, n] of [...byStatement].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    lines.push(`  ${(requests ? n / requests : 0).toFixed(3).padStart(7)}/req  ${String(n).padStart(7)}  ${k}`);
  }
  return lines.join('\n');
}
