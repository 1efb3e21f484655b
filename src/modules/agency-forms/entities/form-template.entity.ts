import { Column, Entity, PrimaryColumn } from 'typeorm';

type TemplateKind = 'reporting' | 'supplementary' | 'individual_management_review' | 'analysis';

/** A data collection form, by its stable key ('reporting', 'sudi', …); its content is versioned. Table `form_templates`. */
@Entity({ name: 'form_templates' })
export class FormTemplateEntity {
  /** The key, e.g. 'sudi'. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  kind!: TemplateKind;

  /** Shipped with the service (the national set), as opposed to created by an administrator. */
  @Column({ type: 'boolean' })
  national!: boolean;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;
}
