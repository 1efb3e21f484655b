import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An individual management review a review asked of an agency: a link to the agency-forms module's form request
 * (which owns the request, its status and its chasing). Table `safeguarding_review_imr_requests`.
 */
@Entity({ name: 'safeguarding_review_imr_requests' })
export class SafeguardingReviewImrRequestEntity {
  @PrimaryColumn({ type: 'uuid' })
  review_id!: string;

  @PrimaryColumn({ type: 'uuid' })
  form_request_id!: string;

  @Column({ type: 'uuid' })
  agency_id!: string;

  @Column({ type: 'timestamptz' })
  requested_at!: Date;

  @Column({ type: 'text' })
  requested_by!: string;
}
