import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The notification intake as one statement (see src/modules/notifications/README.md).
 *
 * Hospital systems push notifications in bursts and every new case of a panel
 * takes the same gapless reference counter row, so the time a transaction
 * holds its locks decides throughput. Sent as one call, the whole intake runs
 * inside PostgreSQL: no network round trip while the locks are held, one
 * statement is one transaction, and on this kind of VM each round trip saved
 * is ~70 µs of the service's CPU as well.
 *
 * What stays in TypeScript: validation, the duplicate-matching rules (pure,
 * versioned, unit-tested), clocks, the response contract. A new death (no
 * candidate) and a child already known by NHS number are settled in the one
 * call. When the lookup finds a child who may be the same by name and dates,
 * the function writes nothing and answers 'decide' with the candidates and a
 * signature of them; the service then opens a transaction, calls again (the
 * locks are now held until commit), applies its rules and calls a third time
 * with its decision and the signature, which the function checks still
 * describes what it finds.
 *
 * Idempotency-Key protocol (generic, usable by any single- or multi-statement
 * command in its own transaction):
 *   idempotency_begin(scope, key, hash): first thing in the transaction. Takes
 *     a transaction-scoped advisory lock on the key without waiting: if another
 *     transaction holds it, that request is still in flight ('in_flight').
 *     Otherwise a stored response of the same request is returned ('replay'),
 *     of a different request refused ('key_reused'), or NULL: go ahead.
 *   idempotency_complete(scope, key, hash, status, body): last thing, in the
 *     same transaction. The unique (scope, key) stays the final guard.
 * Nothing is written before commit, so a failed or crashed request leaves the
 * key free for a retry, and a new snapshot taken after the lock sees the first
 * request's stored response (locks are released after commit is visible).
 * Rows 'in_flight' written by an older version of the service (which claimed
 * keys with an autocommitted row) are honoured for two minutes.
 */
export class IntakeInOneStatement1764316800000 implements MigrationInterface {
  name = 'IntakeInOneStatement1764316800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION idempotency_begin(p_scope text, p_key text, p_hash text) RETURNS jsonb
      LANGUAGE plpgsql VOLATILE AS $fn$
      DECLARE
        stored record;
      BEGIN
        IF NOT pg_try_advisory_xact_lock(hashtextextended('idempotency:' || p_scope || ':' || p_key, 0)) THEN
          RETURN jsonb_build_object('result', 'in_flight');
        END IF;
        SELECT request_hash, status, response_status, response_body, created_at INTO stored
          FROM idempotency_keys WHERE scope = p_scope AND key = p_key;
        IF NOT FOUND THEN
          RETURN NULL;
        ELSIF stored.request_hash <> p_hash THEN
          RETURN jsonb_build_object('result', 'key_reused');
        ELSIF stored.status = 'completed' THEN
          RETURN jsonb_build_object('result', 'replay', 'status', stored.response_status, 'body', stored.response_body);
        ELSIF stored.created_at > now() - interval '2 minutes' THEN
          RETURN jsonb_build_object('result', 'in_flight');
        END IF;
        RETURN NULL;
      END $fn$;
      COMMENT ON FUNCTION idempotency_begin(text, text, text) IS
        'First statement of an idempotent command: NULL to proceed, else {result: in_flight | key_reused | replay (status, body)}.';

      CREATE FUNCTION idempotency_complete(p_scope text, p_key text, p_hash text, p_status integer, p_body jsonb) RETURNS void
      LANGUAGE plpgsql VOLATILE AS $fn$
      BEGIN
        INSERT INTO idempotency_keys (scope, key, request_hash, status, response_status, response_body, completed_at)
        VALUES (p_scope, p_key, p_hash, 'completed', p_status, p_body, now())
        ON CONFLICT (scope, key) DO UPDATE
          SET request_hash = EXCLUDED.request_hash, status = 'completed', response_status = EXCLUDED.response_status,
              response_body = EXCLUDED.response_body, created_at = now(), completed_at = now()
          WHERE idempotency_keys.status = 'in_flight';
        IF NOT FOUND THEN
          RAISE EXCEPTION 'Idempotency-Key already completed' USING ERRCODE = 'unique_violation', CONSTRAINT = 'idempotency_keys_pkey';
        END IF;
      END $fn$;
      COMMENT ON FUNCTION idempotency_complete(text, text, text, integer, jsonb) IS
        'Last statement of an idempotent command: stores its response with the key, in the command''s transaction.';

