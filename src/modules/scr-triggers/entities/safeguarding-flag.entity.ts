import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { EvidenceItem, FlagKind, Regime } from '../rules/rule';

export type SafeguardingFlagStatus = 'open' | 'acknowledged' | 'referred' | 'dismissed';

/**
 * A flag an SCR-trigger rule raised on a case: the rule's id and version, the regime it was raised under, what it
 * opens, the evidence as locations, and the day the responsible body became aware (its clocks run from it). One live
 * (not dismissed) flag per case and rule (unique index). Table `safeguarding_flags`.
 */
@Entity({ name: 'safeguarding_flags' })
export class SafeguardingFlagEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  case_id!: string;

  @Column({ type: 'text' })
  rule_id!: string;

  @Column({ type: 'integer' })
  rule_version!: number;

  @Column({ type: 'text' })
  regime!: Regime;

  @Column({ type: 'text' })
  kind!: FlagKind;

  @Column({ type: 'text' })
  title!: string;

  /** The statutory basis, in words. */
  @Column({ type: 'text' })
  basis!: string;

  /** What the flag opens under its regime, in words. */
  @Column({ type: 'text' })
  opens!: string;

  @Column({ type: 'jsonb' })
  evidence!: EvidenceItem[];

  @Column({ type: 'text', default: 'open' })
  status!: SafeguardingFlagStatus;

  /** The day (Europe/London) the responsible body became aware: by default the day the evidence was committed. */
  @Column({ type: 'date' })
  aware_on!: string;

  @Column({ type: 'boolean', default: false })
  aware_corrected!: boolean;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  raised_at!: Date;

  /** The kind of case change whose transaction raised it (e.g. form_submitted). */
  @Column({ type: 'text' })
  raised_by_change!: string;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ type: 'timestamptz', nullable: true })
  acknowledged_at!: Date | null;

  @Column({ type: 'text', nullable: true })
  acknowledged_by!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  referred_at!: Date | null;

  @Column({ type: 'text', nullable: true })
  referred_by!: string | null;

  /** The safeguarding review the referral opened. */
  @Column({ type: 'uuid', nullable: true })
  review_id!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  dismissed_at!: Date | null;

  @Column({ type: 'text', nullable: true })
  dismissed_by!: string | null;

  /** Free text: never logged. */
  @Column({ type: 'text', nullable: true })
  dismissal_reason!: string | null;
}
