import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One statutory or local clock of a case (see ../clocks). Table `case_deadlines`. */
@Entity({ name: 'case_deadlines' })
export class CaseDeadlineEntity {
  @PrimaryColumn({ type: 'uuid' })
  case_id!: string;

  @PrimaryColumn({ type: 'text' })
  rule_id!: string;

  @Column({ type: 'text' })
  starts_from!: string;

  @Column({ type: 'timestamptz' })
  started_at!: Date;

  @Column({ type: 'timestamptz' })
  due_at!: Date;

  /** The Europe/London date it falls due (its end is due_at). */
  @Column({ type: 'date' })
  due_date!: string;

  @Column({ type: 'timestamptz', nullable: true })
  met_at!: Date | null;
}