      CREATE FUNCTION intake_candidate(x cases) RETURNS jsonb
      LANGUAGE sql STABLE AS $fn$
        SELECT jsonb_build_object('id', x.id, 'reference', x.reference, 'nhsNumber', x.child_nhs_number,
                 'givenName', x.child_given_name, 'familyName', x.child_family_name,
                 'dateOfBirth', x.child_date_of_birth::text, 'dateOfDeath', x.date_of_death::text)
      $fn$;
      COMMENT ON FUNCTION intake_candidate(cases) IS 'A case as the intake''s duplicate rules see it (CaseCandidate in notifications.repository.ts).';

      CREATE FUNCTION intake_notification(p jsonb) RETURNS jsonb
      LANGUAGE plpgsql VOLATILE AS $fn$
      DECLARE
        idem        jsonb := nullif(p->'idempotency', 'null'::jsonb);
        lk          jsonb := p->'lookup';
        dec         jsonb := nullif(p->'decision', 'null'::jsonb);
        c           jsonb := p->'case';
        n           jsonb := p->'notification';
        who         jsonb := p->'audit';
        nhs         text  := lk->>'nhsNumber';
        early       jsonb;
        v_nhs_match jsonb;
        v_candidates jsonb;
        v_panel     uuid;
        v_missing   text[];
        v_signature text;
        v_case_id   uuid;
        v_notification_id uuid := gen_random_uuid();
        v_reference text;
        v_receipt   jsonb;
      BEGIN
        IF idem IS NOT NULL THEN
          early := idempotency_begin(idem->>'scope', idem->>'key', idem->>'hash');
          IF early IS NOT NULL THEN RETURN early; END IF;
        END IF;

        -- Notifications of one child take turns (by birth and death dates, and by NHS number),
        -- so the second always sees the first's case. Always in this order: no deadlock.
        PERFORM pg_advisory_xact_lock(hashtextextended('death:' || (lk->>'dateOfBirth') || ':' || (lk->>'dateOfDeath'), 0));
        IF nhs IS NOT NULL THEN
          PERFORM pg_advisory_xact_lock(hashtextextended('nhs:' || nhs, 0));
        END IF;

        SELECT
          -- A case merged into another as a duplicate answers for its target.
          (SELECT intake_candidate(x) FROM cases x
            WHERE x.id = (SELECT COALESCE(m.merged_into_case_id, m.id) FROM cases m WHERE nhs IS NOT NULL AND m.child_nhs_number = nhs)),
          (SELECT coalesce(jsonb_agg(intake_candidate(x) ORDER BY x.created_at, x.id), '[]'::jsonb)
             FROM (SELECT * FROM cases
                    WHERE child_date_of_birth = ANY (ARRAY(SELECT jsonb_array_elements_text(lk->'birthDates'))::date[])
                      AND merged_into_case_id IS NULL
                      -- Two different NHS numbers are never the same child (twins share the rest).
                      AND (nhs IS NULL OR child_nhs_number IS NULL)
                      AND date_of_death BETWEEN (lk->>'dateOfDeath')::date - 1 AND (lk->>'dateOfDeath')::date + 1
                    ORDER BY created_at, id LIMIT 50) x),
          (SELECT panel_id FROM panel_local_authorities WHERE la_code = lk->>'localAuthority'),
          (SELECT coalesce(array_agg(a.id), '{}') FROM jsonb_array_elements_text(lk->'agencyIds') AS a(id)
            WHERE NOT EXISTS (SELECT 1 FROM agencies g WHERE g.id = a.id::uuid))
        INTO v_nhs_match, v_candidates, v_panel, v_missing;

        IF cardinality(v_missing) > 0 THEN
          RETURN jsonb_build_object('result', 'unknown_agencies', 'missing', to_jsonb(v_missing));
        END IF;

