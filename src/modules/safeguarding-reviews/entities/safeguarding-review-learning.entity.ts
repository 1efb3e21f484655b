import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type LearningKind = 'learning_point' | 'action';
export type LearningActionStatus = 'open' | 'in_progress' | 'done' | 'not_accepted';

/**
 * A learning point or an action (owner agency, due date, status) a safeguarding review records, linked to the case
 * for reports. The description is free text: never logged. Table `safeguarding_review_learning`.
 */
@Entity({ name: 'safeguarding_review_learning' })
export class SafeguardingReviewLearningEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  review_id!: string;

  @Column({ type: 'uuid' })
  case_id!: string;

  @Column({ type: 'text' })
  kind!: LearningKind;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'uuid', nullable: true })
  owner_agency_id!: string | null;

  @Column({ type: 'date', nullable: true })
  due_on!: string | null;

  @Column({ type: 'text', nullable: true })
  status!: LearningActionStatus | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'text' })
  created_by!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated_at!: Date;

  @Column({ type: 'text' })
  updated_by!: string;
}
