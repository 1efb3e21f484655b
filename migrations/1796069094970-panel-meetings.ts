import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Panel meetings (src/modules/panel-meetings, issue 13): each panel's quorum
 * rule, its meetings with the members invited and their attendance, the cases
 * on each meeting's agenda; per case, the conflicts of interest declared
 * (recusals) and the Child Death Review Meetings held locally.
 *
 * Rules (who may be invited, when a case may go on an agenda, what makes a
 * quorum) are TypeScript in the module; the tables keep the shapes whole: a
 * case on at most one agenda at a time (a partial unique index), recusals
 * append-only (a trigger), closed vocabularies as CHECKs.
 */
export class PanelMeetings1796069094970 implements MigrationInterface {
  name = 'PanelMeetings1796069094970';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE panel_quorum_rules (
        panel_id         uuid PRIMARY KEY REFERENCES panels (id),
        chair_required   boolean NOT NULL,
        capacities       jsonb NOT NULL CHECK (jsonb_typeof(capacities) = 'object'),
        minimum_present  integer NOT NULL CHECK (minimum_present BETWEEN 0 AND 100),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        updated_by_type  text NOT NULL CHECK (updated_by_type IN ('user', 'client')),
        updated_by_id    text NOT NULL,
        version          integer NOT NULL DEFAULT 1
      );
      COMMENT ON TABLE panel_quorum_rules IS 'The quorum rule a panel has set: the chair, a number present per capacity (capacities: {"police": 1, …}), a minimum present. A panel without a row uses the default rule (quorum.rule.ts).';

