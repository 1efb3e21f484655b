import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { CaseStatus } from '../case-status';

/**
 * One move of a case to another panel, append-only (a trigger refuses UPDATE and DELETE): the panel and reference
 * before and after, so an old reference stays findable. Table `case_transfers`.
 */
@Entity({ name: 'case_transfers' })
export class CaseTransferEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  case_id!: string;

  /** The transfer_panel entry of the case history (case_actions.id). */
  @Column({ type: 'bigint' })
  action_id!: string;

  @Column({ type: 'uuid' })
  from_panel_id!: string;

  @Column({ type: 'uuid' })
  to_panel_id!: string;

  @Column({ type: 'text' })
  from_reference!: string;

  @Column({ type: 'text' })
  to_reference!: string;

  @Column({ type: 'text' })
  status_at_transfer!: CaseStatus;

  /** Free text: shown to the coordinators of both panels, never logged or audited. */
  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  transferred_at!: Date;

  @Column({ type: 'text' })
  transferred_by_type!: string;

  @Column({ type: 'text' })
  transferred_by_id!: string;
}
