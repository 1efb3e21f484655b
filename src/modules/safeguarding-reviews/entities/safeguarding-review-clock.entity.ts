import { Column, Entity, PrimaryColumn } from 'typeorm';

export type StoredClockStatus = 'pending' | 'met' | 'met_late' | 'stopped';

/** One statutory clock of a review (review-clocks.rule.ts); overdue is worked out when read. Table `safeguarding_review_clocks`. */
@Entity({ name: 'safeguarding_review_clocks' })
export class SafeguardingReviewClockEntity {
  @PrimaryColumn({ type: 'uuid' })
  review_id!: string;

  @PrimaryColumn({ type: 'text' })
  clock_id!: string;

  @Column({ type: 'text' })
  label!: string;

  /** The statutory basis, in words. */
  @Column({ type: 'text' })
  basis!: string;

  @Column({ type: 'date' })
  starts_on!: string;

  /** Europe/London date; due at the end of that day. */
  @Column({ type: 'date' })
  due_on!: string;

  @Column({ type: 'text', default: 'pending' })
  status!: StoredClockStatus;

  @Column({ type: 'timestamptz', nullable: true })
  met_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  stopped_at!: Date | null;
}
