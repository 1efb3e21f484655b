import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The panel's review of a death (src/modules/panel-reviews): which analysis template each panel uses, the
 * review itself (a draft, then signed at a meeting; a reopened case starts a new revision from the signed one),
 * and the actions and recommendations arising from it with their history of updates. A signed revision and the
 * updates of an action never change: triggers guard both (invariants, not rules; the rules are in the module).
 */
export class PanelReviews1796069070106 implements MigrationInterface {
  name = 'PanelReviews1796069070106';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE panel_review_settings (
        panel_id          uuid PRIMARY KEY REFERENCES panels (id),
        template_id       text NOT NULL,
        template_version  integer NOT NULL CHECK (template_version >= 1),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        updated_by        text NOT NULL
      );
      COMMENT ON TABLE panel_review_settings IS 'The analysis template (id and version, defined in code: src/modules/panel-reviews/analysis-templates) a panel records its reviews on; a panel without a row uses the default (the 2018 analysis form).';

      CREATE TABLE case_reviews (
        id                        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id                   uuid NOT NULL REFERENCES cases (id),
        revision                  integer NOT NULL CHECK (revision >= 1),
        status                    text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed')),
        template_id               text NOT NULL,
        template_version          integer NOT NULL CHECK (template_version >= 1),
        categories_considered     smallint[] NOT NULL DEFAULT '{}',
        category                  smallint CHECK (category BETWEEN 1 AND 10),
        modifiable_factors        text CHECK (modifiable_factors IN ('yes', 'no', 'insufficient_information')),
        factors                   jsonb NOT NULL DEFAULT '[]',
        learning_points           jsonb NOT NULL DEFAULT '[]',
        safeguarding_criteria_met text CHECK (safeguarding_criteria_met IN ('yes', 'no', 'not_known')),
        safeguarding_reason       text,
        created_at                timestamptz NOT NULL DEFAULT now(),
        created_by                text NOT NULL,
        updated_at                timestamptz NOT NULL DEFAULT now(),
        updated_by                text NOT NULL,
        signed_at                 timestamptz,
        signed_by                 text,
        signed_meeting_id         uuid,
        version                   integer NOT NULL DEFAULT 1,
        UNIQUE (case_id, revision),
        CHECK ((status = 'signed') = (signed_at IS NOT NULL AND signed_by IS NOT NULL AND signed_meeting_id IS NOT NULL))
      );
      CREATE UNIQUE INDEX case_reviews_one_draft ON case_reviews (case_id) WHERE status = 'draft';
      COMMENT ON TABLE case_reviews IS 'The panel''s analysis of a death, one row per revision: a draft edited with If-Match (version is the ETag, rising across revisions), then signed by the chair at a meeting and immutable (trigger). Free text (factors, learning points, reasons) may hold personal data: never logged.';
      COMMENT ON COLUMN case_reviews.categories_considered IS 'The national categories of death (1-10) the panel considered; category is the lowest-numbered of them (the national hierarchy).';
      COMMENT ON COLUMN case_reviews.factors IS 'Factors per domain of the template: [{domain, description, relevance}], validated against the template version recorded on the row.';
      CREATE FUNCTION case_reviews_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status = 'signed' THEN
          RAISE EXCEPTION 'a signed review is immutable (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF TG_OP = 'DELETE' THEN
          RETURN OLD;
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER case_reviews_signed_immutable BEFORE UPDATE OR DELETE ON case_reviews
        FOR EACH ROW EXECUTE FUNCTION case_reviews_guard();

      CREATE TABLE review_actions (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id          uuid NOT NULL REFERENCES cases (id),
        description      text NOT NULL,
        owner_agency_id  uuid REFERENCES agencies (id),
        due_date         date,
        status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done', 'not_accepted')),
        created_at       timestamptz NOT NULL DEFAULT now(),
        created_by       text NOT NULL,
        updated_at       timestamptz NOT NULL DEFAULT now(),
        updated_by       text NOT NULL,
        version          integer NOT NULL DEFAULT 1
      );
      CREATE INDEX review_actions_case_idx ON review_actions (case_id);
      CREATE INDEX review_actions_due_idx ON review_actions ((coalesce(due_date, 'infinity'::date)), id);
      COMMENT ON TABLE review_actions IS 'An action or recommendation arising from a case''s review: the agency that owns it (may be absent while the panel decides; a case cannot close while any is), due date and status. The description is free text: never logged.';

      CREATE TABLE review_action_updates (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        action_id   uuid NOT NULL REFERENCES review_actions (id),
        from_status text NOT NULL,
        to_status   text NOT NULL CHECK (to_status IN ('open', 'in_progress', 'done', 'not_accepted')),
        note        text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        created_by  text NOT NULL
      );
      CREATE INDEX review_action_updates_action_idx ON review_action_updates (action_id, created_at);
      COMMENT ON TABLE review_action_updates IS 'The history of an action''s status, with a note: append-only (trigger). The note is free text: never logged.';
      CREATE FUNCTION review_action_updates_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the history of an action is append-only (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER review_action_updates_append_only BEFORE UPDATE OR DELETE ON review_action_updates
        FOR EACH ROW EXECUTE FUNCTION review_action_updates_refuse_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE review_action_updates;
      DROP FUNCTION review_action_updates_refuse_change();
      DROP TABLE review_actions;
      DROP TABLE case_reviews;
      DROP FUNCTION case_reviews_guard();
      DROP TABLE panel_review_settings;
    `);
  }
}
