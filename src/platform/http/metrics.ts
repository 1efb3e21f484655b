import client from 'prom-client';
import type { Pool } from 'pg';
import type { NextFunction, Request, Response } from 'express';
import { routeTemplate } from './request-context';

export interface Metrics {
  registry: client.Registry;
  middleware: (req: Request, res: Response, next: NextFunction) => void;
  observePool(pool: Pool): void;
}

/** One registry per app instance (tests build several apps in one process). */
export function createMetrics(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });

  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  return {
    registry,
    middleware(req, res, next) {
      const end = duration.startTimer();
      res.on('finish', () => end({ method: req.method, route: routeTemplate(req), status: String(res.statusCode) }));
      next();
    },
    observePool(pool) {
      const gauge = (name: string, help: string, read: () => number) =>
        new client.Gauge({
          name,
          help,
          registers: [registry],
          collect() {
            this.set(read());
          },
        });
      gauge('db_pool_connections_total', 'Connections open in the database pool', () => pool.totalCount);
      gauge('db_pool_connections_idle', 'Idle connections in the database pool', () => pool.idleCount);
      gauge('db_pool_requests_waiting', 'Queries waiting for a pooled connection', () => pool.waitingCount);
    },
  };
}
