import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A file attached to a form request, with the type recognised from its bytes
 * and its SHA-256. Never changes; deletable only until the form is next
 * submitted (trigger). Table `form_attachments`.
 *
 * `content` is never selected with the rest of the row (`select: false`, and
 * `ATTACHMENT_META_COLUMNS` for hand-written SQL): downloads read it in slices.
 */
@Entity({ name: 'form_attachments' })
export class FormAttachmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  request_id!: string;

  /** Revisions the request had when the file was uploaded; the file belongs to every later one. */
  @Column({ type: 'integer' })
  request_revision!: number;

  /** Personal data (may name the child): never logged. */
  @Column({ type: 'text' })
  filename!: string;

  @Column({ type: 'text' })
  media_type!: string;

  @Column({ type: 'integer' })
  size!: number;

  /** Hex. */
  @Column({ type: 'text' })
  sha256!: string;

  /** Personal data: never logged, never loaded whole. */
  @Column({ type: 'bytea', select: false })
  content!: Buffer;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  uploaded_at!: Date;

  @Column({ type: 'text' })
  uploaded_by_type!: string;

  @Column({ type: 'text' })
  uploaded_by_id!: string;
}

/** A row without its content: what every read but a download's slices returns. */
export type FormAttachmentMeta = Omit<FormAttachmentEntity, 'content'>;
