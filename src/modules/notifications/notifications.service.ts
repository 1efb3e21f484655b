import type { DataSource } from 'typeorm';
import type { Principal } from '../../access/principal';
import { auditRequestColumns } from '../../audit';
import { fingerprint, settleIdempotencyAnswer, type IdempotentOutcome } from '../../platform/idempotency/idempotency';
import { inTransaction } from '../../platform/db/transaction';
import { badRequest, type FieldError } from '../../platform/http/problem';
import { londonDateOf, londonLocalInstant, startOfLondonDay } from '../../platform/time';
import { computeCaseDeadlines, type DeadlineRule } from '../cases';
import { candidateBirthDates, compareChildren, matchKey, RULE_ID, RULE_VERSION, type ChildIdentity } from './duplicate-match';
import * as repo from './notifications.repository';
import type { NotificationCreate, NotificationReceipt } from './notifications.types';
import { validateNotification, type ValidatedChild } from './notification.validation';

const NOTIFICATION_FORM_RULE = 'notification_form_due';

export interface NotificationsService {
  /** Records a notification exactly once per Idempotency-Key (when one is given). */
  notify(
    principal: Principal,
    body: NotificationCreate,
    idempotencyKey: string | undefined,
  ): Promise<IdempotentOutcome<NotificationReceipt>>;
}

export function createNotificationsService(ds: DataSource, rules: readonly DeadlineRule[]): NotificationsService {
  return {
    async notify(principal, body, idempotencyKey) {
      const now = new Date();
      // Validate before anything reaches the database: a request refused for bad input leaves nothing to replay.
      const valid = validateNotification(body, now);
      if (principal.kind === 'client' && !idempotencyKey) {
        throw badRequest(
          'Agency systems must send an Idempotency-Key with each notification.',
          [{ field: 'headers.idempotency-key', message: 'is required for agency systems', code: 'required' }],
          'IDEMPOTENCY.KEY_REQUIRED',
        );
      }
      assertOwnAgency(principal, body);
      const command = intakeCommand(principal, body, valid, rules, now, idempotencyKey);
      // One statement settles a new death and a child known by NHS number.
      let answer = await repo.runIntake(ds, command);
      if (answer.result === 'decide') {
        // A child who may be the same by name and dates: look again inside a transaction, whose
        // locks keep other notifications of this child out until the decision is written.
        answer = await inTransaction(ds, async (tx) => {
          const found = await repo.runIntake(tx, command);
          return found.result === 'decide'
            ? repo.runIntake(tx, { ...command, decision: decide(childIdentity(body, valid), found) })
            : found;
        });
      }
      switch (answer.result) {
        case 'done':
          return { status: answer.status, body: answer.body, replayed: false };
        case 'unknown_agencies':
          throw unknownAgencies(body, answer.missing);
        case 'decide':
          throw new Error('intake: the candidates changed while their locks were held');
        default:
          return settleIdempotencyAnswer<NotificationReceipt>(answer);
      }
    },
  };
}

function childIdentity(n: NotificationCreate, { nhsNumber }: ValidatedChild): ChildIdentity {
  return {
    nhsNumber,
    givenName: n.child.name.givenName,
    familyName: n.child.name.familyName,
    alternativeNames: n.child.alternativeNames,
    dateOfBirth: n.child.dateOfBirth,
    dateOfDeath: n.death.dateOfDeath,
  };
}

/** Everything the intake statement needs except the decision on a match, which comes only if it finds candidates. */
function intakeCommand(
  principal: Principal,
  n: NotificationCreate,
  { nhsNumber, ageAtDeathDays }: ValidatedChild,
  rules: readonly DeadlineRule[],
  now: Date,
  idempotencyKey: string | undefined,
): repo.IntakeCommand {
  const agencies = mergeAgencies(n);
  return {
    idempotency: idempotencyKey
      ? { scope: `${principal.kind}:${principal.id}`, key: idempotencyKey, fingerprint: fingerprint('POST', '/v1/notifications', n) }
      : null,
    lookup: {
      nhsNumber,
      dateOfBirth: n.child.dateOfBirth,
      dateOfDeath: n.death.dateOfDeath,
      birthDates: candidateBirthDates(n.child.dateOfBirth),
      localAuthority: n.child.localAuthorityOfResidence,
      agencyIds: [n.notifier.agencyId, ...agencies.map((a) => a.agency_id)],
    },
    decision: null,
    case: {
      year: Number(londonDateOf(now).slice(0, 4)),
      nhsNumber,
      nhsException: nhsNumber ? null : (n.child.nhsNumberExceptionReason ?? null),
      givenName: n.child.name.givenName,
      familyName: n.child.name.familyName,
      matchKey: matchKey(n.child.name.givenName, n.child.name.familyName),
      dateOfBirth: n.child.dateOfBirth,
      sex: n.child.sex,
      dateOfDeath: n.death.dateOfDeath,
      ageAtDeathDays,
      localAuthority: n.child.localAuthorityOfResidence,
      expectedDeath: n.death.expected,
      notifiedAt: now,
    },
    notification: {
      notifierAgencyId: n.notifier.agencyId,
      notifiedOn: n.notifiedOn,
      submittedByType: principal.kind,
      submittedById: principal.id,
      payload: n,
      agencies,
    },
    deadlines: caseDeadlines(n, rules, now),
    audit: auditRequestColumns(principal),
  };
}

