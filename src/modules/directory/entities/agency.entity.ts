import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AgencyType } from '../directory.types';

/** An organisation that notifies deaths and reports on children it knew. Table `agencies`. */
@Entity({ name: 'agencies' })
export class AgencyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  type!: AgencyType;

  /** NHS Organisation Data Service code (e.g. RWP for a trust). */
  @Column({ type: 'text', nullable: true })
  ods_code!: string | null;

  @Column({ type: 'text', nullable: true })
  contact_email!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated_at!: Date;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}
