import type { Client } from 'pg';
import { exampleAnswers, NOT_APPLICABLE } from '../../src/modules/agency-forms/catalogue';
import { valueAt } from '../../src/modules/agency-forms/catalogue/json-pointer';
import { INTER_AGENCY_QUESTIONS, SAFEGUARDING_CONCERN_QUESTIONS } from '../../src/modules/scr-triggers/rules/questions';
import { startTestAuthCandidate } from '../lib/test-auth-candidate';
import type { Scenario, ServerSide, Side, Targets } from '../lib/scenario';
import {
  FORM_SUBMIT_ANSWERS,
  formSubmit,
  formSubmitRequest,
  REPORTING_TEMPLATE,
  resetFormSubmit,
  submitBody,
  verifyFormSubmit,
} from './form-submit';
import { intake, intakeRequest, resetIntake, startIntakeCandidate, verifyIntake } from './intake';

/**
 * The cost of the SCR-trigger rules (src/modules/scr-triggers), issue 14: "Rules add at most 2 ms at p50 to a
 * notification or a form submission". The rules run as a case-change listener in the transaction of every change
 * to a case (src/modules/cases/case-changes.ts); createApp installs them unless `caseChangeListeners` says otherwise.
 *
 * Both sides are the whole service, started the way the `intake` and `form-submit` scenarios start their candidate:
 * - baseline: `caseChangeListeners: []`, the service without the rules;
 * - candidate: the default, the service with them.
 * Same requests, same database setup (the `intake` and `form-submit` scenarios' own), rounds alternating, at one
 * connection (bench/README.md, "Scenarios scr-rules-*": latency, not queueing). Judged: candidate p50 − baseline
 * p50 ≤ 2 ms (medians of rounds).
 *
 * Two evidence shapes each: what most deaths look like (no rule fires: the listener reads the case and writes
 * nothing) and a case that fires rules (the listener raises flags: rows, clocks, events, audit).
 */

const TARGETS: readonly Targets[] = [{ connections: 1, maxP50DeltaMs: 2 }];

function sides(start: typeof startTestAuthCandidate, what: string): { baseline: ServerSide; candidate: ServerSide } {
  return {
    baseline: {
      label: `${what} without the SCR-trigger rules (createApp with caseChangeListeners: [])`,
      start: (ctx) => start(ctx, { caseChangeListeners: [] }),
    },
    candidate: { label: `${what} with the SCR-trigger rules (createApp's default listeners)`, start: (ctx) => start(ctx) },
  };
}

/**
 * Whether the rules ran on the side that should run them, and only there: the baseline raises no flag; the
 * candidate raises none for the quiet shape, and at least one on every case it changed for the firing one.
 */
async function verifyFlags(db: Client, side: Side, changed: number, fires: boolean, scenario: string): Promise<string | undefined> {
  const { rows } = await db.query<{ flags: number; flagged: number }>(
    `SELECT count(*)::int AS flags, count(DISTINCT case_id)::int AS flagged FROM safeguarding_flags`,
  );
  const { flags, flagged } = rows[0]!;
  if (side !== 'candidate' || !fires) {
    return flags ? `${flags} safeguarding flags raised on the ${side}, none expected` : undefined;
  }
  if (flagged < changed) return `${changed} cases changed but ${flagged} flagged (every change fires a rule)`;
  if (!described.has(scenario)) console.log(`   (${scenario}: the candidate raised ${(flags / flagged).toFixed(2)} flags per change)`);
  described.add(scenario);
  return undefined;
}
const described = new Set<string>();

// ---------------------------------------------------------------- the intake

/** A plain notification (no rule fires), or a death in a children's home (one flag: regulated_setting_death). */
function scrRulesIntake(fires: boolean): Scenario {
  return {
    name: fires ? 'scr-rules-intake-flag' : 'scr-rules-intake',
    description:
      'POST /v1/notifications from a hospital system (bearer token), the service with and without the SCR rules: ' +
      (fires ? "death in a children's home (one rule fires)" : 'a plain notification (no rule fires)'),
    expectedStatus: 201,
    sides: sides(startIntakeCandidate, 'full service as in `intake` (bearer ES256, audit sealer)'),
    setup: (ctx) => intake.setup!(ctx),
    request: fires
      ? (seq) =>
          intakeRequest(seq, (form) => {
            form.death.placeOfDeath = { type: 'childrens_home' };
          })
      : (seq) => intakeRequest(seq),
    reset: (db) => resetIntake(db),
    async verify(db, succeeded, side) {
      const problems = [await verifyIntake(db, succeeded)];
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM notifications');
      problems.push(await verifyFlags(db, side, rows[0]!.n, fires, this.name));
      return problems.filter(Boolean).join('; ') || undefined;
    },
    targets: TARGETS,
    minWarmupSeconds: intake.minWarmupSeconds,
  };
}

// ---------------------------------------------------------------- the form submission

/**
 * The `form-submit` answers with every question the rules read on the reporting form answered the way that fires
 * nothing ('no', 'never', no exploitation), and their follow-ups 'not_applicable': what most deaths look like.
 */
function quietAnswers(): Record<string, Record<string, unknown>> {
  const answers = structuredClone(FORM_SUBMIT_ANSWERS);
  for (const q of [...SAFEGUARDING_CONCERN_QUESTIONS, ...INTER_AGENCY_QUESTIONS]) {
    if (!q.templates.includes(REPORTING_TEMPLATE.key)) continue;
    const section = answers[q.section];
    if (!section) throw new Error(`scr-rules: the reporting form has no section ${q.section}`);
    section[q.question] = q.answers.includes('yes') ? 'no' : q.answers.includes('current') ? 'never' : ['none'];
  }
  // A follow-up whose question is no longer answered the way that asks it is not applicable.
  for (const s of REPORTING_TEMPLATE.display.sections) {
    for (const f of s.fields) {
      if (!f.when || f.when.in.includes(valueAt(answers, f.when.pointer) as string | number)) continue;
      const [section, question] = f.pointer.split('/').slice(1);
      answers[section!]![question!] = NOT_APPLICABLE;
    }
  }
  return answers;
}

/** Realistic: no rule fires. Firing: exampleAnswers() of the reporting form answers "yes" everywhere. */
function scrRulesFormSubmit(fires: boolean): Scenario {
  const body = submitBody(fires ? exampleAnswers(REPORTING_TEMPLATE) : quietAnswers());
  return {
    name: fires ? 'scr-rules-form-submit-flags' : 'scr-rules-form-submit',
    description:
      'POST /v1/form-requests/{id}/submit (the reporting form, a first submission each), the service with and without the SCR rules: ' +
      (fires ? 'answers that fire every rule they can (several flags per submission)' : 'answers that fire no rule'),
    expectedStatus: 201,
    sides: sides(startTestAuthCandidate, 'full service as in `form-submit` (test authenticator)'),
    setup: (ctx) => formSubmit.setup!(ctx),
    request: (seq) => formSubmitRequest(seq, body),
    reset: resetFormSubmit,
    async verify(db, succeeded, side) {
      const problems = [await verifyFormSubmit(db, succeeded)];
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM form_submissions');
      problems.push(await verifyFlags(db, side, rows[0]!.n, fires, this.name));
      return problems.filter(Boolean).join('; ') || undefined;
    },
    targets: TARGETS,
    minWarmupSeconds: formSubmit.minWarmupSeconds,
  };
}

export const scrRulesScenarios: readonly Scenario[] = [
  scrRulesIntake(false),
  scrRulesIntake(true),
  scrRulesFormSubmit(false),
  scrRulesFormSubmit(true),
];
