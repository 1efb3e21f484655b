import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

type ContactMethod = 'phone' | 'visit' | 'letter' | 'email' | 'meeting' | 'other';

/** A contact made with the family, append-only (trigger). Table `case_family_contacts`. */
@Entity({ name: 'case_family_contacts' })
export class CaseFamilyContactEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  case_id!: string;

  @Column({ type: 'date' })
  contacted_on!: string;

  @Column({ type: 'text' })
  method!: ContactMethod;

  @Column({ type: 'text', nullable: true })
  by_agency!: string | null;

  @Column({ type: 'text' })
  by_role!: string;

  /** Personal data (free text about the family): never logged. */
  @Column({ type: 'text' })
  summary!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  recorded_at!: Date;

  @Column({ type: 'text' })
  recorded_by_type!: 'user' | 'client';

  @Column({ type: 'text' })
  recorded_by_id!: string;
}
