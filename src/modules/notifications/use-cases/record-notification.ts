import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Principal } from '../../../access/principal';
import { audit } from '../../../audit';
import { lockAll } from '../../../platform/db/advisory-locks';
import { inTransaction, type Tx } from '../../../platform/db/transaction';
import { badRequest, type FieldError } from '../../../platform/http/problem';
import {
  beginIdempotent,
  completeIdempotent,
  fingerprint,
  type IdempotentOutcome,
  type IdempotentRequest,
} from '../../../platform/idempotency/idempotency';
import type { CaseOnRecord, CasesIntake } from '../../cases';
import { resolveRouting } from '../../directory';
import {
  candidateWindow,
  decideMatch,
  matchLockNames,
  MAX_MERGE_HOPS,
  RULE_ID,
  RULE_VERSION,
  type CaseCandidate,
  type ChildIdentity,
} from '../duplicate-match';
import { validateNotification, type ValidatedChild } from '../notification.validation';
import * as notifications from '../notifications.repository';
import type { NotificationCreate, NotificationReceipt } from '../notifications.types';

export interface RecordNotificationDeps {
  ds: DataSource;
  cases: CasesIntake;
  now: () => Date;
}

/**
 * POST /v1/notifications: the national notification form in, exactly one case
 * per death out. Read top to bottom: validate → Idempotency-Key → routing →
 * locks → lookup → decide → write and audit → stored response, all in one transaction
 * (src/modules/notifications/README.md explains each step).
 */
export async function recordNotification(
  deps: RecordNotificationDeps,
  principal: Principal,
  body: NotificationCreate,
  idempotencyKey: string | undefined,
): Promise<IdempotentOutcome<NotificationReceipt>> {
  const now = deps.now();
  // 1. Validate before anything reaches the database: a refused request leaves nothing behind, its key unused.
  const valid = validateNotification(body, now);
  requireKeyFromSystems(principal, idempotencyKey);
  assertOwnAgency(principal, body);
  const request: IdempotentRequest | undefined = idempotencyKey
    ? { scope: `${principal.kind}:${principal.id}`, key: idempotencyKey, fingerprint: fingerprint('POST', '/v1/notifications', body) }
    : undefined;
  const child = childIdentity(body, valid);
  const agencies = mergeAgencies(body);

  return inTransaction(deps.ds, async (tx) => {
    // 2. The same key again: the first response (or 409 while the first is in flight, 422 for another body).
    if (request) {
      const replay = await beginIdempotent<NotificationReceipt>(tx, request);
      if (replay) return replay;
    }
    // 3. Where it goes: the panel that covers the child's home; agencies that do not exist are refused.
    const routing = await resolveRouting(tx, {
      localAuthorityCode: body.child.localAuthorityOfResidence,
      agencyIds: [body.notifier.agencyId, ...agencies.map((a) => a.agencyId)],
    });
    if (routing.unknownAgencyIds.length) throw unknownAgencies(body, routing.unknownAgencyIds);

    // 4. Notifications of one child take turns, so the second always sees the first's case; then look for it.
    await lockAll(tx, matchLockNames(child));
    const onRecord = await deps.cases.findOnRecord(tx, { nhsNumber: child.nhsNumber, ...candidateWindow(child) });
    const byNhsNumber = onRecord.byNhsNumber && (await followMerges(deps.cases, tx, onRecord.byNhsNumber));

    // 5. Decide by the duplicate rules.
    const decision = decideMatch(child, { byNhsNumber: byNhsNumber && candidate(byNhsNumber), byDates: onRecord.byDates.map(candidate) });

    // 6. Write: the notification's audit event, the case (new or joined), the notification itself.
    const notificationId = randomUUID();
    const actor = { kind: principal.kind, id: principal.id };
    const match = decision.kind === 'attach' ? decision.match : 'new_case';
    await audit(tx, { action: 'notification.create', resourceType: 'notification', resourceId: notificationId, details: { match } });
    const placed =
      decision.kind === 'attach'
        ? await deps.cases.attachNotification(tx, {
            caseId: decision.caseId,
            notificationId,
            actor,
            match: decision.match,
            // The case learns an NHS number it lacks, unless a case merged into it holds it already.
            learnNhsNumber: onRecord.byNhsNumber ? null : child.nhsNumber,
            agencies,
          })
        : await deps.cases.createFromNotification(tx, {
            notificationId,
            actor,
            child: {
              nhsNumber: child.nhsNumber,
              nhsNumberExceptionReason: body.child.nhsNumberExceptionReason ?? null,
              givenName: body.child.name.givenName,
              familyName: body.child.name.familyName,
              dateOfBirth: body.child.dateOfBirth,
              sex: body.child.sex,
            },
            death: { date: body.death.dateOfDeath, time: body.death.timeOfDeath, expected: body.death.expected },
            localAuthorityCode: body.child.localAuthorityOfResidence,
            panel: routing.panel,
            agencies,
            possibleDuplicates: decision.possibleDuplicates.map((d) => ({ ...d, ruleId: RULE_ID, ruleVersion: RULE_VERSION })),
            notifiedAt: now,
          });
    await notifications.insertNotification(tx, {
      id: notificationId,
      case_id: placed.caseId,
      notifier_agency_id: body.notifier.agencyId,
      notified_on: body.notifiedOn,
      submitted_by_type: principal.kind,
      submitted_by_id: principal.id,
      match,
      payload: body,
    });

    // 7. The receipt, stored with the key in the same transaction.
    const receipt: NotificationReceipt = {
      notificationId,
      caseId: placed.caseId,
      caseReference: placed.reference,
      outcome: decision.kind === 'attach' ? 'attached_to_existing_case' : 'case_created',
      possibleDuplicateOf: decision.kind === 'create' ? decision.possibleDuplicates.map((d) => d.caseId) : [],
    };
    const response = { status: 201, body: receipt };
    return request ? completeIdempotent(tx, request, response) : { ...response, replayed: false };
  });
}

