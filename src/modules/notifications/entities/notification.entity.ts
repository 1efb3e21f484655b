import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { NotificationCreate } from '../notifications.types';

type NotificationMatch = 'new_case' | 'nhs_number' | 'demographics' | 'merged';

/** One notification of a death as received (the national form); several can belong to one case. Table `notifications`. */
@Entity({ name: 'notifications' })
export class NotificationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  case_id!: string;

  @Column({ type: 'uuid' })
  notifier_agency_id!: string;

  @Column({ type: 'date' })
  notified_on!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  received_at!: Date;

  @Column({ type: 'text' })
  submitted_by_type!: string;

  @Column({ type: 'text' })
  submitted_by_id!: string;

  /** How it found its case: a new case, by NHS number, by name and dates, or moved by a merge. */
  @Column({ type: 'text' })
  match!: NotificationMatch;

  /** The form as received (personal data). */
  @Column({ type: 'jsonb' })
  payload!: NotificationCreate;
}
