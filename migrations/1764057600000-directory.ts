import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Directory1764057600000 implements MigrationInterface {
  name = 'Directory1764057600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE panels (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code          text NOT NULL CHECK (code ~ '^[A-Z]{2,6}$'),
        name          text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
        contact_email text CHECK (char_length(contact_email) <= 254),
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        version       integer NOT NULL DEFAULT 1 CHECK (version >= 1),
        CONSTRAINT panels_code_key UNIQUE (code)
      );
      CREATE INDEX panels_name_id_idx ON panels (name, id);
      COMMENT ON TABLE panels IS 'Child Death Overview Panels; each covers one or more local authorities. code prefixes case references (WOR-2026-0042).';
      COMMENT ON COLUMN panels.version IS 'Optimistic-concurrency version; the ETag is derived from it.';

      CREATE TABLE panel_local_authorities (
        la_code   text PRIMARY KEY CHECK (la_code ~ '^[EWSN][0-9]{8}$'),
        panel_id  uuid NOT NULL REFERENCES panels (id) ON DELETE CASCADE,
        name      text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
        position  smallint NOT NULL
      );
      CREATE INDEX panel_local_authorities_panel_idx ON panel_local_authorities (panel_id, position);
      COMMENT ON TABLE panel_local_authorities IS 'Which panel covers each local authority (ONS GSS code). A local authority belongs to at most one panel; notifications are routed by it.';

      CREATE TABLE agencies (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name          text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
        type          text NOT NULL CHECK (type IN ('hospital_trust', 'gp_practice', 'police', 'childrens_social_care',
                                                    'education', 'ambulance', 'public_health', 'other')),
        ods_code      text CHECK (ods_code ~ '^[A-Z0-9]{3,10}$'),
        contact_email text CHECK (char_length(contact_email) <= 254),
        active        boolean NOT NULL DEFAULT true,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        version       integer NOT NULL DEFAULT 1 CHECK (version >= 1),
        CONSTRAINT agencies_ods_code_key UNIQUE (ods_code)
      );
      CREATE INDEX agencies_name_id_idx ON agencies (name, id);
      CREATE INDEX agencies_type_name_id_idx ON agencies (type, name, id);
      COMMENT ON TABLE agencies IS 'Organisations that notify deaths and report on children they knew (hospital trusts, GPs, police, social care, schools...).';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE agencies; DROP TABLE panel_local_authorities; DROP TABLE panels;`);
  }
}
