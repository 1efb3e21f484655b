import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

type OutboxStatus = 'pending' | 'sent' | 'dead';

/**
 * An e-mail to send, written in the transaction of the change that causes it
 * (enqueueMessage) and delivered after commit by the relay (outbox-relay.ts).
 * Table `outbox_messages`.
 */
@Entity({ name: 'outbox_messages' })
export class OutboxMessageEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** What the message is, for metrics and logs (e.g. `request.reminder`): never personal data. */
  @Column({ type: 'text' })
  kind!: string;

  /** One address. */
  @Column({ type: 'text' })
  recipient!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'text' })
  body_text!: string;

  /** Unique when set: a second enqueue with the same key is a no-op (a re-run job sends once). */
  @Column({ type: 'text', nullable: true })
  dedupe_key!: string | null;

  @Column({ type: 'text', default: 'pending' })
  status!: OutboxStatus;

  /** Delivery attempts that reached an outcome (sent, or failed with a code). */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** Not sent before this instant (the backoff after a failure). */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  next_attempt_at!: Date;

  /** The transport's code for the last failure (`ECONNECTION`, `EENVELOPE:550`), never its message. */
  @Column({ type: 'text', nullable: true })
  last_error_code!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;

  /** When it was sent, or given up on (dead). */
  @Column({ type: 'timestamptz', nullable: true })
  finished_at!: Date | null;
}
