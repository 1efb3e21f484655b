import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

type MeetingStatus = 'scheduled' | 'held' | 'cancelled';

/** A meeting of a panel. Table `panel_meetings`. */
@Entity({ name: 'panel_meetings' })
export class PanelMeetingEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  panel_id!: string;

  @Column({ type: 'text', nullable: true })
  title!: string | null;

  @Column({ type: 'timestamptz' })
  starts_at!: Date;

  /** Where, when not online. */
  @Column({ type: 'text', nullable: true })
  location!: string | null;

  @Column({ type: 'boolean', default: false })
  online!: boolean;

  @Column({ type: 'text', nullable: true })
  joining_link!: string | null;

  @Column({ type: 'text', default: 'scheduled' })
  status!: MeetingStatus;

  @Column({ type: 'timestamptz', nullable: true })
  held_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  cancelled_at!: Date | null;

  /** Free text: never logged. */
  @Column({ type: 'text', nullable: true })
  cancelled_reason!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'text' })
  created_by_type!: string;

  @Column({ type: 'text' })
  created_by_id!: string;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}
