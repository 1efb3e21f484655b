import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The token endpoint URL (the `aud` every client assertion must carry) that
 * each instance of the service serves, recorded by the instance when it
 * starts. `npm run client:create` reads it from the database it registers
 * the client in, so the example it prints names the endpoint the service
 * really checks, whatever PORT or PUBLIC_BASE_URL the operator's own shell has.
 */
export class TokenEndpoints1796053394837 implements MigrationInterface {
  name = 'TokenEndpoints1796053394837';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE oauth_token_endpoints (
        token_url text PRIMARY KEY CHECK (token_url ~ '^https?://'),
        last_started_at timestamptz NOT NULL DEFAULT now()
      );
      COMMENT ON TABLE oauth_token_endpoints IS
        'The OAuth token endpoint (aud of client assertions) each instance serves, upserted at its start; read by npm run client:create.';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE oauth_token_endpoints');
  }
}
