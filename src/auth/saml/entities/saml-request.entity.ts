import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An AuthnRequest we issued, so a response's InResponseTo can be checked on any instance. Table `saml_requests`. */
@Entity({ name: 'saml_requests' })
export class SamlRequestEntity {
  @PrimaryColumn({ type: 'text' })
  request_id!: string;

  @Column({ type: 'text' })
  idp_id!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;
}
