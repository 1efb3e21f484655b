import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { CaseStatus, HoldReason } from '../case-status';
import type { ExpectedDeath, NhsNumberExceptionReason, Sex } from '../cases.types';

/**
 * One child death. The status is stored alongside the append-only action log
 * (case_actions) and changed in the same transaction as its entry. The child_*
 * columns are special-category personal data: never logged. Table `cases`.
 */
@Entity({ name: 'cases' })
export class CaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The panel's gapless reference (WOR-2026-0042); null while the case waits unassigned. */
  @Column({ type: 'text', nullable: true })
  reference!: string | null;

  @Column({ type: 'uuid', nullable: true })
  panel_id!: string | null;

  @Column({ type: 'text' })
  status!: CaseStatus;

  @Column({ type: 'text', nullable: true })
  hold_reason!: HoldReason | null;

  @Column({ type: 'text', nullable: true })
  child_nhs_number!: string | null;

  @Column({ type: 'text', nullable: true })
  child_nhs_exception!: NhsNumberExceptionReason | null;

  @Column({ type: 'text' })
  child_given_name!: string;

  @Column({ type: 'text' })
  child_family_name!: string;

  @Column({ type: 'date' })
  child_date_of_birth!: string;

  @Column({ type: 'text' })
  child_sex!: Sex;

  @Column({ type: 'date' })
  date_of_death!: string;

  @Column({ type: 'integer' })
  age_at_death_days!: number;

  @Column({ type: 'text' })
  local_authority_code!: string;

  @Column({ type: 'text' })
  expected_death!: ExpectedDeath;

  /** Category of death (1-10, the national categories), once the panel has one. */
  @Column({ type: 'smallint', nullable: true })
  category!: number | null;

  @Column({ type: 'timestamptz', nullable: true })
  held_since!: Date | null;

  /** Set when this case was a duplicate merged into another. */
  @Column({ type: 'uuid', nullable: true })
  merged_into_case_id!: string | null;

  @Column({ type: 'timestamptz' })
  notified_at!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated_at!: Date;

  /** Optimistic-concurrency version: the ETag. */
  @Column({ type: 'integer', default: 1 })
  version!: number;
}
