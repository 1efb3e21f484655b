import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { CaseStatus } from '../case-status';

/** One entry of a case's append-only history (a trigger refuses UPDATE and DELETE). Table `case_actions`. */
@Entity({ name: 'case_actions' })
export class CaseActionEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'uuid' })
  case_id!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text', nullable: true })
  from_status!: CaseStatus | null;

  @Column({ type: 'text' })
  to_status!: CaseStatus;

  @Column({ type: 'text' })
  actor_type!: string;

  @Column({ type: 'text', nullable: true })
  actor_id!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  payload!: Record<string, unknown> | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  occurred_at!: Date;
}
