import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The safeguarding review referral process (src/modules/safeguarding-reviews, issue 14): a case referred for a
 * Serious Case Review (before 2018) or a rapid review and local Child Safeguarding Practice Review (since), its
 * append-only history, its statutory clocks, the individual management reviews asked of agencies (the requests
 * themselves are agency-forms' form_requests), and the learning points and actions the review records.
 *
 * The review keeps no panel: it is the case's (so a case moved to another panel takes its review with it).
 * Which action is allowed in which state, and which clocks an action meets or stops, are rules in the module
 * (review-workflow.ts, review-clocks.rule.ts); the CHECKs below only keep each column's vocabulary, the triggers
 * keep the history append-only.
 */
export class SafeguardingReviews1796077081220 implements MigrationInterface {
  name = 'SafeguardingReviews1796077081220';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE safeguarding_reviews (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id            uuid NOT NULL REFERENCES cases (id),
        regime             text NOT NULL CHECK (regime IN ('2015', '2018')),
        state              text NOT NULL CHECK (state IN ('referred', 'decision_pending', 'proceeding', 'not_proceeding',
                                                          'imrs_requested', 'report_drafted', 'completed', 'published')),
        aware_on           date NOT NULL,
        referred_at        timestamptz NOT NULL,
        referred_by_type   text NOT NULL CHECK (referred_by_type IN ('user', 'client')),
        referred_by_id     text NOT NULL,
        referral_reason    text,
        rule_ids           text[] NOT NULL DEFAULT '{}',
        clock_rules_version integer NOT NULL,
        decision           text CHECK (decision IN ('proceed', 'not_proceed')),
        decision_reason    text,
        decided_at         timestamptz,
        updated_at         timestamptz NOT NULL DEFAULT now(),
        version            integer NOT NULL DEFAULT 1 CHECK (version >= 1),
        CHECK ((decision IS NULL) = (decided_at IS NULL) AND (decision IS NULL) = (decision_reason IS NULL))
      );
      CREATE INDEX safeguarding_reviews_case_idx ON safeguarding_reviews (case_id);
      CREATE INDEX safeguarding_reviews_list_idx ON safeguarding_reviews (referred_at DESC, id DESC);
      COMMENT ON TABLE safeguarding_reviews IS 'A case referred for a safeguarding review (SCR before 2018; rapid review and LCSPR since): its regime, state and decision. The panel is the case''s.';
      COMMENT ON COLUMN safeguarding_reviews.referral_reason IS 'Free text from the referrer: personal data, never logged or audited; shown to the case''s coordinators only.';
      COMMENT ON COLUMN safeguarding_reviews.decision_reason IS 'Free text: never logged or audited.';
      COMMENT ON COLUMN safeguarding_reviews.version IS 'Row version for ETag / If-Match.';

      CREATE TABLE safeguarding_review_flags (
        review_id  uuid NOT NULL REFERENCES safeguarding_reviews (id),
        flag_id    uuid NOT NULL, -- a safeguarding_flags row of the scr-triggers module, which opens the referral
        PRIMARY KEY (review_id, flag_id)
      );
      CREATE UNIQUE INDEX safeguarding_review_flags_flag_idx ON safeguarding_review_flags (flag_id);
      COMMENT ON TABLE safeguarding_review_flags IS 'The SCR flags a review was opened from; a flag is referred once.';

      CREATE TABLE safeguarding_review_history (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        review_id    uuid NOT NULL REFERENCES safeguarding_reviews (id),
        action       text NOT NULL,
        from_state   text,
        to_state     text NOT NULL,
        actor_type   text NOT NULL CHECK (actor_type IN ('user', 'client')),
        actor_id     text NOT NULL,
        reason       text,
        note         text,
        details      jsonb NOT NULL DEFAULT '{}',
        occurred_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX safeguarding_review_history_review_idx ON safeguarding_review_history (review_id, id);
      COMMENT ON TABLE safeguarding_review_history IS 'A review''s action log, append-only (trigger): each state change or note, who and when. Reasons and notes are free text: never logged.';

      CREATE FUNCTION safeguarding_review_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'a safeguarding review''s history is never changed or removed' USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER safeguarding_review_history_append_only BEFORE UPDATE OR DELETE ON safeguarding_review_history
        FOR EACH ROW EXECUTE FUNCTION safeguarding_review_history_append_only();

      CREATE TABLE safeguarding_review_clocks (
        review_id     uuid NOT NULL REFERENCES safeguarding_reviews (id),
        clock_id      text NOT NULL,
        label         text NOT NULL,
        basis         text NOT NULL,
        starts_on     date NOT NULL,
        due_on        date NOT NULL CHECK (due_on >= starts_on),
        status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'met', 'met_late', 'stopped')),
        met_at        timestamptz,
        stopped_at    timestamptz,
        PRIMARY KEY (review_id, clock_id),
        CHECK ((met_at IS NOT NULL) = (status IN ('met', 'met_late'))),
        CHECK ((stopped_at IS NOT NULL) = (status = 'stopped'))
      );
      CREATE INDEX safeguarding_review_clocks_pending_idx ON safeguarding_review_clocks (due_on) WHERE status = 'pending';
      COMMENT ON TABLE safeguarding_review_clocks IS 'A review''s statutory clocks (London dates, due at the end of due_on); overdue is worked out when read.';

      CREATE TABLE safeguarding_review_imr_requests (
        review_id        uuid NOT NULL REFERENCES safeguarding_reviews (id),
        form_request_id  uuid NOT NULL REFERENCES form_requests (id),
        agency_id        uuid NOT NULL REFERENCES agencies (id),
        requested_at     timestamptz NOT NULL,
        requested_by     text NOT NULL,
        PRIMARY KEY (review_id, form_request_id)
      );
      CREATE UNIQUE INDEX safeguarding_review_imr_requests_request_idx ON safeguarding_review_imr_requests (form_request_id);
      COMMENT ON TABLE safeguarding_review_imr_requests IS 'The individual management reviews a review asked of agencies: links to agency-forms'' form_requests (which own the request, its status and its chasing).';

      CREATE TABLE safeguarding_review_learning (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        review_id        uuid NOT NULL REFERENCES safeguarding_reviews (id),
        case_id          uuid NOT NULL REFERENCES cases (id),
        kind             text NOT NULL CHECK (kind IN ('learning_point', 'action')),
        description      text NOT NULL,
        owner_agency_id  uuid REFERENCES agencies (id),
        due_on           date,
        status           text CHECK (status IN ('open', 'in_progress', 'done', 'not_accepted')),
        created_at       timestamptz NOT NULL DEFAULT now(),
        created_by       text NOT NULL,
        updated_at       timestamptz NOT NULL DEFAULT now(),
        updated_by       text NOT NULL,
        CHECK (kind = 'action' OR (owner_agency_id IS NULL AND due_on IS NULL AND status IS NULL)),
        CHECK (kind = 'learning_point' OR (owner_agency_id IS NOT NULL AND status IS NOT NULL))
      );
      CREATE INDEX safeguarding_review_learning_review_idx ON safeguarding_review_learning (review_id, created_at, id);
      CREATE INDEX safeguarding_review_learning_case_idx ON safeguarding_review_learning (case_id);
      COMMENT ON TABLE safeguarding_review_learning IS 'Learning points and actions (owner agency, due date, status) a safeguarding review records, linked to the case for reports. The description is free text: never logged.';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE safeguarding_review_learning;
      DROP TABLE safeguarding_review_imr_requests;
      DROP TABLE safeguarding_review_clocks;
      DROP TABLE safeguarding_review_history;
      DROP FUNCTION safeguarding_review_history_append_only();
      DROP TABLE safeguarding_review_flags;
      DROP TABLE safeguarding_reviews;
    `);
  }
}
