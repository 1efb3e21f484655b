import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

type PostMortemReport = 'yes' | 'no' | 'not_applicable' | 'awaited';
type ModifiableFactors = 'yes' | 'no' | 'insufficient_information';

/** A Child Death Review Meeting held locally for a case, with the draft analysis for the panel. Table `case_review_meetings`. */
@Entity({ name: 'case_review_meetings' })
export class CaseReviewMeetingEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  case_id!: string;

  /** A London date, `YYYY-MM-DD`. */
  @Column({ type: 'date' })
  held_on!: string;

  @Column({ type: 'jsonb' })
  attendees!: { agencyId: string; role: string }[];

  @Column({ type: 'text' })
  post_mortem_report!: PostMortemReport;

  /** Free text: never logged. */
  @Column({ type: 'text' })
  summary!: string;

  @Column({ type: 'integer', nullable: true })
  proposed_category!: number | null;

  @Column({ type: 'text', nullable: true })
  modifiable_factors!: ModifiableFactors | null;

  /** Free text: never logged. */
  @Column({ type: 'text' })
  learning!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  recorded_at!: Date;

  @Column({ type: 'text' })
  recorded_by_type!: string;

  @Column({ type: 'text' })
  recorded_by_id!: string;
}
