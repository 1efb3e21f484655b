import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One link of the SHA-256 hash chain over audit_events, in sealing order.
 * Append-only. Table `audit_chain`.
 *
 * Not mapped: `watermark xid8` (every transaction older than it had finished
 * when the link was made), read and written by the sealer in SQL; see
 * AUDIT_CHAIN_UNMAPPED_COLUMNS.
 */
@Entity({ name: 'audit_chain' })
export class AuditChainLinkEntity {
  @PrimaryColumn({ type: 'bigint' })
  seq!: string;

  @Column({ type: 'bigint' })
  event_id!: string;

  @Column({ type: 'bytea' })
  prev_hash!: Buffer;

  @Column({ type: 'bytea' })
  hash!: Buffer;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  sealed_at!: Date;
}

export const AUDIT_CHAIN_UNMAPPED_COLUMNS = { watermark: 'xid8' } as const;
