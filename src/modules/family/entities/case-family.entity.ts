import { Column, Entity, PrimaryColumn } from 'typeorm';

type BereavementOffered = 'yes' | 'no' | 'declined' | 'not_known';

/**
 * A case's key worker and the bereavement support offered to the family, one
 * row per case once anything is recorded. Table `case_family`. Every key
 * worker column is personal data: never logged, audited, mailed or in a pack.
 */
@Entity({ name: 'case_family' })
export class CaseFamilyEntity {
  @PrimaryColumn({ type: 'uuid' })
  case_id!: string;

  /** Null (with role) while no key worker is named. */
  @Column({ type: 'text', nullable: true })
  key_worker_name!: string | null;

  @Column({ type: 'text', nullable: true })
  key_worker_role!: string | null;

  @Column({ type: 'text', nullable: true })
  key_worker_agency!: string | null;

  @Column({ type: 'text', nullable: true })
  key_worker_phone!: string | null;

  @Column({ type: 'text', nullable: true })
  key_worker_email!: string | null;

  @Column({ type: 'text', default: 'not_known' })
  bereavement_offered!: BereavementOffered;

  @Column({ type: 'date', nullable: true })
  bereavement_offered_on!: string | null;

  @Column({ type: 'text', nullable: true })
  bereavement_agency!: string | null;

  /** Row version for ETag / If-Match. */
  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated_at!: Date;

  @Column({ type: 'text' })
  updated_by_type!: 'user' | 'client';

  @Column({ type: 'text' })
  updated_by_id!: string;
}
