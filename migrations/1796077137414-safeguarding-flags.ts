import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SCR triggers (src/modules/scr-triggers, issue 14): the regime each panel follows, the flags the rules raise on a
 * case (rule id and version, the statutory basis in words, the evidence as locations, the day the responsible body
 * became aware), each flag's statutory clocks, and the flag's history (append-only).
 *
 * Which evidence raises a flag, what it opens and when its clocks fall due are rules in the module; the CHECKs below
 * keep each column's vocabulary, and a unique index keeps one live (not dismissed) flag per case and rule.
 */
export class SafeguardingFlags1796077137414 implements MigrationInterface {
  name = 'SafeguardingFlags1796077137414';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE panel_safeguarding_settings (
        panel_id         uuid PRIMARY KEY REFERENCES panels (id),
        regime           text NOT NULL CHECK (regime IN ('2015', '2018')),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        updated_by_type  text NOT NULL CHECK (updated_by_type IN ('user', 'client')),
        updated_by_id    text NOT NULL
      );
      COMMENT ON TABLE panel_safeguarding_settings IS 'The safeguarding-review regime a panel follows (Working Together 2015 or 2018/2023); no row: 2018.';

      CREATE TABLE safeguarding_flags (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id            uuid NOT NULL REFERENCES cases (id),
        rule_id            text NOT NULL,
        rule_version       integer NOT NULL CHECK (rule_version > 0),
        regime             text NOT NULL CHECK (regime IN ('2015', '2018')),
        kind               text NOT NULL CHECK (kind IN ('safeguarding_review', 'statutory_notification', 'review_consideration')),
        title              text NOT NULL,
        basis              text NOT NULL,
        opens              text NOT NULL,
        evidence           jsonb NOT NULL CHECK (jsonb_typeof(evidence) = 'array'),
        status             text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'referred', 'dismissed')),
        aware_on           date NOT NULL,
        aware_corrected    boolean NOT NULL DEFAULT false,
        raised_at          timestamptz NOT NULL DEFAULT now(),
        raised_by_change   text NOT NULL,
        version            integer NOT NULL DEFAULT 1,
        acknowledged_at    timestamptz,
        acknowledged_by    text,
        referred_at        timestamptz,
        referred_by        text,
        review_id          uuid,
        dismissed_at       timestamptz,
        dismissed_by       text,
        dismissal_reason   text,
        CHECK ((status = 'dismissed') = (dismissed_at IS NOT NULL AND dismissal_reason IS NOT NULL)),
        CHECK ((status = 'referred') = (referred_at IS NOT NULL))
      );
      CREATE UNIQUE INDEX safeguarding_flags_one_live ON safeguarding_flags (case_id, rule_id) WHERE status <> 'dismissed';
      CREATE INDEX safeguarding_flags_case_idx ON safeguarding_flags (case_id, raised_at, id);
      CREATE INDEX safeguarding_flags_list_idx ON safeguarding_flags (raised_at DESC, id DESC);
      COMMENT ON TABLE safeguarding_flags IS 'Flags the SCR-trigger rules raised on a case: rule id and version, statutory basis, evidence as locations (never personal data), awareness date. The dismissal reason is free text: never logged.';

      CREATE TABLE safeguarding_flag_clocks (
        flag_id       uuid NOT NULL REFERENCES safeguarding_flags (id),
        clock_id      text NOT NULL,
        label         text NOT NULL,
        basis         text NOT NULL,
        working_days  integer NOT NULL CHECK (working_days >= 0),
        due_on        date NOT NULL,
        status        text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'met', 'stopped')),
        met_on        date,
        stopped_at    timestamptz,
        PRIMARY KEY (flag_id, clock_id),
        CHECK ((status = 'met') = (met_on IS NOT NULL)),
        CHECK ((status = 'stopped') = (stopped_at IS NOT NULL))
      );
      CREATE INDEX safeguarding_flag_clocks_running_idx ON safeguarding_flag_clocks (due_on) WHERE status = 'running';
      COMMENT ON TABLE safeguarding_flag_clocks IS 'The statutory clocks a flag started, due in working days from its awareness date; met when the notification was sent, stopped when the flag is dismissed.';

      CREATE TABLE safeguarding_flag_events (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        flag_id      uuid NOT NULL REFERENCES safeguarding_flags (id),
        at           timestamptz NOT NULL DEFAULT now(),
        action       text NOT NULL CHECK (action IN ('raised', 'evidence_added', 'acknowledged', 'referred', 'dismissed',
                                                     'awareness_corrected', 'notification_recorded')),
        actor_type   text NOT NULL CHECK (actor_type IN ('user', 'client')),
        actor_id     text NOT NULL,
        details      jsonb NOT NULL DEFAULT '{}',
        reason       text
      );
      CREATE INDEX safeguarding_flag_events_flag_idx ON safeguarding_flag_events (flag_id, id);
      COMMENT ON TABLE safeguarding_flag_events IS 'The history of each flag, append-only: what happened, who, when; details hold ids and dates only, the reason (free text) is never logged.';

      CREATE FUNCTION safeguarding_flag_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the history of a safeguarding flag is never changed or removed' USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER safeguarding_flag_events_append_only BEFORE UPDATE OR DELETE ON safeguarding_flag_events
        FOR EACH ROW EXECUTE FUNCTION safeguarding_flag_events_append_only();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE safeguarding_flag_events;
      DROP FUNCTION safeguarding_flag_events_append_only();
      DROP TABLE safeguarding_flag_clocks;
      DROP TABLE safeguarding_flags;
      DROP TABLE panel_safeguarding_settings;
    `);
  }
}
