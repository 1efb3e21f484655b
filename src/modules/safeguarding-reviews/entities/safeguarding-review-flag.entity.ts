import { Entity, PrimaryColumn } from 'typeorm';

/** An SCR flag a review was opened from; a flag is referred once (unique). Table `safeguarding_review_flags`. */
@Entity({ name: 'safeguarding_review_flags' })
export class SafeguardingReviewFlagEntity {
  @PrimaryColumn({ type: 'uuid' })
  review_id!: string;

  @PrimaryColumn({ type: 'uuid' })
  flag_id!: string;
}
