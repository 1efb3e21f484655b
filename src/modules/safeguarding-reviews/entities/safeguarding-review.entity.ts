import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Regime, ReviewState } from '../review-workflow';

/**
 * A case referred for a safeguarding review. No panel of its own: the case's panel is the review's, so a case
 * moved to another panel takes its review with it. Table `safeguarding_reviews`.
 */
@Entity({ name: 'safeguarding_reviews' })
export class SafeguardingReviewEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  case_id!: string;

  @Column({ type: 'text' })
  regime!: Regime;

  @Column({ type: 'text' })
  state!: ReviewState;

  /** When the responsible body became aware (Europe/London date). */
  @Column({ type: 'date' })
  aware_on!: string;

  @Column({ type: 'timestamptz' })
  referred_at!: Date;

  @Column({ type: 'text' })
  referred_by_type!: 'user' | 'client';

  @Column({ type: 'text' })
  referred_by_id!: string;

  /** Free text from the referrer: personal data, never logged or audited. */
  @Column({ type: 'text', nullable: true })
  referral_reason!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  rule_ids!: string[];

  /** The version of review-clocks.rule.ts the clocks were computed with. */
  @Column({ type: 'integer' })
  clock_rules_version!: number;

  @Column({ type: 'text', nullable: true })
  decision!: 'proceed' | 'not_proceed' | null;

  /** Free text: never logged or audited. */
  @Column({ type: 'text', nullable: true })
  decision_reason!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  decided_at!: Date | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated_at!: Date;

  /** Row version for ETag / If-Match. */
  @Column({ type: 'integer', default: 1 })
  version!: number;
}
