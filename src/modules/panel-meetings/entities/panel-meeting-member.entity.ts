import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Capacity } from '../quorum.rule';

export type Attendance = 'present' | 'apologies' | 'absent';

/** Someone invited to a panel meeting, in a capacity, with their attendance once recorded. Table `panel_meeting_members`. */
@Entity({ name: 'panel_meeting_members' })
export class PanelMeetingMemberEntity {
  @PrimaryColumn({ type: 'uuid' })
  meeting_id!: string;

  @PrimaryColumn({ type: 'uuid' })
  user_id!: string;

  @Column({ type: 'text' })
  capacity!: Capacity;

  @Column({ type: 'text', nullable: true })
  attendance!: Attendance | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  invited_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  attendance_recorded_at!: Date | null;
}
