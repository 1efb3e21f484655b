import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The stored first response of a command sent with an Idempotency-Key, per
 * caller (scope), with a fingerprint of the request. Written in the command's
 * own transaction, so it exists if and only if the command committed.
 * Table `idempotency_keys`.
 */
@Entity({ name: 'idempotency_keys' })
export class IdempotencyKeyEntity {
  @PrimaryColumn({ type: 'text' })
  scope!: string;

  /** SHA-256 (hex) of the caller's Idempotency-Key: the key itself is never stored. */
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'text' })
  request_hash!: string;

  @Column({ type: 'integer' })
  response_status!: number;

  @Column({ type: 'jsonb' })
  response_body!: object;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;
}
