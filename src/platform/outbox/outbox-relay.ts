import client from 'prom-client';
import type { DataSource } from 'typeorm';
import { inTransaction } from '../db/transaction';
import type { Logger } from '../logger';
import { isPermanentMailError, mailErrorCode, type MailTransport } from '../mail/mail-transport';
import { OutboxMessageEntity } from './outbox-message.entity';

/**
 * Delivers the outbox after commit.
 *
 * Each message is claimed in a transaction of its own (`FOR UPDATE SKIP
 * LOCKED`), handed to the transport while the row stays locked, and its
 * outcome (sent; failed with a code and a later attempt; dead) written in that
 * same transaction. So:
 * - a message committed by its change is never lost: until a relay records it
 *   as sent it stays pending, and any relay (this instance after a restart,
 *   or another) sends it at its next poll;
 * - two relays (two instances) never send the same message: a locked row is
 *   skipped, and a row whose outcome is committed no longer matches;
 * - if the process dies (or its database connection breaks) after the SMTP
 *   server accepted the message but before the commit, the claim rolls back
 *   and the message is sent again: delivery is at least once, and this is the
 *   one case of a duplicate. The resend carries the same Message-ID
 *   (`<outbox id@sender's domain>`), by which mail systems and clients can
 *   recognise it.
 */
interface OutboxRelayOptions {
  dataSource: DataSource;
  transport: MailTransport;
  /** The From of every message (MAIL_FROM); its domain is the Message-ID's. */
  from: string;
  log: Logger;
  /** A message failing this many times is dead (never retried). Default 10. */
  maxAttempts?: number;
  /** How often to look for due messages. Default 5 s. */
  pollIntervalMs?: number;
  /** Backoff after the n-th failure: baseMs × 2^(n−1), at most maxMs, less up to 20 % jitter. Default 30 s to 1 h. */
  retry?: { baseMs: number; maxMs: number };
  /** Messages sent one after another before the relay looks at the clock again. Default 50. */
  batchSize?: number;
  /** Upper bound on one send (the transport's own timeouts are shorter). Default 60 s. */
  sendTimeoutMs?: number;
  /** Registers the relay's counters (and the pending gauge) here. */
  registry?: client.Registry;
}

export interface RelayRound {
  sent: number;
  retried: number;
  dead: number;
}

export interface OutboxRelay {
  /** Sends every message due now (up to batchSize), one at a time. Safe to call while the relay runs. */
  runOnce(): Promise<RelayRound>;
  /** Polls every pollIntervalMs until stop(). */
  start(): void;
  /** Stops polling and waits for the message in hand. */
  stop(): Promise<void>;
}

const DEFAULTS = {
  maxAttempts: 10,
  pollIntervalMs: 5_000,
  retry: { baseMs: 30_000, maxMs: 3_600_000 },
  batchSize: 50,
  sendTimeoutMs: 60_000,
};