        v_signature := md5(coalesce(v_nhs_match::text, '') || '|' || v_candidates::text);
        IF dec IS NULL THEN
          IF v_nhs_match IS NOT NULL THEN
            -- The NHS number is unique to a child (and unique among cases): the same child, attach.
            dec := jsonb_build_object('kind', 'attach', 'caseId', v_nhs_match->>'id', 'match', 'nhs_number');
          ELSIF jsonb_array_length(v_candidates) > 0 THEN
            RETURN jsonb_build_object('result', 'decide', 'nhsMatch', v_nhs_match, 'candidates', v_candidates, 'signature', v_signature);
          ELSE
            dec := jsonb_build_object('kind', 'create', 'flags', '[]'::jsonb, 'possibleDuplicateOf', '[]'::jsonb);
          END IF;
        ELSIF dec->>'signature' IS DISTINCT FROM v_signature THEN
          RETURN jsonb_build_object('result', 'decide', 'nhsMatch', v_nhs_match, 'candidates', v_candidates, 'signature', v_signature);
        END IF;

        IF dec->>'kind' = 'attach' THEN
          v_case_id := (dec->>'caseId')::uuid;
          WITH learn AS (
            -- The case learns the NHS number unless another case holds it (a duplicate merged into this one does).
            SELECT nhs AS nhs WHERE nhs IS NOT NULL AND NOT EXISTS (SELECT 1 FROM cases o WHERE o.child_nhs_number = nhs)),
          cs AS (
            UPDATE cases SET
              child_nhs_number = COALESCE(child_nhs_number, (SELECT learn.nhs FROM learn)),
              child_nhs_exception = CASE WHEN child_nhs_number IS NULL AND EXISTS (SELECT 1 FROM learn) THEN NULL ELSE child_nhs_exception END,
              updated_at = now(), version = version + 1
            WHERE id = v_case_id
            RETURNING id, status, reference),
          nn AS (
            INSERT INTO notifications (id, case_id, notifier_agency_id, notified_on, submitted_by_type, submitted_by_id, match, payload)
            SELECT v_notification_id, cs.id, (n->>'notifierAgencyId')::uuid, (n->>'notifiedOn')::date, n->>'submittedByType',
                   n->>'submittedById', dec->>'match', n->'payload' FROM cs
            RETURNING id, case_id),
          a AS (
            INSERT INTO case_actions (case_id, action, from_status, to_status, actor_type, actor_id, payload)
            SELECT nn.case_id, 'attach_notification', cs.status, cs.status, n->>'submittedByType', n->>'submittedById',
                   jsonb_build_object('notificationId', nn.id, 'match', dec->>'match')
              FROM nn, cs),
          ag AS (
            INSERT INTO case_agencies (case_id, agency_id, first_notification_id, contacts)
            SELECT nn.case_id, x.agency_id, nn.id, x.contacts FROM nn, jsonb_to_recordset(n->'agencies') AS x(agency_id uuid, contacts jsonb)
            ON CONFLICT (case_id, agency_id) DO NOTHING)
          SELECT cs.reference INTO v_reference FROM nn, cs;
          IF NOT FOUND THEN
            RAISE EXCEPTION 'intake: case to attach to does not exist' USING ERRCODE = 'foreign_key_violation';
          END IF;
          v_receipt := jsonb_build_object('notificationId', v_notification_id, 'caseId', v_case_id, 'caseReference', v_reference,
                                          'outcome', 'attached_to_existing_case', 'possibleDuplicateOf', '[]'::jsonb);
          INSERT INTO audit_events (actor_type, actor_id, idp_id, action, resource_type, resource_id, outcome, details, request_id)
          VALUES (who->>'actorType', who->>'actorId', who->>'idpId', 'notification.create', 'notification', v_notification_id::text,
                  'success', jsonb_build_object('match', dec->>'match'), who->>'requestId'),
                 (who->>'actorType', who->>'actorId', who->>'idpId', 'case.attach_notification', 'case', v_case_id::text,
                  'success', NULL, who->>'requestId');
        ELSE
          v_case_id := gen_random_uuid();
          -- Everything that does not need the reference first: the panel's counter row is locked
          -- from its increment to the commit, so that stretch is kept as short as it can be.
          INSERT INTO audit_events (actor_type, actor_id, idp_id, action, resource_type, resource_id, outcome, details, request_id)
          VALUES (who->>'actorType', who->>'actorId', who->>'idpId', 'notification.create', 'notification', v_notification_id::text,
                  'success', jsonb_build_object('match', 'new_case'), who->>'requestId'),
                 (who->>'actorType', who->>'actorId', who->>'idpId', 'case.create', 'case', v_case_id::text,
                  'success', jsonb_build_object('assigned', v_panel IS NOT NULL,
                                                'possibleDuplicates', jsonb_array_length(dec->'flags')), who->>'requestId');
          WITH ref AS (
            INSERT INTO case_reference_counters (panel_id, year, last_number)
            SELECT v_panel, (c->>'year')::int, 1 WHERE v_panel IS NOT NULL
            ON CONFLICT (panel_id, year) DO UPDATE SET last_number = case_reference_counters.last_number + 1
            RETURNING last_number),
          cs AS (
            INSERT INTO cases (id, reference, panel_id, status, child_nhs_number, child_nhs_exception, child_given_name, child_family_name,
                               child_match_key, child_date_of_birth, child_sex, date_of_death, age_at_death_days,
                               local_authority_code, expected_death, notified_at)
            SELECT v_case_id, (SELECT pn.code || '-' || (c->>'year') || '-' || lpad(ref.last_number::text, 4, '0') FROM ref, panels pn WHERE pn.id = v_panel),
                   v_panel, 'notified', c->>'nhsNumber', c->>'nhsException', c->>'givenName', c->>'familyName', c->>'matchKey',
                   (c->>'dateOfBirth')::date, c->>'sex', (c->>'dateOfDeath')::date, (c->>'ageAtDeathDays')::int,
                   c->>'localAuthority', c->>'expectedDeath', (c->>'notifiedAt')::timestamptz
            RETURNING id, reference),
          nn AS (
            INSERT INTO notifications (id, case_id, notifier_agency_id, notified_on, submitted_by_type, submitted_by_id, match, payload)
            SELECT v_notification_id, cs.id, (n->>'notifierAgencyId')::uuid, (n->>'notifiedOn')::date, n->>'submittedByType',
                   n->>'submittedById', 'new_case', n->'payload' FROM cs
            RETURNING id, case_id),
          a AS (
            INSERT INTO case_actions (case_id, action, from_status, to_status, actor_type, actor_id, payload)
            SELECT nn.case_id, 'notify', NULL, 'notified', n->>'submittedByType', n->>'submittedById', jsonb_build_object('notificationId', nn.id)
              FROM nn),
          ag AS (
            INSERT INTO case_agencies (case_id, agency_id, first_notification_id, contacts)
            SELECT nn.case_id, x.agency_id, nn.id, x.contacts FROM nn, jsonb_to_recordset(n->'agencies') AS x(agency_id uuid, contacts jsonb)),
          d AS (
            INSERT INTO case_deadlines (case_id, rule_id, starts_from, started_at, due_at, due_date, met_at)
            SELECT cs.id, x.rule_id, x.starts_from, x.started_at, x.due_at, x.due_date, x.met_at
              FROM cs, jsonb_to_recordset(p->'deadlines') AS x(rule_id text, starts_from text, started_at timestamptz, due_at timestamptz,
                                                               due_date date, met_at timestamptz)),
          f AS (
            INSERT INTO case_flags (case_id, type, rule_id, rule_version, evidence, related_case_id)
            SELECT cs.id, x.type, x.rule_id, x.rule_version, x.evidence, x.related_case_id
              FROM cs, jsonb_to_recordset(dec->'flags') AS x(type text, rule_id text, rule_version int, evidence jsonb, related_case_id uuid))
          SELECT cs.reference INTO v_reference FROM cs;
          v_receipt := jsonb_build_object('notificationId', v_notification_id, 'caseId', v_case_id, 'caseReference', v_reference,
                                          'outcome', 'case_created', 'possibleDuplicateOf', dec->'possibleDuplicateOf');
        END IF;

        IF idem IS NOT NULL THEN
          PERFORM idempotency_complete(idem->>'scope', idem->>'key', idem->>'hash', 201, v_receipt);
        END IF;
        RETURN jsonb_build_object('result', 'done', 'status', 201, 'body', v_receipt);
      END $fn$;
      COMMENT ON FUNCTION intake_notification(jsonb) IS
        'The whole notification intake in one statement: idempotency, locks, lookup, case or attachment, clocks, flags, audit. Answers decide when a match needs the service''s rules.';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION intake_notification(jsonb);
      DROP FUNCTION intake_candidate(cases);
      DROP FUNCTION idempotency_complete(text, text, text, integer, jsonb);
      DROP FUNCTION idempotency_begin(text, text, text);
    `);
  }
}
