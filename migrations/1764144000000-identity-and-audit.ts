import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IdentityAndAudit1764144000000 implements MigrationInterface {
  name = 'IdentityAndAudit1764144000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- People, keyed by the identity provider that vouches for them and their NameID there.
      CREATE TABLE users (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        idp_id         text NOT NULL,
        name_id        text NOT NULL CHECK (char_length(name_id) BETWEEN 1 AND 512),
        display_name   text CHECK (char_length(display_name) <= 200),
        email          text CHECK (char_length(email) <= 254),
        roles          text[] NOT NULL DEFAULT '{}',
        panel_ids      uuid[] NOT NULL DEFAULT '{}',
        agency_id      uuid REFERENCES agencies (id),
        disabled_at    timestamptz,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        last_login_at  timestamptz,
        version        integer NOT NULL DEFAULT 1,
        CONSTRAINT users_idp_name_id_key UNIQUE (idp_id, name_id)
      );
      COMMENT ON TABLE users IS 'People who sign in through SAML. Keyed by (idp_id, name_id); roles are refreshed from IdP attributes at each login; panel_ids and agency_id scope what they see.';

      -- Server-side sessions (connect-pg-simple layout) so several instances share them.
      CREATE TABLE user_sessions (
        sid     varchar PRIMARY KEY,
        sess    json NOT NULL,
        expire  timestamp(6) NOT NULL,
        user_id uuid GENERATED ALWAYS AS ((sess ->> 'userId')::uuid) STORED
      );
      CREATE INDEX user_sessions_expire_idx ON user_sessions (expire);
      CREATE INDEX user_sessions_user_idx ON user_sessions (user_id);
      COMMENT ON TABLE user_sessions IS 'Sessions of signed-in people (express-session via connect-pg-simple). Deleting a user''s rows ends their sessions.';

      -- AuthnRequests we issued, so a response's InResponseTo can be checked on any instance.
      CREATE TABLE saml_requests (
        request_id  text PRIMARY KEY,
        idp_id      text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      );
      COMMENT ON TABLE saml_requests IS 'Outstanding SAML AuthnRequest ids (InResponseTo cache shared by all instances); short-lived.';

      -- Each assertion is accepted once.
      CREATE TABLE saml_assertions_seen (
        idp_id          text NOT NULL,
        assertion_id    text NOT NULL,
        not_on_or_after timestamptz NOT NULL,
        seen_at         timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (idp_id, assertion_id)
      );
      COMMENT ON TABLE saml_assertions_seen IS 'Assertion ids already consumed, kept until they expire, so a replayed assertion is refused.';

      -- Agency systems (hospital and other integrations) using OAuth 2.0 client credentials with private_key_jwt.
      CREATE TABLE api_clients (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id    text NOT NULL UNIQUE CHECK (client_id ~ '^[A-Za-z0-9._-]{8,128}$'),
        name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
        agency_id    uuid NOT NULL REFERENCES agencies (id),
        scopes       text[] NOT NULL,
        jwks         jsonb NOT NULL,
        disabled_at  timestamptz,
        created_at   timestamptz NOT NULL DEFAULT now()
      );
      COMMENT ON TABLE api_clients IS 'Registered machine clients: their agency, allowed scopes and public keys (JWKS) for verifying client assertions.';

      CREATE TABLE client_assertion_jtis (
        client_id   text NOT NULL,
        jti         text NOT NULL,
        expires_at  timestamptz NOT NULL,
        PRIMARY KEY (client_id, jti)
      );
      COMMENT ON TABLE client_assertion_jtis IS 'jti of each client assertion used, until it expires, so an assertion cannot be replayed.';

      -- The audit trail: append-only events, linked afterwards into a SHA-256 hash chain.
      CREATE TABLE audit_events (
        id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        occurred_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
        tx_id          xid8 NOT NULL DEFAULT pg_current_xact_id(),
        actor_type     text NOT NULL CHECK (actor_type IN ('user', 'client', 'anonymous', 'system')),
        actor_id       text,
        idp_id         text,
        action         text NOT NULL CHECK (action ~ '^[a-z_]+(\\.[a-z_]+)+$'),
        resource_type  text,
        resource_id    text,
        outcome        text NOT NULL CHECK (outcome IN ('success', 'denied', 'failure')),
        reason         text CHECK (char_length(reason) <= 200),
        request_id     text,
        purpose        text CHECK (char_length(purpose) <= 200),
        details        jsonb
      );
      CREATE INDEX audit_events_occurred_idx ON audit_events (occurred_at, id);
      CREATE INDEX audit_events_resource_idx ON audit_events (resource_type, resource_id, id);
      CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, id);
      CREATE INDEX audit_events_tx_idx ON audit_events (tx_id);
      COMMENT ON TABLE audit_events IS 'Who did what to which record, when, and with what outcome. Written in the same transaction as the change. Append-only: UPDATE, DELETE and TRUNCATE are refused by triggers.';
      COMMENT ON COLUMN audit_events.tx_id IS 'Writing transaction; the sealer links only rows whose transaction has finished, so none is skipped.';

      CREATE TABLE audit_chain (
        seq         bigint PRIMARY KEY,
        event_id    bigint NOT NULL UNIQUE REFERENCES audit_events (id),
        prev_hash   bytea NOT NULL,
        hash        bytea NOT NULL,
        watermark   xid8 NOT NULL,
        sealed_at   timestamptz NOT NULL DEFAULT now()
      );
      COMMENT ON TABLE audit_chain IS 'SHA-256 hash chain over audit_events in sealing order: hash = sha256(prev_hash || canonical event). Editing, deleting or inserting a sealed event breaks it. Append-only.';
      COMMENT ON COLUMN audit_chain.watermark IS 'Every transaction older than this had finished when the link was made; an unsealed event from before it was inserted behind the sealer''s back.';

      CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit trail is append-only (% on %)', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
      CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
      CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
      REVOKE UPDATE, DELETE, TRUNCATE ON audit_events, audit_chain FROM PUBLIC;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE audit_chain; DROP TABLE audit_events; DROP FUNCTION audit_refuse_change();
      DROP TABLE client_assertion_jtis; DROP TABLE api_clients;
      DROP TABLE saml_assertions_seen; DROP TABLE saml_requests;
      DROP TABLE user_sessions; DROP TABLE users;
    `);
  }
}