      CREATE TABLE panel_meetings (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        panel_id         uuid NOT NULL REFERENCES panels (id),
        title            text CHECK (char_length(title) BETWEEN 1 AND 200),
        starts_at        timestamptz NOT NULL,
        location         text CHECK (char_length(location) BETWEEN 1 AND 500),
        online           boolean NOT NULL DEFAULT false,
        joining_link     text CHECK (char_length(joining_link) BETWEEN 1 AND 2000),
        status           text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'held', 'cancelled')),
        held_at          timestamptz,
        cancelled_at     timestamptz,
        cancelled_reason text,
        created_at       timestamptz NOT NULL DEFAULT now(),
        created_by_type  text NOT NULL CHECK (created_by_type IN ('user', 'client')),
        created_by_id    text NOT NULL,
        version          integer NOT NULL DEFAULT 1,
        CHECK ((online AND location IS NULL) OR (NOT online AND location IS NOT NULL AND joining_link IS NULL)),
        CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
      );
      CREATE INDEX panel_meetings_panel_idx ON panel_meetings (panel_id, starts_at, id);
      CREATE INDEX panel_meetings_starts_idx ON panel_meetings (starts_at, id);
      COMMENT ON TABLE panel_meetings IS 'A meeting of a panel: when, where (a place, or online with a joining link), and whether it is scheduled, was held or was cancelled.';
      COMMENT ON COLUMN panel_meetings.cancelled_reason IS 'Free text (may be personal data): never logged.';

      CREATE TABLE panel_meeting_members (
        meeting_id              uuid NOT NULL REFERENCES panel_meetings (id),
        user_id                 uuid NOT NULL REFERENCES users (id),
        capacity                text NOT NULL CHECK (capacity IN ('chair', 'health', 'designated_doctor', 'police', 'social_care',
                                                                  'public_health', 'education', 'lay_member', 'other')),
        attendance              text CHECK (attendance IN ('present', 'apologies', 'absent')),
        invited_at              timestamptz NOT NULL DEFAULT now(),
        attendance_recorded_at  timestamptz,
        PRIMARY KEY (meeting_id, user_id),
        CHECK ((attendance IS NULL) = (attendance_recorded_at IS NULL))
      );
      COMMENT ON TABLE panel_meeting_members IS 'Who is invited to a panel meeting, in what capacity, and whether they attended (null until recorded).';

      CREATE TABLE panel_meeting_agenda_items (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        meeting_id      uuid NOT NULL REFERENCES panel_meetings (id),
        case_id         uuid NOT NULL REFERENCES cases (id),
        status          text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'reviewed', 'removed')),
        added_at        timestamptz NOT NULL DEFAULT now(),
        added_by_id     text NOT NULL,
        reviewed_at     timestamptz,
        removed_at      timestamptz,
        removed_by_id   text,
        removed_reason  text,
        CHECK ((status = 'reviewed') = (reviewed_at IS NOT NULL)),
        CHECK ((status = 'removed') = (removed_at IS NOT NULL))
      );
      CREATE UNIQUE INDEX panel_meeting_agenda_one_open_idx ON panel_meeting_agenda_items (case_id) WHERE status = 'scheduled';
      CREATE INDEX panel_meeting_agenda_meeting_idx ON panel_meeting_agenda_items (meeting_id, added_at, id);
      COMMENT ON TABLE panel_meeting_agenda_items IS 'Cases on a meeting''s agenda: scheduled (waiting for review), reviewed (signed off at the meeting) or removed. A case is scheduled on at most one agenda at a time (unique index).';
      COMMENT ON COLUMN panel_meeting_agenda_items.removed_reason IS 'Free text (may be personal data): never logged.';

      CREATE TABLE case_recusals (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id           uuid NOT NULL REFERENCES cases (id),
        user_id           uuid NOT NULL REFERENCES users (id),
        reason            text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 2000),
        declared_at       timestamptz NOT NULL DEFAULT now(),
        recorded_by_type  text NOT NULL CHECK (recorded_by_type IN ('user', 'client')),
        recorded_by_id    text NOT NULL,
        UNIQUE (case_id, user_id)
      );
      COMMENT ON TABLE case_recusals IS 'Conflicts of interest: a panel member or chair recused from a case, declared by themselves or recorded by a coordinator. Permanent: rows never change nor go (trigger).';
      COMMENT ON COLUMN case_recusals.reason IS 'Free text (personal data): never logged.';
      CREATE FUNCTION case_recusals_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'case recusals are permanent' USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER case_recusals_append_only BEFORE UPDATE OR DELETE ON case_recusals
        FOR EACH ROW EXECUTE FUNCTION case_recusals_append_only();

      CREATE TABLE case_review_meetings (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id             uuid NOT NULL REFERENCES cases (id),
        held_on             date NOT NULL,
        attendees           jsonb NOT NULL CHECK (jsonb_typeof(attendees) = 'array'),
        post_mortem_report  text NOT NULL CHECK (post_mortem_report IN ('yes', 'no', 'not_applicable', 'awaited')),
        summary             text NOT NULL,
        proposed_category   integer CHECK (proposed_category BETWEEN 1 AND 10),
        modifiable_factors  text CHECK (modifiable_factors IN ('yes', 'no', 'insufficient_information')),
        learning            text NOT NULL,
        recorded_at         timestamptz NOT NULL DEFAULT now(),
        recorded_by_type    text NOT NULL CHECK (recorded_by_type IN ('user', 'client')),
        recorded_by_id      text NOT NULL
      );
      CREATE INDEX case_review_meetings_case_idx ON case_review_meetings (case_id, held_on, id);
      COMMENT ON TABLE case_review_meetings IS 'Child Death Review Meetings: the local professionals who knew the child (attendees by agency), whether the post-mortem report was available, and the draft analysis they hand to the panel.';
      COMMENT ON COLUMN case_review_meetings.attendees IS 'Agencies present, [{"agencyId": uuid, "role": text}]; roles are words, never names.';
      COMMENT ON COLUMN case_review_meetings.summary IS 'Free text (personal data): never logged.';
      COMMENT ON COLUMN case_review_meetings.learning IS 'Free text (personal data): never logged.';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE case_review_meetings;
      DROP TABLE case_recusals;
      DROP FUNCTION case_recusals_append_only();
      DROP TABLE panel_meeting_agenda_items;
      DROP TABLE panel_meeting_members;
      DROP TABLE panel_meetings;
      DROP TABLE panel_quorum_rules;
    `);
  }
}
