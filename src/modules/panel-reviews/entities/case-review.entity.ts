import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

type ReviewStatus = 'draft' | 'signed';
export type ModifiableFactors = 'yes' | 'no' | 'insufficient_information';
export type SafeguardingCriteriaMet = 'yes' | 'no' | 'not_known';

/** One factor the panel identified, in a domain of the template, with its relevance on the template's scale. */
export interface ReviewFactor {
  domain: string;
  description: string;
  relevance: string;
}

/**
 * One revision of the panel's analysis of a death: a draft, then signed (immutable, trigger). Free text
 * (factors, learning points, the safeguarding reason) may hold personal data: never logged. Table `case_reviews`.
 */
@Entity({ name: 'case_reviews' })
export class CaseReviewEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  case_id!: string;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ type: 'text', default: 'draft' })
  status!: ReviewStatus;

  @Column({ type: 'text' })
  template_id!: string;

  @Column({ type: 'integer' })
  template_version!: number;

  @Column({ type: 'smallint', array: true, default: () => "'{}'" })
  categories_considered!: number[];

  /** The lowest-numbered of categories_considered (the national hierarchy). */
  @Column({ type: 'smallint', nullable: true })
  category!: number | null;

  @Column({ type: 'text', nullable: true })
  modifiable_factors!: ModifiableFactors | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  factors!: ReviewFactor[];

  @Column({ type: 'jsonb', default: () => "'[]'" })
  learning_points!: string[];

  @Column({ type: 'text', nullable: true })
  safeguarding_criteria_met!: SafeguardingCriteriaMet | null;

  @Column({ type: 'text', nullable: true })
  safeguarding_reason!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'text' })
  created_by!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated_at!: Date;

  @Column({ type: 'text' })
  updated_by!: string;

  @Column({ type: 'timestamptz', nullable: true })
  signed_at!: Date | null;

  @Column({ type: 'text', nullable: true })
  signed_by!: string | null;

  @Column({ type: 'uuid', nullable: true })
  signed_meeting_id!: string | null;

  /** The ETag; it keeps rising across revisions, so a tag names one state of the case's review. */
  @Column({ type: 'integer', default: 1 })
  version!: number;
}
