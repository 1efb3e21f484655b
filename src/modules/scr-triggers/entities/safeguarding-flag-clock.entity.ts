import { Column, Entity, PrimaryColumn } from 'typeorm';

export type FlagClockStatus = 'running' | 'met' | 'stopped';

/** A statutory clock a flag started, due `working_days` after its awareness date. Table `safeguarding_flag_clocks`. */
@Entity({ name: 'safeguarding_flag_clocks' })
export class SafeguardingFlagClockEntity {
  @PrimaryColumn({ type: 'uuid' })
  flag_id!: string;

  @PrimaryColumn({ type: 'text' })
  clock_id!: string;

  @Column({ type: 'text' })
  label!: string;

  @Column({ type: 'text' })
  basis!: string;

  @Column({ type: 'integer' })
  working_days!: number;

  @Column({ type: 'date' })
  due_on!: string;

  @Column({ type: 'text', default: 'running' })
  status!: FlagClockStatus;

  @Column({ type: 'date', nullable: true })
  met_on!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  stopped_at!: Date | null;
}
