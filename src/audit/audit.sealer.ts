import type { DataSource } from 'typeorm';
import type { Logger } from '../platform/logger';
import { sealPending } from './audit.chain';

export interface AuditSealer {
  /** Seals once more and stops. */
  stop(): Promise<void>;
}

/**
 * Links committed audit events into the hash chain every `intervalMs`. Every
 * instance runs one; an advisory lock lets only one seal at a time. A plain
 * timer is enough: the job is idempotent and needs no persistence or retries
 * beyond the next tick.
 */
export function startAuditSealer(ds: DataSource, log: Logger, intervalMs: number): AuditSealer {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = sealPending(ds)
      .then((n) => {
        if (n) log.debug({ sealed: n }, 'audit events sealed');
      })
      .catch((err: unknown) => log.warn({ err }, 'audit sealing failed; will retry'));
    return running;
  };
  const timer = setInterval(() => {
    void running.then(tick);
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
      await tick();
    },
  };
}
