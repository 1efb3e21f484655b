import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Transfers of a case to another panel (src/modules/cases, issue 14: the panel
 * where the child normally lived reviews the death). One row per transfer,
 * append-only: the panel and reference the case had before and the ones it was
 * given, so an old reference stays findable and both panels can see the move.
 * Everything else about the case (forms, clocks, flags, history) is keyed by the
 * case id and moves with it.
 *
 * Which cases may move, and who may move them, are rules in the module
 * (`case-transfer.rule.ts`); the CHECKs below only keep the shape of a row.
 * The reason is free text: never logged or audited.
 */
export class CaseTransfers1796077068481 implements MigrationInterface {
  name = 'CaseTransfers1796077068481';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_transfers (
        id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id              uuid NOT NULL REFERENCES cases (id),
        action_id            bigint NOT NULL UNIQUE REFERENCES case_actions (id),
        from_panel_id        uuid NOT NULL REFERENCES panels (id),
        to_panel_id          uuid NOT NULL REFERENCES panels (id),
        from_reference       text NOT NULL UNIQUE CHECK (from_reference ~ '^[A-Z]{2,6}-[0-9]{4}-[0-9]{4,}$'),
        to_reference         text NOT NULL UNIQUE CHECK (to_reference ~ '^[A-Z]{2,6}-[0-9]{4}-[0-9]{4,}$'),
        status_at_transfer   text NOT NULL,
        reason               text NOT NULL CHECK (length(btrim(reason)) > 0),
        transferred_at       timestamptz NOT NULL DEFAULT now(),
        transferred_by_type  text NOT NULL CHECK (transferred_by_type IN ('user', 'client')),
        transferred_by_id    text NOT NULL,
        CHECK (from_panel_id <> to_panel_id),
        CHECK (from_reference <> to_reference)
      );
      CREATE INDEX case_transfers_case_idx ON case_transfers (case_id, transferred_at, id);
      CREATE INDEX case_transfers_from_panel_idx ON case_transfers (from_panel_id, transferred_at DESC, id DESC);
      CREATE INDEX case_transfers_to_panel_idx ON case_transfers (to_panel_id, transferred_at DESC, id DESC);
      COMMENT ON TABLE case_transfers IS 'Each move of a case to another panel, append-only: the panel and reference before and after, so an old reference stays findable and the sending panel keeps a record of what it transferred out.';
      COMMENT ON COLUMN case_transfers.action_id IS 'The transfer_panel entry of the case history written in the same transaction.';
      COMMENT ON COLUMN case_transfers.from_reference IS 'The reference the case had at the sending panel; GET /v1/cases?reference= still finds the case by it.';
      COMMENT ON COLUMN case_transfers.reason IS 'Why the case was transferred, free text: shown to the coordinators of both panels, never logged or audited.';

      CREATE FUNCTION case_transfers_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'case transfers are never changed or removed' USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER case_transfers_append_only BEFORE UPDATE OR DELETE ON case_transfers
        FOR EACH ROW EXECUTE FUNCTION case_transfers_append_only();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_transfers; DROP FUNCTION case_transfers_append_only();`);
  }
}
