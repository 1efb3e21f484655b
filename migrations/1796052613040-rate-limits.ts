import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The counters of rate-limiter-flexible's PostgreSQL store
 * (src/platform/http/rate-limit.ts), shared by every instance so a limit holds
 * across them. Created here, in the library's own layout, rather than by the
 * library at run time (the service's role need not be able to create tables).
 * Keys are `<limit>:<sha-256 of the client or address>`: no caller-chosen
 * text is stored.
 */
export class RateLimits1796052613040 implements MigrationInterface {
  name = 'RateLimits1796052613040';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rate_limits (
        key varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      );
      COMMENT ON TABLE rate_limits IS
        'Rate-limit counters (rate-limiter-flexible, PostgreSQL store): points used in the current window per hashed key; expire in ms since the epoch.';
      CREATE INDEX rate_limits_expire ON rate_limits (expire);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rate_limits`);
  }
}
