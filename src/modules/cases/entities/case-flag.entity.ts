import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type FlagStatus = 'open' | 'dismissed' | 'resolved';

/** A flag a rule raised on a case, with the rule's id, version and evidence. Table `case_flags`. */
@Entity({ name: 'case_flags' })
export class CaseFlagEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  case_id!: string;

  /** e.g. POSSIBLE_DUPLICATE */
  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text', default: 'open' })
  status!: FlagStatus;

  @Column({ type: 'text' })
  rule_id!: string;

  @Column({ type: 'integer' })
  rule_version!: number;

  /** Why the rule fired: field names and matches, never personal data copied in. */
  @Column({ type: 'jsonb' })
  evidence!: Record<string, unknown>;

  /** The other case of a flag relating two cases (a possible duplicate). */
  @Column({ type: 'uuid', nullable: true })
  related_case_id!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  raised_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  closed_at!: Date | null;

  @Column({ type: 'text', nullable: true })
  closed_by!: string | null;
}
