import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Announces every change to api_clients on the `api_clients_changed` channel,
 * so each instance can cache the bearer authenticator's client lookup and drop
 * an entry the moment its row changes, however the change is made: the
 * service, `npm run client:create -- --disable`, or an operator's own SQL.
 * NOTIFY is delivered only when (and if) the changing transaction commits.
 */
export class ApiClientsChangeNotify1795605656485 implements MigrationInterface {
  name = 'ApiClientsChangeNotify1795605656485';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION api_clients_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          -- An empty payload: every client may have changed.
          PERFORM pg_notify('api_clients_changed', '');
          RETURN NULL;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          PERFORM pg_notify('api_clients_changed', OLD.id::text);
        END IF;
        IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.id IS DISTINCT FROM OLD.id) THEN
          PERFORM pg_notify('api_clients_changed', NEW.id::text);
        END IF;
        RETURN NULL;
      END $$;
      COMMENT ON FUNCTION api_clients_notify_change() IS
        'NOTIFY api_clients_changed with the id of each inserted, updated or deleted client (empty after TRUNCATE): instances drop their cached lookup of it.';
      CREATE TRIGGER api_clients_notify_change AFTER INSERT OR UPDATE OR DELETE ON api_clients
        FOR EACH ROW EXECUTE FUNCTION api_clients_notify_change();
      CREATE TRIGGER api_clients_notify_truncate AFTER TRUNCATE ON api_clients
        FOR EACH STATEMENT EXECUTE FUNCTION api_clients_notify_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER api_clients_notify_truncate ON api_clients;
      DROP TRIGGER api_clients_notify_change ON api_clients;
      DROP FUNCTION api_clients_notify_change();
    `);
  }
}
