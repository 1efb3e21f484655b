import type { DataSource } from 'typeorm';
import type { Principal } from '../../../src/access/principal';
import { caseFormsPort, createAgencyFormsService } from '../../../src/modules/agency-forms';
import { createCasesService } from '../../../src/modules/cases';
import { caseNotificationsPort } from '../../../src/modules/notifications';
import { createSafeguardingReviewsService, type ReferralInput } from '../../../src/modules/safeguarding-reviews';
import { inTransaction } from '../../../src/platform/db/transaction';

/**
 * Opens a referral the way the scr-triggers module will (`POST /v1/flags/{flagId}/refer` → the port
 * `SafeguardingReviewsForFlags.open`), in a real transaction of its own, with the modules wired as app.ts wires them.
 */
export function openReferral(ds: DataSource, p: Principal, input: ReferralInput, at = new Date()): Promise<{ reviewId: string }> {
  const cases = createCasesService(ds, { notifications: caseNotificationsPort, forms: caseFormsPort });
  const forms = createAgencyFormsService(ds, {
    cases: cases.forms,
    notifications: caseNotificationsPort,
    dueWorkingDays: 15,
    attachments: { types: ['application/pdf'], maxBytes: 1_000_000, maxPerRequest: 5 },
  });
  const reviews = createSafeguardingReviewsService(ds, { cases: cases.panels, forms });
  return inTransaction(ds, (tx) => reviews.forFlags.open(tx, p, input, at));
}

/** Everything the module writes, to show that a refusal wrote nothing. */
export async function reviewTablesFingerprint(ds: DataSource): Promise<string> {
  const [r] = await ds.query(
    `SELECT (SELECT json_agg(row_to_json(x) ORDER BY x.id) FROM safeguarding_reviews x)::text AS reviews,
            (SELECT count(*) FROM safeguarding_review_flags)::int AS flags,
            (SELECT count(*) FROM safeguarding_review_history)::int AS history,
            (SELECT json_agg(row_to_json(k) ORDER BY k.review_id, k.clock_id) FROM safeguarding_review_clocks k)::text AS clocks,
            (SELECT count(*) FROM safeguarding_review_imr_requests)::int AS imrs,
            (SELECT count(*) FROM safeguarding_review_learning)::int AS learning,
            (SELECT count(*) FROM form_requests)::int AS form_requests,
            (SELECT count(*) FROM case_actions)::int AS case_actions`,
  );
  return JSON.stringify(r);
}