/** A case merged away as a duplicate answers for the case it was merged into (followed along a chain of merges). */
async function followMerges(cases: CasesIntake, tx: Tx, found: CaseOnRecord): Promise<CaseOnRecord> {
  let at = found;
  for (let hop = 0; at.merged_into_case_id !== null; hop++) {
    if (hop >= MAX_MERGE_HOPS) throw new Error('intake: a chain of merged cases is too long (a loop?)');
    const next = await cases.findOnRecordById(tx, at.merged_into_case_id);
    if (!next) throw new Error('intake: a merged case points at a case that does not exist');
    at = next;
  }
  return at;
}

function candidate(c: CaseOnRecord): CaseCandidate {
  return {
    id: c.id,
    mergedIntoCaseId: c.merged_into_case_id,
    nhsNumber: c.child_nhs_number,
    givenName: c.child_given_name,
    familyName: c.child_family_name,
    dateOfBirth: c.child_date_of_birth,
    dateOfDeath: c.date_of_death,
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

/** One entry per agency named (the notifier included), contacts from repeated entries kept together. */
function mergeAgencies(n: NotificationCreate): { agencyId: string; contacts: unknown[] }[] {
  const byId = new Map<string, unknown[]>();
  for (const a of n.agenciesInvolved) {
    const { agencyId, ...contact } = a;
    const list = byId.get(agencyId) ?? [];
    if (Object.keys(contact).length) list.push(contact);
    byId.set(agencyId, list);
  }
  if (!byId.has(n.notifier.agencyId)) byId.set(n.notifier.agencyId, []);
  return [...byId].map(([agencyId, contacts]) => ({ agencyId, contacts }));
}

/** Agency systems retry on timeouts, so each of their notifications must carry an Idempotency-Key. */
function requireKeyFromSystems(principal: Principal, idempotencyKey: string | undefined): void {
  if (principal.kind === 'client' && !idempotencyKey) {
    throw badRequest(
      'Agency systems must send an Idempotency-Key with each notification.',
      [{ field: 'headers.idempotency-key', message: 'is required for agency systems', code: 'required' }],
      'IDEMPOTENCY.KEY_REQUIRED',
    );
  }
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

function unknownAgencies(n: NotificationCreate, missing: readonly string[]) {
  const errors: FieldError[] = [];
  if (missing.includes(n.notifier.agencyId)) errors.push({ field: 'body.notifier.agencyId', message: 'no such agency' });
  n.agenciesInvolved.forEach((a, i) => {
    if (missing.includes(a.agencyId)) errors.push({ field: `body.agenciesInvolved[${i}].agencyId`, message: 'no such agency' });
  });
  return badRequest('Unknown agency.', errors, 'NOTIFICATION.UNKNOWN_AGENCY');
}
