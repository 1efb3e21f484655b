import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SectionDisplay } from '../catalogue/types';

type TemplateVersionStatus = 'draft' | 'published' | 'retired';

/** Display metadata of a template version: sections of fields, each a JSON pointer into the answers (catalogue/types.ts). */
interface TemplateDisplay {
  sections: SectionDisplay[];
}

/**
 * One version of a form template: the JSON Schema (2020-12) its answers must
 * satisfy and how to show it. Immutable once published (trigger). Table `form_template_versions`.
 */
@Entity({ name: 'form_template_versions' })
export class FormTemplateVersionEntity {
  @PrimaryColumn({ type: 'text' })
  template_id!: string;

  @PrimaryColumn({ type: 'integer' })
  version!: number;

  @Column({ type: 'text', default: 'draft' })
  status!: TemplateVersionStatus;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  description!: string;

  /** The national forms change every 1 April: the date this version applies from. */
  @Column({ type: 'date' })
  effective_from!: string;

  @Column({ type: 'jsonb' })
  schema!: Record<string, unknown>;

  @Column({ type: 'jsonb' })
  display!: TemplateDisplay;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'text' })
  created_by!: string;

  @Column({ type: 'timestamptz', nullable: true })
  published_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  retired_at!: Date | null;
}
