import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The quorum rule a panel has set (quorum.rule.ts); a panel without one uses the default. Table `panel_quorum_rules`. */
@Entity({ name: 'panel_quorum_rules' })
export class PanelQuorumRuleEntity {
  @PrimaryColumn({ type: 'uuid' })
  panel_id!: string;

  @Column({ type: 'boolean' })
  chair_required!: boolean;

  /** Members needed present per capacity, e.g. `{ "police": 1 }`. */
  @Column({ type: 'jsonb' })
  capacities!: Record<string, number>;

  @Column({ type: 'integer' })
  minimum_present!: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated_at!: Date;

  @Column({ type: 'text' })
  updated_by_type!: string;

  @Column({ type: 'text' })
  updated_by_id!: string;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}
