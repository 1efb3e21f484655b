import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ReviewActionStatus = 'open' | 'in_progress' | 'done' | 'not_accepted';

/** An action or recommendation arising from a case's review. The description is free text: never logged. Table `review_actions`. */
@Entity({ name: 'review_actions' })
export class ReviewActionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  case_id!: string;

  @Column({ type: 'text' })
  description!: string;

  /** The agency (directory) that owns it; null while the panel decides. */
  @Column({ type: 'uuid', nullable: true })
  owner_agency_id!: string | null;

  @Column({ type: 'date', nullable: true })
  due_date!: string | null;

  @Column({ type: 'text', default: 'open' })
  status!: ReviewActionStatus;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'text' })
  created_by!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated_at!: Date;

  @Column({ type: 'text' })
  updated_by!: string;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}
