import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

type AgendaItemStatus = 'scheduled' | 'reviewed' | 'removed';

/** A case on a meeting's agenda (at most one scheduled item per case: unique index). Table `panel_meeting_agenda_items`. */
@Entity({ name: 'panel_meeting_agenda_items' })
export class PanelMeetingAgendaItemEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  meeting_id!: string;

  @Column({ type: 'uuid' })
  case_id!: string;

  @Column({ type: 'text', default: 'scheduled' })
  status!: AgendaItemStatus;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  added_at!: Date;

  @Column({ type: 'text' })
  added_by_id!: string;

  @Column({ type: 'timestamptz', nullable: true })
  reviewed_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  removed_at!: Date | null;

  @Column({ type: 'text', nullable: true })
  removed_by_id!: string | null;

  /** Free text: never logged. */
  @Column({ type: 'text', nullable: true })
  removed_reason!: string | null;
}
