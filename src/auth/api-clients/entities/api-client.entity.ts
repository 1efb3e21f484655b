import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { JSONWebKeySet } from 'jose' with { 'resolution-mode': 'import' };

/** A registered agency system (OAuth 2.0 client credentials, private_key_jwt). Table `api_clients`. */
@Entity({ name: 'api_clients' })
export class ApiClientEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The public client_id the system presents. */
  @Column({ type: 'text' })
  client_id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'uuid' })
  agency_id!: string;

  @Column({ type: 'text', array: true })
  scopes!: string[];

  /** Public keys that verify its client assertions. */
  @Column({ type: 'jsonb' })
  jwks!: JSONWebKeySet;

  @Column({ type: 'timestamptz', nullable: true })
  disabled_at!: Date | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;
}