/**
 * The duplicate rules applied to what the lookup found: the same child → attach
 * (an NHS number match first); otherwise a new case, flagged POSSIBLE_DUPLICATE
 * against each uncertain match.
 */
function decide(
  child: ChildIdentity,
  found: { nhsMatch: repo.CaseCandidate | null; candidates: repo.CaseCandidate[]; signature: string },
): repo.IntakeDecision {
  const { signature } = found;
  if (found.nhsMatch) return { kind: 'attach', caseId: found.nhsMatch.id, match: 'nhs_number', signature };
  const verdicts = found.candidates.map((candidate) => ({ candidate, verdict: compareChildren(child, candidate) }));
  const same = verdicts.find((x) => x.verdict.kind === 'same');
  if (same) return { kind: 'attach', caseId: same.candidate.id, match: 'demographics', signature };
  const possibles = verdicts.filter((x) => x.verdict.kind === 'possible');
  return {
    kind: 'create',
    signature,
    possibleDuplicateOf: possibles.map((p) => p.candidate.id),
    flags: possibles.map(({ candidate, verdict }) => ({
      type: 'POSSIBLE_DUPLICATE',
      rule_id: RULE_ID,
      rule_version: RULE_VERSION,
      evidence: verdict.kind === 'possible' ? { matchedOn: verdict.matchedOn, differences: verdict.differences } : {},
      related_case_id: candidate.id,
    })),
  };
}

function caseDeadlines(n: NotificationCreate, rules: readonly DeadlineRule[], now: Date): repo.DeadlineRow[] {
  const deathInstant = n.death.timeOfDeath
    ? londonLocalInstant(n.death.dateOfDeath, n.death.timeOfDeath)
    : startOfLondonDay(n.death.dateOfDeath);
  return computeCaseDeadlines({ date_of_death: deathInstant, notified_at: now }, rules).map((d) => {
    const rule = rules.find((r) => r.id === d.ruleId)!;
    return {
      rule_id: d.ruleId,
      starts_from: rule.startsFrom,
      started_at: (rule.startsFrom === 'date_of_death' ? deathInstant : now).toISOString(),
      due_at: d.dueAt.toISOString(),
      due_date: d.dueDate,
      // The notification form is what this clock waits for: it arrives with the case (on time or late).
      met_at: d.ruleId === NOTIFICATION_FORM_RULE ? now.toISOString() : null,
    };
  });
}

/** One entry per agency, contacts from repeated entries kept together. */
function mergeAgencies(n: NotificationCreate): { agency_id: string; contacts: unknown[] }[] {
  const byId = new Map<string, unknown[]>();
  for (const a of n.agenciesInvolved) {
    const { agencyId, ...contact } = a;
    const list = byId.get(agencyId) ?? [];
    if (Object.keys(contact).length) list.push(contact);
    byId.set(agencyId, list);
  }
  if (!byId.has(n.notifier.agencyId)) byId.set(n.notifier.agencyId, []);
  return [...byId].map(([agency_id, contacts]) => ({ agency_id, contacts }));
}

/** Agency staff and agency systems notify as their own agency only. */
function assertOwnAgency(principal: Principal, n: NotificationCreate): void {
  const ownAgencyOnly = principal.kind === 'client' || principal.roles.every((r) => r === 'agency_contributor');
  if (ownAgencyOnly && n.notifier.agencyId !== principal.agencyId) {
    throw badRequest(
      'You can notify only on behalf of your own agency.',
      [{ field: 'body.notifier.agencyId', message: 'must be your own agency', code: 'not_own_agency' }],
      'NOTIFICATION.NOT_OWN_AGENCY',
    );
  }
}

function unknownAgencies(n: NotificationCreate, missing: string[]) {
  const errors: FieldError[] = [];
  if (missing.includes(n.notifier.agencyId)) errors.push({ field: 'body.notifier.agencyId', message: 'no such agency' });
  n.agenciesInvolved.forEach((a, i) => {
    if (missing.includes(a.agencyId)) errors.push({ field: `body.agenciesInvolved[${i}].agencyId`, message: 'no such agency' });
  });
  return badRequest('Unknown agency.', errors, 'NOTIFICATION.UNKNOWN_AGENCY');
}
