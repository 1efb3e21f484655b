import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Files attached to agency form requests (src/modules/agency-forms, issue 12):
 * a post-mortem report, a scanned page, a photograph. The bytes are kept in
 * PostgreSQL with their SHA-256, next to the request they belong to, so they
 * share its backups, transactions and row scoping.
 *
 * `content` is stored out of line and uncompressed (STORAGE EXTERNAL): the
 * accepted types are compressed already, and a `substring` of an uncompressed
 * TOAST value reads only the chunks it needs, which is how a download streams
 * a file in slices without loading it whole.
 *
 * A row never changes. It may be deleted only until the form is next
 * submitted (the file is then part of the record): `request_revision` is the
 * number of revisions submitted when it was uploaded, and a trigger refuses
 * the delete once the request has more. Who may delete, and when the service
 * offers it, are rules in the module; the trigger keeps the record whole
 * whatever runs the statement.
 */
export class FormAttachments1796064310041 implements MigrationInterface {
  name = 'FormAttachments1796064310041';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE form_attachments (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        request_id        uuid NOT NULL REFERENCES form_requests (id),
        request_revision  integer NOT NULL CHECK (request_revision >= 0),
        filename          text NOT NULL CHECK (char_length(filename) BETWEEN 1 AND 255),
        media_type        text NOT NULL,
        size              integer NOT NULL CHECK (size > 0),
        sha256            text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        content           bytea NOT NULL,
        uploaded_at       timestamptz NOT NULL DEFAULT now(),
        uploaded_by_type  text NOT NULL CHECK (uploaded_by_type IN ('user', 'client')),
        uploaded_by_id    text NOT NULL,
        CHECK (octet_length(content) = size)
      );
      ALTER TABLE form_attachments ALTER COLUMN content SET STORAGE EXTERNAL;
      CREATE INDEX form_attachments_request_idx ON form_attachments (request_id, uploaded_at, id);
      COMMENT ON TABLE form_attachments IS 'Files attached to a form request (a post-mortem report, a scan), with the type recognised from their bytes and their SHA-256. Rows never change; one may be deleted only until the form is next submitted (trigger).';
      COMMENT ON COLUMN form_attachments.request_revision IS 'Revisions the request had when the file was uploaded: the file is part of every later revision, and cannot be deleted once there is one.';
      COMMENT ON COLUMN form_attachments.filename IS 'The name the uploader gave, cleaned (no folders or control characters). May name the child: never logged.';
      COMMENT ON COLUMN form_attachments.media_type IS 'The type claimed on upload and recognised from the content (they must agree).';
      COMMENT ON COLUMN form_attachments.content IS 'The file''s bytes (personal data: never logged). Out of line and uncompressed, so downloads read it in slices.';

      CREATE FUNCTION form_attachments_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          RAISE EXCEPTION 'form attachments never change' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF (SELECT revisions FROM form_requests WHERE id = OLD.request_id) > OLD.request_revision THEN
          RAISE EXCEPTION 'a form attachment submitted with the form cannot be deleted' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
      END $$;
      CREATE TRIGGER form_attachments_guard BEFORE UPDATE OR DELETE ON form_attachments
        FOR EACH ROW EXECUTE FUNCTION form_attachments_guard();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE form_attachments;
      DROP FUNCTION form_attachments_guard();
    `);
  }
}