/** The wait before attempt n + 1 after n failures (n ≥ 1), jitter drawn from `random` (0 ≤ r < 1). */
export function retryDelayMs(failures: number, retry: { baseMs: number; maxMs: number }, random: number = Math.random()): number {
  const full = Math.min(retry.maxMs, retry.baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
  return Math.round(full * (1 - 0.2 * random));
}

/** `<id@domain>` with the sender's domain (RFC 5322 wants a domain the sender controls). */
export function messageIdFor(id: string, from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  const domain = address.slice(address.lastIndexOf('@') + 1).trim() || 'localhost';
  return `<${id}@${domain}>`;
}

class SendTimeout extends Error {
  readonly code = 'ESENDTIMEOUT';
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SendTimeout(`send took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

type Claimed = Pick<OutboxMessageEntity, 'id' | 'kind' | 'recipient' | 'subject' | 'body_text' | 'attempts'>;

export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const o = {
    ...options,
    maxAttempts: options.maxAttempts ?? DEFAULTS.maxAttempts,
    pollIntervalMs: options.pollIntervalMs ?? DEFAULTS.pollIntervalMs,
    retry: options.retry ?? DEFAULTS.retry,
    batchSize: options.batchSize ?? DEFAULTS.batchSize,
    sendTimeoutMs: options.sendTimeoutMs ?? DEFAULTS.sendTimeoutMs,
  };
  const { dataSource: ds, transport, log } = o;
  const metrics = o.registry ? relayMetrics(o.registry, ds) : undefined;

  /** One message: claim, send, record; false when nothing was due. */
  async function deliverNext(round: RelayRound): Promise<boolean> {
    return inTransaction(ds, async (tx) => {
      // The row lock is held while the SMTP conversation runs: allow the transaction to sit idle that long.
      await tx.query(`SET LOCAL idle_in_transaction_session_timeout = ${Math.ceil(o.sendTimeoutMs + 15_000)}`);
      const rows: Claimed[] = await tx.query(
        `SELECT id, kind, recipient, subject, body_text, attempts
           FROM outbox_messages
          WHERE status = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at, id
          LIMIT 1
          FOR UPDATE SKIP LOCKED`,
      );
      const m = rows[0];
      if (!m) return false;
      const attempt = m.attempts + 1;
      try {
        await withTimeout(
          transport.send({
            messageId: messageIdFor(m.id, o.from),
            kind: m.kind,
            from: o.from,
            to: m.recipient,
            subject: m.subject,
            text: m.body_text,
          }),
          o.sendTimeoutMs,
        );
      } catch (err) {
        const code = mailErrorCode(err).slice(0, 64);
        metrics?.failures.inc({ kind: m.kind, code });
        if (attempt >= o.maxAttempts || isPermanentMailError(err)) {
          await tx.query(
            `UPDATE outbox_messages SET status = 'dead', attempts = $2, last_error_code = $3, finished_at = clock_timestamp() WHERE id = $1`,
            [m.id, attempt, code],
          );
          metrics?.dead.inc({ kind: m.kind });
          round.dead++;
          log.error({ mail: { id: m.id, kind: m.kind, attempt, code } }, 'mail given up: the message is dead');
        } else {
          const delayMs = retryDelayMs(attempt, o.retry);
          await tx.query(
            `UPDATE outbox_messages
                SET attempts = $2, last_error_code = $3, next_attempt_at = clock_timestamp() + $4 * interval '1 millisecond'
              WHERE id = $1`,
            [m.id, attempt, code, delayMs],
          );
          round.retried++;
          log.warn({ mail: { id: m.id, kind: m.kind, attempt, code, retryInMs: delayMs } }, 'mail not sent: will retry');
        }
        return true;
      }
      await tx.query(`UPDATE outbox_messages SET status = 'sent', attempts = $2, finished_at = clock_timestamp() WHERE id = $1`, [
        m.id,
        attempt,
      ]);
      metrics?.sent.inc({ kind: m.kind });
      round.sent++;
      log.debug({ mail: { id: m.id, kind: m.kind, attempt } }, 'mail sent');
      return true;
    });
  }

  let running: Promise<RelayRound> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function round(keepGoing: () => boolean): Promise<RelayRound> {
    const r: RelayRound = { sent: 0, retried: 0, dead: 0 };
    for (let i = 0; i < o.batchSize && keepGoing(); i++) {
      if (!(await deliverNext(r))) break;
    }
    return r;
  }

  const poll = () => {
    timer = undefined;
    running = round(() => !stopped);
    running
      .then(
        (r) => r.sent + r.retried + r.dead >= o.batchSize,
        (err: unknown) => {
          log.warn({ err }, 'outbox relay round failed; trying again at the next poll');
          return false;
        },
      )
      .then((more) => {
        running = undefined;
        if (stopped) return;
        // A full batch: more may be due, so look again at once.
        timer = setTimeout(poll, more ? 0 : o.pollIntervalMs);
        timer.unref();
      })
      .catch(() => undefined);
  };

  return {
    runOnce: () => round(() => true),
    start() {
      if (timer || running) return;
      stopped = false;
      poll();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}

function relayMetrics(registry: client.Registry, ds: DataSource) {
  new client.Gauge({
    name: 'outbox_messages_pending',
    help: 'Messages in the outbox waiting to be sent (including those waiting for a retry)',
    registers: [registry],
    async collect() {
      const [row]: { n: string }[] = await ds.query(`SELECT count(*) AS n FROM outbox_messages WHERE status = 'pending'`);
      this.set(Number(row?.n ?? 0));
    },
  });
  return {
    sent: new client.Counter({
      name: 'outbox_messages_sent_total',
      help: 'Messages accepted by the mail transport',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    failures: new client.Counter({
      name: 'outbox_send_failures_total',
      help: 'Failed send attempts, by transport error code',
      labelNames: ['kind', 'code'] as const,
      registers: [registry],
    }),
    dead: new client.Counter({
      name: 'outbox_messages_dead_total',
      help: 'Messages given up on',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
  };
}

/** Deletes sent and dead messages finished more than `retentionDays` ago (their dedupe keys go with them). */
export async function purgeOutbox(ds: DataSource, retentionDays: number): Promise<number> {
  const result = await ds
    .createQueryBuilder()
    .delete()
    .from(OutboxMessageEntity)
    .where(`status <> 'pending' AND finished_at < now() - make_interval(days => :days)`, { days: retentionDays })
    .execute();
  return result.affected ?? 0;
}
