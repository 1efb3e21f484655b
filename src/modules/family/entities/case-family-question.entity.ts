import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A question the family asked the review to answer, with the panel's latest
 * answer. The question never changes (trigger); the answer may, until the
 * review is signed off. Table `case_family_questions`.
 */
@Entity({ name: 'case_family_questions' })
export class CaseFamilyQuestionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  case_id!: string;

  /** Free text: never logged. */
  @Column({ type: 'text' })
  question!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  added_at!: Date;

  @Column({ type: 'text' })
  added_by_type!: 'user' | 'client';

  @Column({ type: 'text' })
  added_by_id!: string;

  /** Free text: never logged. Null while the question is open. */
  @Column({ type: 'text', nullable: true })
  answer!: string | null;

  /** 0 while open, then 1, 2… with each answer given. */
  @Column({ type: 'integer', default: 0 })
  answer_revision!: number;

  @Column({ type: 'timestamptz', nullable: true })
  answered_at!: Date | null;

  @Column({ type: 'text', nullable: true })
  answered_by_type!: 'user' | 'client' | null;

  @Column({ type: 'text', nullable: true })
  answered_by_id!: string | null;
}
