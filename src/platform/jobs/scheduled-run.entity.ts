import { Column, Entity, PrimaryColumn } from 'typeorm';

type ScheduledRunStatus = 'running' | 'done' | 'failed';

/**
 * One run of a daily job at its scheduled instant (`slot`), claimed by one
 * instance at a time (scheduler.ts). Times are the scheduler's clock, which
 * tests set. Table `scheduled_runs`.
 */
@Entity({ name: 'scheduled_runs' })
export class ScheduledRunEntity {
  @PrimaryColumn({ type: 'text' })
  job!: string;

  @PrimaryColumn({ type: 'timestamptz' })
  slot!: Date;

  @Column({ type: 'text' })
  status!: ScheduledRunStatus;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ type: 'timestamptz' })
  started_at!: Date;

  /** While running: another instance may take the run over after this instant (the first is presumed dead). */
  @Column({ type: 'timestamptz' })
  lease_until!: Date;

  /** After a failure: not retried before this instant. */
  @Column({ type: 'timestamptz', nullable: true })
  retry_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  finished_at!: Date | null;

  /** The error's code or class name, never its message. */
  @Column({ type: 'text', nullable: true })
  last_error_code!: string | null;
}
