import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Regime } from '../rules/rule';

/** The safeguarding-review regime a panel follows; no row: the current one (2018). Table `panel_safeguarding_settings`. */
@Entity({ name: 'panel_safeguarding_settings' })
export class PanelSafeguardingSettingEntity {
  @PrimaryColumn({ type: 'uuid' })
  panel_id!: string;

  @Column({ type: 'text' })
  regime!: Regime;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated_at!: Date;

  @Column({ type: 'text' })
  updated_by_type!: 'user' | 'client';

  @Column({ type: 'text' })
  updated_by_id!: string;
}
