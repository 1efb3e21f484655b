import type { DataSource } from 'typeorm';
import type { Principal } from '../../access/principal';
import { audit } from '../../audit';
import { inTransaction, type Tx } from '../../platform/db/transaction';
import { fingerprint, runIdempotent, type IdempotentOutcome } from '../../platform/idempotency/idempotency';
import { badRequest, type FieldError } from '../../platform/http/problem';
import { computeCaseDeadlines, londonDateOf, londonLocalInstant, startOfLondonDay, type DeadlineRule } from '../cases/clocks';
import { candidateBirthDates, compareChildren, matchKey, RULE_ID, RULE_VERSION, type ChildIdentity } from './duplicate-match';
import * as repo from './notifications.repository';
import type { NotificationCreate, NotificationReceipt } from './notifications.types';
import { validateNotification, type ValidatedChild } from './notification.validation';

const NOTIFICATION_FORM_RULE = 'notification_form_due';

export interface NotificationsService {
  /** Records a notification exactly once per Idempotency-Key (when one is given). */
  notify(principal: Principal, body: NotificationCreate, idempotencyKey: string | undefined): Promise<IdempotentOutcome<NotificationReceipt>>;
}

export function createNotificationsService(ds: DataSource, rules: readonly DeadlineRule[]): NotificationsService {
  return {
    async notify(principal, body, idempotencyKey) {
      const now = new Date();
      // Validate before claiming the key: a request refused for bad input leaves nothing to replay.
      const valid = validateNotification(body, now);
      if (principal.kind === 'client' && !idempotencyKey) {
        throw badRequest('Agency systems must send an Idempotency-Key with each notification.', [
          { field: 'headers.idempotency-key', message: 'is required for agency systems', code: 'required' },
        ], 'IDEMPOTENCY.KEY_REQUIRED');
      }
      const intake = async (tx: Tx) => ({ status: 201, body: await recordNotification(tx, principal, body, valid, rules, now) });
      if (!idempotencyKey) {
        return { ...(await inTransaction(ds, intake)), replayed: false };
      }
      return runIdempotent(
        ds,
        { scope: `${principal.kind}:${principal.id}`, key: idempotencyKey, fingerprint: fingerprint('POST', '/v1/notifications', body) },
        intake,
      );
    },
  };
}

async function recordNotification(
  tx: Tx,
  principal: Principal,
  n: NotificationCreate,
  { nhsNumber, ageAtDeathDays }: ValidatedChild,
  rules: readonly DeadlineRule[],
  now: Date,
): Promise<NotificationReceipt> {
  const child: ChildIdentity = {
    nhsNumber,
    givenName: n.child.name.givenName,
    familyName: n.child.name.familyName,
    alternativeNames: n.child.alternativeNames,
    dateOfBirth: n.child.dateOfBirth,
    dateOfDeath: n.death.dateOfDeath,
  };
  const involved = mergeAgencies(n);
  assertOwnAgency(principal, n);

  await repo.lockDeath(tx, `death:${child.dateOfBirth}:${child.dateOfDeath}`, nhsNumber);
  const found = await repo.lookUpForIntake(tx, {
    nhsNumber,
    birthDates: candidateBirthDates(child.dateOfBirth),
    dateOfDeath: child.dateOfDeath,
    localAuthority: n.child.localAuthorityOfResidence,
    agencyIds: [n.notifier.agencyId, ...involved.map((a) => a.agency_id)],
  });
  if (found.missingAgencyIds.length) throw unknownAgencies(n, found.missingAgencyIds);

  const row: repo.NotificationRow = {
    notifierAgencyId: n.notifier.agencyId,
    notifiedOn: n.notifiedOn,
    submittedByType: principal.kind,
    submittedById: principal.id,
    payload: n,
    agencies: involved,
  };

  const same = found.nhsMatch
    ? { candidate: found.nhsMatch, match: 'nhs_number' as const }
    : found.candidates
        .map((candidate) => ({ candidate, verdict: compareChildren(child, candidate) }))
        .filter((x) => x.verdict.kind === 'same')
        .map((x) => ({ candidate: x.candidate, match: 'demographics' as const }))[0];

  if (same) {
    const attached = await repo.attachNotification(tx, same.candidate.id, same.match, row, nhsNumber);
    await audit(
      tx,
      { action: 'notification.create', resourceType: 'notification', resourceId: attached.notificationId, details: { match: same.match } },
      { action: 'case.attach_notification', resourceType: 'case', resourceId: same.candidate.id },
    );
    return {
      notificationId: attached.notificationId,
      caseId: same.candidate.id,
      caseReference: attached.reference,
      outcome: 'attached_to_existing_case',
      possibleDuplicateOf: [],
    };
  }

  const possibles = found.candidates
    .map((candidate) => ({ candidate, verdict: compareChildren(child, candidate) }))
    .filter((x) => x.verdict.kind === 'possible');
  const flags: repo.FlagRow[] = possibles.map(({ candidate, verdict }) => ({
    type: 'POSSIBLE_DUPLICATE',
    rule_id: RULE_ID,
    rule_version: RULE_VERSION,
    evidence: verdict.kind === 'possible' ? { matchedOn: verdict.matchedOn, differences: verdict.differences } : {},
    related_case_id: candidate.id,
  }));

  const deathInstant = n.death.timeOfDeath
    ? londonLocalInstant(n.death.dateOfDeath, n.death.timeOfDeath)
    : startOfLondonDay(n.death.dateOfDeath);
  const deadlines = computeCaseDeadlines({ date_of_death: deathInstant, notified_at: now }, rules).map((d) => {
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

  const created = await repo.insertCaseWithNotification(
    tx,
    {
      panelId: found.panelId,
      year: Number(londonDateOf(now).slice(0, 4)),
      nhsNumber,
      nhsException: nhsNumber ? null : (n.child.nhsNumberExceptionReason ?? null),
      givenName: child.givenName,
      familyName: child.familyName,
      matchKey: matchKey(child.givenName, child.familyName),
      dateOfBirth: child.dateOfBirth,
      sex: n.child.sex,
      dateOfDeath: child.dateOfDeath,
      ageAtDeathDays,
      localAuthority: n.child.localAuthorityOfResidence,
      expectedDeath: n.death.expected,
      notifiedAt: now,
    },
    row,
    deadlines,
    flags,
  );
  await audit(
    tx,
    { action: 'notification.create', resourceType: 'notification', resourceId: created.notificationId, details: { match: 'new_case' } },
    {
      action: 'case.create',
      resourceType: 'case',
      resourceId: created.caseId,
      details: { assigned: found.panelId !== null, possibleDuplicates: flags.length },
    },
  );
  return {
    notificationId: created.notificationId,
    caseId: created.caseId,
    caseReference: created.reference,
    outcome: 'case_created',
    possibleDuplicateOf: possibles.map((p) => p.candidate.id),
  };
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
    throw badRequest('You can notify only on behalf of your own agency.', [
      { field: 'body.notifier.agencyId', message: 'must be your own agency', code: 'not_own_agency' },
    ], 'NOTIFICATION.NOT_OWN_AGENCY');
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
