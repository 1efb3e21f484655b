import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messages and scheduled work (src/platform/outbox, src/platform/jobs).
 *
 * `outbox_messages`: e-mail to send, written in the same transaction as the
 * change that causes it and delivered after commit by the relay, so a message
 * exists if and only if its change committed, and a crash before sending only
 * delays it. The relay claims a row with FOR UPDATE SKIP LOCKED and records
 * the outcome in the same transaction; `dedupe_key` makes a re-run job enqueue
 * a message once.
 *
 * `scheduled_runs`: one row per run of a daily job (job, scheduled instant),
 * claimed by one instance at a time with a lease, so each run happens once
 * however many instances ask for it.
 *
 * pg-boss keeps its own tables in the schema `pgboss`, which it creates and
 * migrates itself when it starts (under its own advisory lock).
 */
export class OutboxAndScheduledRuns1796060221629 implements MigrationInterface {
  name = 'OutboxAndScheduledRuns1796060221629';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        recipient text NOT NULL,
        subject text NOT NULL,
        body_text text NOT NULL,
        dedupe_key text UNIQUE,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error_code text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        CHECK ((status = 'pending') = (finished_at IS NULL))
      );
      COMMENT ON TABLE outbox_messages IS
        'E-mail written in the transaction of the change that causes it, delivered after commit by the relay (src/platform/outbox). Bodies carry a link and a reference, never the identity of a person a record is about. last_error_code holds a transport code only (e.g. EENVELOPE:550), never a message text.';
      CREATE INDEX outbox_messages_due ON outbox_messages (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX outbox_messages_finished ON outbox_messages (finished_at) WHERE status <> 'pending';

      CREATE TABLE scheduled_runs (
        job text NOT NULL,
        slot timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
        attempts integer NOT NULL CHECK (attempts >= 1),
        started_at timestamptz NOT NULL,
        lease_until timestamptz NOT NULL,
        retry_at timestamptz,
        finished_at timestamptz,
        last_error_code text,
        PRIMARY KEY (job, slot)
      );
      COMMENT ON TABLE scheduled_runs IS
        'One row per run of a daily job at its scheduled instant (slot), claimed by one instance with a lease (src/platform/jobs/scheduler.ts).';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE scheduled_runs; DROP TABLE outbox_messages`);
  }
}
