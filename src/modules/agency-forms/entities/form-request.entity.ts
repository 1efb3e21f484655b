import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type FormRequestStatus = 'requested' | 'submitted' | 'withdrawn' | 'waived';

/** A form a coordinator asked an agency to complete for a case. Table `form_requests`. */
@Entity({ name: 'form_requests' })
export class FormRequestEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  case_id!: string;

  @Column({ type: 'uuid' })
  agency_id!: string;

  @Column({ type: 'text' })
  template_id!: string;

  /** The template version current when the form was requested. */
  @Column({ type: 'integer' })
  template_version!: number;

  @Column({ type: 'text', default: 'requested' })
  status!: FormRequestStatus;

  @Column({ type: 'date' })
  due_date!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  requested_at!: Date;

  @Column({ type: 'text' })
  requested_by!: string;

  /** Free text to the agency (personal data possible: never logged). */
  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  submitted_at!: Date | null;

  /** Revisions submitted so far (0 until the first submission). */
  @Column({ type: 'integer', default: 0 })
  revisions!: number;

  @Column({ type: 'timestamptz', nullable: true })
  closed_at!: Date | null;

  @Column({ type: 'text', nullable: true })
  closed_by!: string | null;

  @Column({ type: 'text', nullable: true })
  closed_reason!: string | null;

  /** Row version for ETag / If-Match. */
  @Column({ type: 'integer', default: 1 })
  version!: number;

  /** Chasing (chasing.rule.ts): when each step was taken; null until it is. */
  @Column({ type: 'timestamptz', nullable: true })
  reminded_before_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  reminded_due_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  overdue_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  escalated_at!: Date | null;
}
