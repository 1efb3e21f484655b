import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A conflict of interest: a member recused from a case. Permanent (trigger). Table `case_recusals`. */
@Entity({ name: 'case_recusals' })
export class CaseRecusalEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  case_id!: string;

  @Column({ type: 'uuid' })
  user_id!: string;

  /** Free text (personal data): never logged. */
  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  declared_at!: Date;

  @Column({ type: 'text' })
  recorded_by_type!: string;

  @Column({ type: 'text' })
  recorded_by_id!: string;
}
