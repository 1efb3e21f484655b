import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ReviewState } from '../review-workflow';

/** One entry of a review's action log, append-only (trigger). Table `safeguarding_review_history`. */
@Entity({ name: 'safeguarding_review_history' })
export class SafeguardingReviewHistoryEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'uuid' })
  review_id!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text', nullable: true })
  from_state!: ReviewState | null;

  @Column({ type: 'text' })
  to_state!: ReviewState;

  @Column({ type: 'text' })
  actor_type!: 'user' | 'client';

  @Column({ type: 'text' })
  actor_id!: string;

  /** Free text: never logged. */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  /** Free text: never logged. */
  @Column({ type: 'text', nullable: true })
  note!: string | null;

  /** Ids and clock ids only (which clocks the action met, started or stopped; the IMR request). */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  details!: Record<string, unknown>;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  occurred_at!: Date;
}
