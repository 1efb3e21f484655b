import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ReviewActionStatus } from './review-action.entity';

/** One step in an action's status history, with a note: append-only (trigger). Table `review_action_updates`. */
@Entity({ name: 'review_action_updates' })
export class ReviewActionUpdateEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  action_id!: string;

  @Column({ type: 'text' })
  from_status!: ReviewActionStatus;

  @Column({ type: 'text' })
  to_status!: ReviewActionStatus;

  /** Free text: never logged. */
  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'text' })
  created_by!: string;
}
