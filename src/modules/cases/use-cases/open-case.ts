import { randomUUID } from 'node:crypto';
import { audit, flushAudit } from '../../../audit';
import type { Tx } from '../../../platform/db/transaction';
import { londonDateOf, londonLocalInstant, startOfLondonDay } from '../../../platform/time';
import type { PanelRef } from '../../directory';
import { daysBetween } from '../age-at-death';
import { allocateCaseReference } from '../case-reference';
import * as cases from '../cases.repository';
import type { ExpectedDeath, NhsNumberExceptionReason, Sex } from '../cases.types';
import { computeCaseDeadlines, type DeadlineRule } from '../clocks';
import type { CaseState } from './case-change-hook';
import { caseEvent } from './case-command';

/**
 * How a notification opens a case or joins one: the cases module's side of
 * the intake (the notifications module decides which, by its duplicate rules,
 * and writes the notification itself). Both run inside the intake's
 * transaction and write only the cases module's tables, through the audit
 * writer for their audit events.
 */

/** Who sent the notification, as the case log records actors. */
export interface IntakeActor {
  kind: 'user' | 'client';
  id: string;
}

/**
 * The case a notification went to: its id and reference, and its state for the case-change listeners (the intake
 * created or updated the row in its transaction, so it holds the row's lock: `notificationRecorded` needs no re-read).
 */
export interface PlacedNotification {
  caseId: string;
  reference: string | null;
  state: CaseState;
}

export interface CaseFromNotification {
  notificationId: string;
  actor: IntakeActor;
  child: {
    nhsNumber: string | null;
    nhsNumberExceptionReason: NhsNumberExceptionReason | null;
    givenName: string;
    familyName: string;
    dateOfBirth: string;
    sex: Sex;
  };
  death: { date: string; time?: string; expected: ExpectedDeath };
  localAuthorityCode: string;
  /** The panel covering the local authority; null leaves the case in the unassigned queue, without a reference. */
  panel: PanelRef | null;
  agencies: readonly { agencyId: string; contacts: unknown[] }[];
  /** Flags relating the new case to others (POSSIBLE_DUPLICATE, NHS_NUMBER_CONFLICT), with the rule that raised each and its evidence. */
  flags: readonly IntakeFlag[];
  notifiedAt: Date;
}

export interface IntakeFlag {
  type: 'POSSIBLE_DUPLICATE' | 'NHS_NUMBER_CONFLICT';
  relatedCaseId: string;
  ruleId: string;
  ruleVersion: number;
  /** Field names and what matched: never personal data. */
  evidence: object;
}

/** The clock the notification itself satisfies: it arrives with the case, on time or late. */
const NOTIFICATION_FORM_RULE = 'notification_form_due';

/**
 * A new case: status notified, the `notify` entry in its log, the agencies the
 * notification names, its clocks from the configured rules (the notification
 * form's met by this notification), flags for possible duplicates, and the
 * panel's next reference. The reference is taken last, so the panel's counter
 * row is locked for as little of the transaction as possible.
 */
export async function createFromNotification(
  rules: readonly DeadlineRule[],
  tx: Tx,
  input: CaseFromNotification,
): Promise<PlacedNotification> {
  const caseId = randomUUID();
  const { child, death, notifiedAt } = input;
  const deathInstant = death.time ? londonLocalInstant(death.date, death.time) : startOfLondonDay(death.date);
  const deadlines = computeCaseDeadlines({ date_of_death: deathInstant, notified_at: notifiedAt }, rules).map((d) => {
    const rule = rules.find((r) => r.id === d.ruleId)!;
    return {
      rule_id: d.ruleId,
      starts_from: rule.startsFrom,
      started_at: rule.startsFrom === 'date_of_death' ? deathInstant : notifiedAt,
      due_at: d.dueAt,
      due_date: d.dueDate,
      met_at: d.ruleId === NOTIFICATION_FORM_RULE ? notifiedAt : null,
    };
  });
  await audit(
    tx,
    caseEvent(caseId, {
      action: 'case.create',
      details: { assigned: input.panel !== null, flags: input.flags.map((f) => f.type).sort() },
    }),
  );
  // Everything else is written before the counter row is locked (it stays locked until commit).
  await flushAudit(tx);
  const reference = input.panel ? await allocateCaseReference(tx, input.panel, Number(londonDateOf(notifiedAt).slice(0, 4))) : null;
  await cases.insertNewCase(
    tx,
    {
      id: caseId,
      reference,
      panel_id: input.panel?.id ?? null,
      child_nhs_number: child.nhsNumber,
      child_nhs_exception: child.nhsNumber ? null : child.nhsNumberExceptionReason,
      child_given_name: child.givenName,
      child_family_name: child.familyName,
      child_date_of_birth: child.dateOfBirth,
      child_sex: child.sex,
      date_of_death: death.date,
      age_at_death_days: daysBetween(child.dateOfBirth, death.date),
      local_authority_code: input.localAuthorityCode,
      expected_death: death.expected,
      notified_at: notifiedAt,
    },
    { action: 'notify', actor_type: input.actor.kind, actor_id: input.actor.id, payload: { notificationId: input.notificationId } },
    input.agencies.map((a) => ({ agency_id: a.agencyId, contacts: a.contacts, first_notification_id: input.notificationId })),
    deadlines,
    input.flags.map((f) => ({
      type: f.type,
      rule_id: f.ruleId,
      rule_version: f.ruleVersion,
      evidence: { ...f.evidence },
      related_case_id: f.relatedCaseId,
    })),
  );
  return { caseId, reference, state: { caseId, panelId: input.panel?.id ?? null, status: 'notified', category: null } };
}

export interface NotificationForCase {
  caseId: string;
  notificationId: string;
  actor: IntakeActor;
  /** How the notification was matched to the case. */
  match: 'nhs_number' | 'demographics';
  /** An NHS number the case should learn (it had none, and no other case holds it). */
  learnNhsNumber: string | null;
  agencies: readonly { agencyId: string; contacts: unknown[] }[];
}

/** Another notification of a death the case is for: its log entry, the agencies it adds, the NHS number it teaches. */
export async function attachNotification(tx: Tx, input: NotificationForCase): Promise<PlacedNotification> {
  const attached = await cases.attachToCase(
    tx,
    input.caseId,
    input.learnNhsNumber,
    {
      action: 'attach_notification',
      actor_type: input.actor.kind,
      actor_id: input.actor.id,
      payload: { notificationId: input.notificationId, match: input.match },
    },
    input.agencies.map((a) => ({ agency_id: a.agencyId, contacts: a.contacts, first_notification_id: input.notificationId })),
  );
  if (!attached) throw new Error('intake: the case to attach to does not exist');
  await audit(tx, caseEvent(input.caseId, { action: 'case.attach_notification', details: { match: input.match } }));
  return {
    caseId: input.caseId,
    reference: attached.reference,
    state: { caseId: input.caseId, panelId: attached.panel_id, status: attached.status, category: attached.category },
  };
}
