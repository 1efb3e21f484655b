import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The jti of a client assertion already used, until it expires. Table `client_assertion_jtis`. */
@Entity({ name: 'client_assertion_jtis' })
export class ClientAssertionJtiEntity {
  @PrimaryColumn({ type: 'text' })
  client_id!: string;

  @PrimaryColumn({ type: 'text' })
  jti!: string;

  @Column({ type: 'timestamptz' })
  expires_at!: Date;
}
