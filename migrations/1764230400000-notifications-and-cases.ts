import type { MigrationInterface, QueryRunner } from 'typeorm';

export class NotificationsAndCases1764230400000 implements MigrationInterface {
  name = 'NotificationsAndCases1764230400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_reference_counters (
        panel_id     uuid NOT NULL REFERENCES panels (id) ON DELETE CASCADE,
        year         integer NOT NULL CHECK (year BETWEEN 2000 AND 2200),
        last_number  integer NOT NULL CHECK (last_number >= 1),
        PRIMARY KEY (panel_id, year)
      );
      COMMENT ON TABLE case_reference_counters IS 'Last case number issued per panel and year. Incremented in the transaction that creates the case, so references are gapless and unique (WOR-2026-0042).';

      CREATE TABLE cases (
        id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reference             text UNIQUE CHECK (reference ~ '^[A-Z]{2,6}-[0-9]{4}-[0-9]{4,}$'),
        panel_id              uuid REFERENCES panels (id),
        status                text NOT NULL CHECK (status IN ('notified', 'gathering_information', 'child_death_review_meeting',
                                'ready_for_panel', 'scheduled_for_panel', 'reviewed', 'closed')),
        hold_reason           text CHECK (hold_reason IN ('awaiting_inquest', 'criminal_proceedings', 'safeguarding_review')),
        child_nhs_number      text CHECK (child_nhs_number ~ '^[0-9]{10}$'),
        child_nhs_exception   text CHECK (child_nhs_exception IN ('child_non_resident_in_england', 'nhs_number_not_currently_available')),
        child_given_name      text NOT NULL,
        child_family_name     text NOT NULL,
        child_match_key       text NOT NULL,
        child_date_of_birth   date NOT NULL,
        child_sex             text NOT NULL,
        date_of_death         date NOT NULL,
        age_at_death_days     integer NOT NULL CHECK (age_at_death_days >= 0),
        local_authority_code  text NOT NULL,
        expected_death        text NOT NULL,
        category              smallint CHECK (category BETWEEN 1 AND 10),
        held_since            timestamptz,
        merged_into_case_id   uuid REFERENCES cases (id),
        notified_at           timestamptz NOT NULL,
        created_at            timestamptz NOT NULL DEFAULT now(),
        updated_at            timestamptz NOT NULL DEFAULT now(),
        version               integer NOT NULL DEFAULT 1,
        CHECK ((child_nhs_number IS NULL) <> (child_nhs_exception IS NULL)),
        CHECK ((panel_id IS NULL) = (reference IS NULL)),
        CHECK ((hold_reason IS NULL) = (held_since IS NULL)),
        CHECK (merged_into_case_id IS NULL OR (status = 'closed' AND merged_into_case_id <> id AND hold_reason IS NULL))
      );
      CREATE UNIQUE INDEX cases_child_nhs_number_key ON cases (child_nhs_number) WHERE child_nhs_number IS NOT NULL;
      CREATE INDEX cases_demographic_idx ON cases (child_date_of_birth, date_of_death);
      CREATE INDEX cases_panel_list_idx ON cases (panel_id, date_of_death DESC, id DESC);
      CREATE INDEX cases_list_idx ON cases (date_of_death DESC, id DESC);
      CREATE INDEX cases_unassigned_idx ON cases (created_at) WHERE panel_id IS NULL;
      COMMENT ON TABLE cases IS 'One row per child death. Current status stored alongside the append-only case_actions log and changed in the same transaction. Identifying child fields are special-category personal data: never logged.';
      COMMENT ON COLUMN cases.child_match_key IS 'Normalised names (lower case, no diacritics or punctuation) used to match notifications without an NHS number.';
      COMMENT ON COLUMN cases.hold_reason IS 'Set while the review waits for an inquest, criminal proceedings or a safeguarding review; lifted explicitly.';
      COMMENT ON COLUMN cases.held_since IS 'When the current hold was placed; NULL when not on hold.';
      COMMENT ON COLUMN cases.merged_into_case_id IS 'Set when this case was a duplicate merged into another (its notifications moved there and it was closed); cleared by unmerge. A notification matching a merged case belongs to this target.';

      CREATE TABLE case_actions (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        case_id      uuid NOT NULL REFERENCES cases (id),
        action       text NOT NULL,
        from_status  text,
        to_status    text NOT NULL,
        actor_type   text NOT NULL,
        actor_id     text,
        payload      jsonb,
        occurred_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX case_actions_case_idx ON case_actions (case_id, id);
      COMMENT ON TABLE case_actions IS 'Append-only history of everything done to a case (notified, attached notification, status changes, holds, merges). The case status is the to_status of the latest action.';
      CREATE FUNCTION case_actions_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the case action log is append-only (% on %)', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER case_actions_append_only BEFORE UPDATE OR DELETE ON case_actions
        FOR EACH ROW EXECUTE FUNCTION case_actions_refuse_change();

      CREATE TABLE notifications (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id             uuid NOT NULL REFERENCES cases (id),
        notifier_agency_id  uuid NOT NULL REFERENCES agencies (id),
        notified_on         date NOT NULL,
        received_at         timestamptz NOT NULL DEFAULT now(),
        submitted_by_type   text NOT NULL,
        submitted_by_id     text NOT NULL,
        match               text NOT NULL CHECK (match IN ('new_case', 'nhs_number', 'demographics', 'merged')),
        payload             jsonb NOT NULL
      );
      CREATE INDEX notifications_case_idx ON notifications (case_id, received_at, id);
      COMMENT ON TABLE notifications IS 'Each notification of a death as received (the national notification form). Several can belong to one case, one per notifier.';

      CREATE TABLE case_agencies (
        case_id          uuid NOT NULL REFERENCES cases (id),
        agency_id        uuid NOT NULL REFERENCES agencies (id),
        first_notification_id uuid NOT NULL REFERENCES notifications (id),
        contacts         jsonb NOT NULL DEFAULT '[]',
        PRIMARY KEY (case_id, agency_id)
      );
      CREATE INDEX case_agencies_agency_idx ON case_agencies (agency_id, case_id);
      COMMENT ON TABLE case_agencies IS 'Agencies involved with the child, from the notifications. Drives the form requests and agency scoping.';

      CREATE TABLE case_deadlines (
        case_id      uuid NOT NULL REFERENCES cases (id),
        rule_id      text NOT NULL,
        starts_from  text NOT NULL,
        started_at   timestamptz NOT NULL,
        due_at       timestamptz NOT NULL,
        due_date     date NOT NULL,
        met_at       timestamptz,
        PRIMARY KEY (case_id, rule_id)
      );
      CREATE INDEX case_deadlines_open_idx ON case_deadlines (due_at, case_id) WHERE met_at IS NULL;
      COMMENT ON TABLE case_deadlines IS 'Statutory and local clocks of each case, computed by src/modules/cases/clocks from the configured rules (Europe/London, England and Wales bank holidays).';

      CREATE TABLE case_flags (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id          uuid NOT NULL REFERENCES cases (id),
        type             text NOT NULL CHECK (type ~ '^[A-Z_]+$'),
        status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'dismissed', 'resolved')),
        rule_id          text NOT NULL,
        rule_version     integer NOT NULL,
        evidence         jsonb NOT NULL,
        related_case_id  uuid REFERENCES cases (id),
        raised_at        timestamptz NOT NULL DEFAULT now(),
        closed_at        timestamptz,
        closed_by        text
      );
      CREATE INDEX case_flags_case_idx ON case_flags (case_id) ;
      CREATE INDEX case_flags_open_idx ON case_flags (type, case_id) WHERE status = 'open';
      COMMENT ON TABLE case_flags IS 'Flags raised on a case by rules (rule id, version and the evidence that fired it), e.g. POSSIBLE_DUPLICATE; open flags can block actions.';

      CREATE TABLE idempotency_keys (
        scope            text NOT NULL,
        key              text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
        request_hash     text NOT NULL,
        status           text NOT NULL CHECK (status IN ('in_flight', 'completed')),
        response_status  integer,
        response_body    jsonb,
        created_at       timestamptz NOT NULL DEFAULT now(),
        completed_at     timestamptz,
        PRIMARY KEY (scope, key)
      );
      CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
      COMMENT ON TABLE idempotency_keys IS 'Idempotency-Key of each command per client (scope), with a hash of the request and the stored first response; kept at least 24 hours.';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE idempotency_keys; DROP TABLE case_flags; DROP TABLE case_deadlines; DROP TABLE case_agencies;
      DROP TABLE notifications; DROP TABLE case_actions; DROP FUNCTION case_actions_refuse_change(); DROP TABLE cases;
      DROP TABLE case_reference_counters;
    `);
  }
}
