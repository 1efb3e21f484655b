import type { Client } from 'pg';

/**
 * Diagnostics (BENCH_PG_STATS=1, embedded PostgreSQL only): PostgreSQL's own
 * time per statement, from pg_stat_statements, gathered per side over the
 * load runs and printed per request after each scenario. Execution time
 * includes waiting for locks (a transaction queued on a row lock shows here),
 * so it says where a request's database time goes, not only its CPU.
 */
interface PgStats {
  /** Forgets what was counted so far (before a load run). */
  reset(): Promise<void>;
  /** Adds what was counted since the last reset to `side`'s totals, with the requests it served. */
  collect(side: string, requests: number): Promise<void>;
  report(label: string): string;
}

interface Row {
  query: string;
  calls: number;
  exec_ms: number;
  plan_ms: number;
}

export async function enablePgStats(db: Client): Promise<PgStats | undefined> {
  if (process.env.BENCH_PG_STATS !== '1') return undefined;
  try {
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await db.query('SELECT pg_stat_statements_reset()');
  } catch (err) {
    console.warn(`BENCH_PG_STATS: pg_stat_statements is not available (${String(err)}); it needs the embedded PostgreSQL`);
    return undefined;
  }
  const sides = new Map<string, { requests: number; rows: Map<string, Row> }>();
  return {
    async reset() {
      await db.query('SELECT pg_stat_statements_reset()');
    },
    async collect(side, requests) {
      const { rows } = await db.query<Row>(
        `SELECT regexp_replace(query, '\\s+', ' ', 'g') AS query, calls::int AS calls,
                total_exec_time::float8 AS exec_ms, total_plan_time::float8 AS plan_ms
           FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      const s = sides.get(side) ?? { requests: 0, rows: new Map<string, Row>() };
      s.requests += requests;
      for (const r of rows) {
        const key = r.query.slice(0, 200);
        const acc = s.rows.get(key) ?? { query: key, calls: 0, exec_ms: 0, plan_ms: 0 };
        acc.calls += r.calls;
        acc.exec_ms += r.exec_ms;
        acc.plan_ms += r.plan_ms;
        s.rows.set(key, acc);
      }
      sides.set(side, s);
      await db.query('SELECT pg_stat_statements_reset()');
    },
    report(label) {
      const lines: string[] = [];
      for (const [side, s] of sides) {
        const per = (n: number) => (s.requests ? n / s.requests : 0);
        const all = [...s.rows.values()];
        const total = all.reduce((a, r) => a + r.exec_ms + r.plan_ms, 0);
        lines.push(
          `${label} ${side}: ${s.requests} requests, PostgreSQL statement time ${(per(total) * 1000).toFixed(0)} µs/req (exec + plan, lock waits included)`,
        );
        for (const r of all.sort((a, b) => b.exec_ms + b.plan_ms - (a.exec_ms + a.plan_ms)).slice(0, 20)) {
          lines.push(
            `  ${(per(r.exec_ms) * 1000).toFixed(0).padStart(6)} µs exec ${(per(r.plan_ms) * 1000).toFixed(0).padStart(5)} µs plan ` +
              `${per(r.calls).toFixed(2).padStart(6)}/req  ${r.query.slice(0, 100)}`,
          );
        }
      }
      return lines.join('\n');
    },
  };
}
