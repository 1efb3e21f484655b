import net from 'node:net';
import pg from 'pg';

/**
 * Diagnostics for one server child (BENCH_COUNT_SQL=1): counts the SQL
 * statements its pg clients send (every statement goes through
 * Client.prototype.query: pool.query, TypeORM's driver, connect-pg-simple),
 * the writes to database sockets (round trips: statements pipelined together
 * go out in one write) and the HTTP requests it answers, and prints them per
 * request, statements by kind, when it stops. Costs a little CPU: do not compare req/s of a counted run.
 */
const byStatement = new Map<string, number>();
let statements = 0;
let requests = 0;
/** Writes to database sockets: one per round trip (statements sent together go out in one write). */
let databaseWrites = 0;

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
  // Every socket write (write or writev) goes through _writeGeneric; the server's own sockets have .server.
  const sock = net.Socket.prototype as unknown as { _writeGeneric: (...args: unknown[]) => unknown; server?: unknown };
  const writeGeneric = sock._writeGeneric;
  sock._writeGeneric = function countedWrite(this: { server?: unknown }, ...args: unknown[]) {
    if (!this.server) databaseWrites++;
    return writeGeneric.apply(this, args);
  };
}

export function countRequest(): void {
  requests++;
}

export function sqlCountReport(label: string): string {
  const per = (n: number) => (requests ? (n / requests).toFixed(2) : '-');
  const lines = [
    `${label}: ${requests} HTTP requests, ${statements} SQL statements (${per(statements)} per request), ` +
      `${databaseWrites} database round trips (${per(databaseWrites)} per request)`,
  ];
  for (const [k, n] of [...byStatement].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    lines.push(`  ${(requests ? n / requests : 0).toFixed(3).padStart(7)}/req  ${String(n).padStart(7)}  ${k}`);
  }
  return lines.join('\n');
}
