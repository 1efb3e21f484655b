import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AuditOutcome } from '../audit.types';

/**
 * One audit event: who did what to which record, when, with what outcome.
 * Append-only (triggers refuse UPDATE, DELETE and TRUNCATE). Table `audit_events`.
 *
 * Not mapped: `tx_id xid8 DEFAULT pg_current_xact_id()`, the writing transaction,
 * which only the sealer reads in SQL (TypeORM has no xid8 type); see
 * AUDIT_EVENT_UNMAPPED_COLUMNS, which the schema check holds to the table.
 */
@Entity({ name: 'audit_events' })
export class AuditEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'timestamptz', default: () => 'clock_timestamp()' })
  occurred_at!: Date;

  @Column({ type: 'text' })
  actor_type!: 'user' | 'client' | 'anonymous' | 'system';

  @Column({ type: 'text', nullable: true })
  actor_id!: string | null;

  @Column({ type: 'text', nullable: true })
  idp_id!: string | null;

  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text', nullable: true })
  resource_type!: string | null;

  @Column({ type: 'text', nullable: true })
  resource_id!: string | null;

  @Column({ type: 'text' })
  outcome!: AuditOutcome;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'text', nullable: true })
  request_id!: string | null;

  @Column({ type: 'text', nullable: true })
  purpose!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  details!: Record<string, unknown> | null;
}

/** Columns of audit_events the entity does not map, with their PostgreSQL type. */
export const AUDIT_EVENT_UNMAPPED_COLUMNS = { tx_id: 'xid8' } as const;
