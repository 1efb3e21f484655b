import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An assertion id already consumed, kept until it expires, so a replay is refused. Table `saml_assertions_seen`. */
@Entity({ name: 'saml_assertions_seen' })
export class SamlAssertionSeenEntity {
  @PrimaryColumn({ type: 'text' })
  idp_id!: string;

  @PrimaryColumn({ type: 'text' })
  assertion_id!: string;

  @Column({ type: 'timestamptz' })
  not_on_or_after!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  seen_at!: Date;
}
