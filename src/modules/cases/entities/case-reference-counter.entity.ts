import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The last case number issued per panel and year (gapless references). Table `case_reference_counters`. */
@Entity({ name: 'case_reference_counters' })
export class CaseReferenceCounterEntity {
  @PrimaryColumn({ type: 'uuid' })
  panel_id!: string;

  @PrimaryColumn({ type: 'integer' })
  year!: number;

  @Column({ type: 'integer' })
  last_number!: number;
}
