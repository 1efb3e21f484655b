import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Agency data collection forms (src/modules/agency-forms): versioned form
 * templates (JSON Schema 2020-12 plus display metadata), the requests a
 * coordinator sends to agencies for a case, each request's working draft and
 * its submitted revisions. A published template version and a submitted
 * revision never change: triggers guard both (invariants, not rules; the
 * rules are in src/modules/agency-forms).
 */
export class AgencyForms1796059624343 implements MigrationInterface {
  name = 'AgencyForms1796059624343';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE form_templates (
        id          text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9-]{1,62}$'),
        kind        text NOT NULL CHECK (kind IN ('reporting', 'supplementary', 'individual_management_review', 'analysis')),
        national    boolean NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      );
      COMMENT ON TABLE form_templates IS 'A data collection form (the agency reporting form, a supplementary form, the IMR form, the analysis form), identified by a stable key; its content is in form_template_versions.';
      COMMENT ON COLUMN form_templates.national IS 'Shipped with the service as the national set (seeded at start), as opposed to created by an administrator.';

      CREATE TABLE form_template_versions (
        template_id     text NOT NULL REFERENCES form_templates (id),
        version         integer NOT NULL CHECK (version >= 1),
        status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'retired')),
        title           text NOT NULL,
        description     text NOT NULL,
        effective_from  date NOT NULL,
        schema          jsonb NOT NULL,
        display         jsonb NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        created_by      text NOT NULL,
        published_at    timestamptz,
        retired_at      timestamptz,
        PRIMARY KEY (template_id, version),
        CHECK ((status = 'draft') = (published_at IS NULL)),
        CHECK ((status = 'retired') = (retired_at IS NOT NULL))
      );
      COMMENT ON TABLE form_template_versions IS 'One version of a form template: a JSON Schema 2020-12 for the answers and display metadata (sections, labels, help). Published versions are immutable (trigger); submissions name the version they were made against.';
      CREATE FUNCTION form_template_versions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'a published form template version cannot be deleted' USING ERRCODE = 'insufficient_privilege';
          END IF;
          RETURN OLD;
        END IF;
        IF OLD.status <> 'draft' AND (NEW.schema IS DISTINCT FROM OLD.schema OR NEW.display IS DISTINCT FROM OLD.display
            OR NEW.title IS DISTINCT FROM OLD.title OR NEW.description IS DISTINCT FROM OLD.description
            OR NEW.effective_from IS DISTINCT FROM OLD.effective_from OR NEW.template_id IS DISTINCT FROM OLD.template_id
            OR NEW.version IS DISTINCT FROM OLD.version OR NEW.published_at IS DISTINCT FROM OLD.published_at
            OR NEW.status = 'draft' OR (OLD.status = 'retired' AND NEW.status <> 'retired')) THEN
          RAISE EXCEPTION 'a published form template version is immutable' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER form_template_versions_immutable BEFORE UPDATE OR DELETE ON form_template_versions
        FOR EACH ROW EXECUTE FUNCTION form_template_versions_guard();

      CREATE TABLE form_requests (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id           uuid NOT NULL REFERENCES cases (id),
        agency_id         uuid NOT NULL REFERENCES agencies (id),
        template_id       text NOT NULL,
        template_version  integer NOT NULL,
        status            text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'submitted', 'withdrawn', 'waived')),
        due_date          date NOT NULL,
        requested_at      timestamptz NOT NULL DEFAULT now(),
        requested_by      text NOT NULL,
        note              text,
        submitted_at      timestamptz,
        revisions         integer NOT NULL DEFAULT 0 CHECK (revisions >= 0),
        closed_at         timestamptz,
        closed_by         text,
        closed_reason     text,
        version           integer NOT NULL DEFAULT 1,
        FOREIGN KEY (template_id, template_version) REFERENCES form_template_versions (template_id, version),
        CHECK ((status IN ('withdrawn', 'waived')) = (closed_at IS NOT NULL)),
        CHECK ((status IN ('withdrawn', 'waived')) = (closed_reason IS NOT NULL)),
        CHECK ((revisions > 0) = (submitted_at IS NOT NULL))
      );
      CREATE UNIQUE INDEX form_requests_one_live_key ON form_requests (case_id, agency_id, template_id) WHERE status <> 'withdrawn';
      CREATE INDEX form_requests_agency_idx ON form_requests (agency_id, requested_at, id);
      CREATE INDEX form_requests_case_idx ON form_requests (case_id, requested_at, id);
      COMMENT ON TABLE form_requests IS 'A form a coordinator asked an agency to complete for a case: which template (and the version current when asked), by when, and where it stands. At most one live request per case, agency and template (a withdrawn one does not count).';
      COMMENT ON COLUMN form_requests.note IS 'Free text to the agency (may hold personal data): never logged.';
      COMMENT ON COLUMN form_requests.closed_reason IS 'Why the request was withdrawn or waived (free text: never logged).';
      COMMENT ON COLUMN form_requests.revisions IS 'How many revisions have been submitted (0 until the first submission; each amendment adds one).';
      COMMENT ON COLUMN form_requests.version IS 'Row version for ETag / If-Match (draft saves, submissions, decisions).';

      CREATE TABLE form_drafts (
        request_id        uuid PRIMARY KEY REFERENCES form_requests (id),
        template_version  integer NOT NULL,
        answers           jsonb NOT NULL,
        saved_at          timestamptz NOT NULL DEFAULT now(),
        saved_by_type     text NOT NULL,
        saved_by_id       text NOT NULL
      );
      COMMENT ON TABLE form_drafts IS 'The agency''s work in progress on a request, not validated in full; replaced on every save, removed when submitted. Answers are personal data: never logged.';

      CREATE TABLE form_submissions (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        request_id         uuid NOT NULL REFERENCES form_requests (id),
        revision           integer NOT NULL CHECK (revision >= 1),
        template_id        text NOT NULL,
        template_version   integer NOT NULL,
        answers            jsonb NOT NULL,
        questions          integer NOT NULL CHECK (questions >= 0),
        answered           integer NOT NULL CHECK (answered >= 0),
        not_known          integer NOT NULL CHECK (not_known >= 0),
        not_applicable     integer NOT NULL CHECK (not_applicable >= 0),
        amendment_reason   text,
        submitted_at       timestamptz NOT NULL DEFAULT now(),
        submitted_by_type  text NOT NULL,
        submitted_by_id    text NOT NULL,
        UNIQUE (request_id, revision),
        FOREIGN KEY (template_id, template_version) REFERENCES form_template_versions (template_id, version),
        CHECK ((revision = 1) = (amendment_reason IS NULL))
      );
      COMMENT ON TABLE form_submissions IS 'Every submitted revision of a request, append-only (trigger): an amendment is a new revision, earlier ones stay readable. Validated in full against the template version it names. Answers are personal data: never logged.';
      COMMENT ON COLUMN form_submissions.answered IS 'Questions answered with something other than not known (completeness = answered / (questions - not_applicable)).';
      CREATE FUNCTION form_submissions_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'submitted forms are append-only (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER form_submissions_append_only BEFORE UPDATE OR DELETE ON form_submissions
        FOR EACH ROW EXECUTE FUNCTION form_submissions_refuse_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE form_submissions;
      DROP FUNCTION form_submissions_refuse_change();
      DROP TABLE form_drafts;
      DROP TABLE form_requests;
      DROP TABLE form_template_versions;
      DROP FUNCTION form_template_versions_guard();
      DROP TABLE form_templates;
    `);
  }
}
