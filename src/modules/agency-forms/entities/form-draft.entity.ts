import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An agency's work in progress on a request (not validated in full). Table `form_drafts`. */
@Entity({ name: 'form_drafts' })
export class FormDraftEntity {
  @PrimaryColumn({ type: 'uuid' })
  request_id!: string;

  @Column({ type: 'integer' })
  template_version!: number;

  /** Personal data: never logged. */
  @Column({ type: 'jsonb' })
  answers!: Record<string, unknown>;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  saved_at!: Date;

  @Column({ type: 'text' })
  saved_by_type!: string;

  @Column({ type: 'text' })
  saved_by_id!: string;
}
