import type { DataSource } from 'typeorm';
import { audit } from '../../../audit';
import { sql } from '../../../platform/db/sql';
import { inTransaction, type Tx } from '../../../platform/db/transaction';
import type { Logger } from '../../../platform/logger';
import { enqueueMessage } from '../../../platform/outbox';
import type { LocalDate } from '../../../platform/time';
import { coordinatorEmailsOfPanel } from '../../users';
import { chasingHorizon, chasingSteps, RULE_ID, RULE_VERSION, type ChasingPolicy, type ChasingStep } from '../chasing.rule';

interface ChasingDeps {
  ds: DataSource;
  log: Logger;
  policy: ChasingPolicy;
  /** Where people open the service (links in the messages). */
  publicBaseUrl: string;
}

const SYSTEM = { type: 'system' as const, id: 'form-request-chasing', idpId: null };

/** A request being chased, with what its messages say and whom they go to. */
interface ChasedRow {
  id: string;
  case_id: string;
  panel_id: string | null;
  case_reference: string | null;
  agency_name: string;
  agency_email: string | null;
  template_title: string;
  due_date: string;
  reminded_before_at: Date | null;
  reminded_due_at: Date | null;
  overdue_at: Date | null;
  escalated_at: Date | null;
}

/**
 * The daily chase (registered in src/server.ts, run once across instances by
 * the scheduler at FORM_CHASE_TIME, Europe/London): for every request still
 * waiting, the steps chasing.rule.ts says are due today, each taken once, in
 * one transaction per request: the messages go into the outbox (sent after
 * commit by the relay), the step's time is recorded, and an audit event is
 * written. Safe to run twice for a day: a step taken is never taken again, and
 * each message has a dedupe key.
 *
 * Messages carry the case reference, the form, the agency and a link; never
 * the child's identity (the recipient signs in to see who the form is about).
 */
export async function chaseRequests(deps: ChasingDeps, run: { date: LocalDate; now: Date }): Promise<Record<ChasingStep, number>> {
  const taken: Record<ChasingStep, number> = { remind_before: 0, remind_due: 0, mark_overdue: 0, escalate: 0 };
  const ids = await inTransaction(deps.ds, async (tx) => {
    const { rows } = await sql<{ id: string }>(
      tx,
      `SELECT id FROM form_requests WHERE status = 'requested' AND escalated_at IS NULL AND due_date <= $1::date ORDER BY due_date, id`,
      [chasingHorizon(run.date, deps.policy)],
    );
    return rows.map((r) => r.id);
  });
  for (const id of ids) {
    const steps = await inTransaction(deps.ds, (tx) => chaseOne(deps, tx, id, run));
    for (const s of steps) taken[s]++;
  }
  if (ids.length) deps.log.info({ date: run.date, candidates: ids.length, taken }, 'form requests chased');
  return taken;
}

async function chaseOne(deps: ChasingDeps, tx: Tx, id: string, run: { date: LocalDate; now: Date }): Promise<ChasingStep[]> {
  const { rows } = await sql<ChasedRow>(
    tx,
    `SELECT fr.id, fr.case_id, c.panel_id, c.reference AS case_reference, a.name AS agency_name, a.contact_email AS agency_email,
            v.title AS template_title, fr.due_date::text AS due_date,
            fr.reminded_before_at, fr.reminded_due_at, fr.overdue_at, fr.escalated_at
       FROM form_requests fr
       JOIN cases c ON c.id = fr.case_id
       JOIN agencies a ON a.id = fr.agency_id
       JOIN form_template_versions v ON v.template_id = fr.template_id AND v.version = fr.template_version
      WHERE fr.id = $1 AND fr.status = 'requested'
      FOR UPDATE OF fr`,
    [id],
  );
  const r = rows[0];
  if (!r) return []; // submitted, withdrawn or waived since the list was read
  const steps = chasingSteps(
    {
      dueDate: r.due_date,
      remindedBefore: r.reminded_before_at !== null,
      remindedDue: r.reminded_due_at !== null,
      overdue: r.overdue_at !== null,
      escalated: r.escalated_at !== null,
    },
    run.date,
    deps.policy,
  );
  if (!steps.length) return [];
  const link = `${deps.publicBaseUrl}/v1/form-requests/${r.id}`;
  const what = `the ${r.template_title} for case ${r.case_reference ?? '(not yet referenced)'}`;
  let sent = 0;
  for (const step of steps) {
    const recipients =
      step === 'escalate' ? (r.panel_id ? await coordinatorEmailsOfPanel(tx, r.panel_id) : []) : r.agency_email ? [r.agency_email] : [];
    const { subject, text } = message(step, { what, agency: r.agency_name, due: r.due_date, link });
    for (const to of recipients) {
      const { created } = await enqueueMessage(tx, { kind: `form-request.${step}`, to, subject, text, dedupeKey: `${r.id}:${step}:${to}` });
      if (created) sent++;
    }
  }
  await sql(
    tx,
    `UPDATE form_requests SET
        reminded_before_at = CASE WHEN $2 THEN $6::timestamptz ELSE reminded_before_at END,
        reminded_due_at = CASE WHEN $3 THEN $6::timestamptz ELSE reminded_due_at END,
        overdue_at = CASE WHEN $4 THEN $6::timestamptz ELSE overdue_at END,
        escalated_at = CASE WHEN $5 THEN $6::timestamptz ELSE escalated_at END
      WHERE id = $1`,
    [
      r.id,
      steps.includes('remind_before'),
      steps.includes('remind_due'),
      steps.includes('mark_overdue'),
      steps.includes('escalate'),
      run.now,
    ],
  );
  await audit(tx, {
    action: 'form_request.chase',
    resourceType: 'form_request',
    resourceId: r.id,
    actor: SYSTEM,
    details: { caseId: r.case_id, steps, messages: sent, date: run.date, ruleId: RULE_ID, ruleVersion: RULE_VERSION },
  });
  return steps;
}

function message(step: ChasingStep, m: { what: string; agency: string; due: string; link: string }): { subject: string; text: string } {
  const open = `Open it here (sign in first): ${m.link}`;
  switch (step) {
    case 'remind_before':
      return {
        subject: `Reminder: CDOP form due ${m.due}`,
        text: `${m.agency}: ${m.what} is due on ${m.due}.\n\n${open}`,
      };
    case 'remind_due':
      return { subject: `CDOP form due today (${m.due})`, text: `${m.agency}: ${m.what} is due today.\n\n${open}` };
    case 'mark_overdue':
      return {
        subject: `Overdue: CDOP form was due ${m.due}`,
        text: `${m.agency}: ${m.what} was due on ${m.due} and has not been submitted. Please submit it, or tell the CDOP coordinator why not.\n\n${open}`,
      };
    case 'escalate':
      return {
        subject: `Escalation: CDOP form overdue since ${m.due}`,
        text: `${m.what}, requested from ${m.agency}, was due on ${m.due} and is still outstanding.\n\n${open}`,
      };
  }
}
