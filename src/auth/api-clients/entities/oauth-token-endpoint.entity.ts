import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The token endpoint URL an instance of the service serves (the `aud` of
 * client assertions), upserted when it starts, so `npm run client:create`
 * prints the endpoint the service really checks. Table `oauth_token_endpoints`.
 */
@Entity({ name: 'oauth_token_endpoints' })
export class OAuthTokenEndpointEntity {
  @PrimaryColumn({ type: 'text' })
  token_url!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  last_started_at!: Date;
}
