import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Which panel covers a local authority (ONS GSS code); notifications are routed by it. Table `panel_local_authorities`. */
@Entity({ name: 'panel_local_authorities' })
export class PanelLocalAuthorityEntity {
  @PrimaryColumn({ type: 'text' })
  la_code!: string;

  @Column({ type: 'uuid' })
  panel_id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** Order of the local authority in its panel's list. */
  @Column({ type: 'smallint' })
  position!: number;
}
