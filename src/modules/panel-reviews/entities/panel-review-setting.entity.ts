import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The analysis template a panel records its reviews on (absent: the default). Table `panel_review_settings`. */
@Entity({ name: 'panel_review_settings' })
export class PanelReviewSettingEntity {
  @PrimaryColumn({ type: 'uuid' })
  panel_id!: string;

  @Column({ type: 'text' })
  template_id!: string;

  @Column({ type: 'integer' })
  template_version!: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated_at!: Date;

  @Column({ type: 'text' })
  updated_by!: string;
}
