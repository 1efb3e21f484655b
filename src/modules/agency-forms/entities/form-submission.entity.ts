import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One submitted revision of a request, validated in full, append-only. Table `form_submissions`. */
@Entity({ name: 'form_submissions' })
export class FormSubmissionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  request_id!: string;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ type: 'text' })
  template_id!: string;

  @Column({ type: 'integer' })
  template_version!: number;

  /** Personal data: never logged. */
  @Column({ type: 'jsonb' })
  answers!: Record<string, unknown>;

  @Column({ type: 'integer' })
  questions!: number;

  /** Answered with something other than "not known". */
  @Column({ type: 'integer' })
  answered!: number;

  @Column({ type: 'integer' })
  not_known!: number;

  @Column({ type: 'integer' })
  not_applicable!: number;

  /** Why an amendment was made (revisions after the first). */
  @Column({ type: 'text', nullable: true })
  amendment_reason!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  submitted_at!: Date;

  @Column({ type: 'text' })
  submitted_by_type!: string;

  @Column({ type: 'text' })
  submitted_by_id!: string;
}
