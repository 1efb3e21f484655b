import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type FlagEventAction =
  'raised' | 'evidence_added' | 'acknowledged' | 'referred' | 'dismissed' | 'awareness_corrected' | 'notification_recorded';

/** One entry of a flag's history, append-only (trigger). Table `safeguarding_flag_events`. */
@Entity({ name: 'safeguarding_flag_events' })
export class SafeguardingFlagEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'uuid' })
  flag_id!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;

  @Column({ type: 'text' })
  action!: FlagEventAction;

  @Column({ type: 'text' })
  actor_type!: 'user' | 'client';

  @Column({ type: 'text' })
  actor_id!: string;

  /** Ids, dates and counts only. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  details!: Record<string, unknown>;

  /** Free text (a dismissal's or a correction's reason): never logged. */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;
}
