import type { CacheProvider } from '@node-saml/node-saml';
import type { DataSource } from 'typeorm';

/** How long an AuthnRequest we issued may be answered. */
export const SAML_REQUEST_TTL_MS = 10 * 60_000;

/**
 * passport-saml's InResponseTo cache, in PostgreSQL (table saml_requests) so
 * every instance knows the requests any instance issued. Bound to one IdP:
 * a response from IdP B cannot answer a request made to IdP A.
 * passport-saml removes the entry when a response to it is processed
 * (accepted or refused), so each request can be answered once.
 */
export function samlRequestCache(ds: DataSource, idpId: string, ttlMs = SAML_REQUEST_TTL_MS): CacheProvider {
  return {
    async saveAsync(key, value) {
      await ds.query(`INSERT INTO saml_requests (request_id, idp_id) VALUES ($1, $2) ON CONFLICT (request_id) DO NOTHING`, [key, idpId]);
      return { value, createdAt: Date.now() };
    },
    async getAsync(key) {
      const rows: { created_at: Date }[] = await ds.query(
        `SELECT created_at FROM saml_requests
          WHERE request_id = $1 AND idp_id = $2 AND created_at > now() - make_interval(secs => $3)`,
        [key, idpId, ttlMs / 1000],
      );
      return rows[0] ? rows[0].created_at.toISOString() : null;
    },
    async removeAsync(key) {
      if (!key) return null;
      const rows: unknown[] = await ds.query(
        `WITH d AS (DELETE FROM saml_requests WHERE request_id = $1 AND idp_id = $2 RETURNING 1) SELECT 1 FROM d`,
        [key, idpId],
      );
      return rows.length ? key : null;
    },
  };
}

/** Housekeeping: requests nobody answered, and assertion ids past their validity. */
export async function purgeExpiredSamlState(ds: DataSource, ttlMs = SAML_REQUEST_TTL_MS): Promise<void> {
  await ds.query(`DELETE FROM saml_requests WHERE created_at < now() - make_interval(secs => $1)`, [ttlMs / 1000]);
  // Kept a little past NotOnOrAfter: a replay then fails on time anyway, with the clock skew allowed.
  await ds.query(`DELETE FROM saml_assertions_seen WHERE not_on_or_after < now() - interval '10 minutes'`);
}
