import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../../../access/roles';

/** A person who signs in through SAML, keyed by (idp_id, name_id). Table `users`. */
@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  idp_id!: string;

  @Column({ type: 'text' })
  name_id!: string;

  @Column({ type: 'text', nullable: true })
  display_name!: string | null;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  roles!: Role[];

  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  panel_ids!: string[];

  @Column({ type: 'uuid', nullable: true })
  agency_id!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  disabled_at!: Date | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  last_login_at!: Date | null;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}
