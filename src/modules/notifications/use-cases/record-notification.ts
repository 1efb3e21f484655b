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
  requireKeyFromSystems,
  type IdempotentOutcome,
  type IdempotentRequest,
} from '../../../platform/idempotency/idempotency';
import type { CaseOnRecord, CasesIntake, IntakeFlag } from '../../cases';
import { resolveRouting, type AgencyRef } from '../../directory';
import {
  candidateWindow,
  decideMatch,
  matchLockNames,
  MAX_MERGE_HOPS,
  RULE_ID,
  RULE_VERSION,
  type CaseCandidate,
  type ChildIdentity,
  type IntakeDecision,
  type NhsNumberHolder,
} from '../duplicate-match';
import type { NhsNumberPolicy } from '../nhs-number';
import { validateNotification, type ValidatedNotification } from '../notification.validation';
import * as notifications from '../notifications.repository';
import type { NotificationCreate, NotificationReceipt } from '../notifications.types';

interface RecordNotificationDeps {
  ds: DataSource;
  cases: CasesIntake;
  now: () => Date;
  nhsNumbers: NhsNumberPolicy;
}

/**
 * POST /v1/notifications: the national notification form in, exactly one case
 * per death out. Read top to bottom: validate → Idempotency-Key → routing →
 * locks → lookup → decide → write and audit → stored response, all in one
 * transaction (src/modules/notifications/README.md explains each step).
 */
export async function recordNotification(
  deps: RecordNotificationDeps,
  principal: Principal,
  body: NotificationCreate,
  idempotencyKey: string | undefined,
): Promise<IdempotentOutcome<NotificationReceipt>> {
  const now = deps.now();
  // 1. Validate before anything reaches the database: a refused request leaves nothing behind, its key unused.
  const valid = validateNotification(body, now, deps.nhsNumbers);
  requireKeyFromSystems(principal, idempotencyKey, 'notification');
  const request: IdempotentRequest | undefined = idempotencyKey
    ? { scope: `${principal.kind}:${principal.id}`, key: idempotencyKey, fingerprint: fingerprint('POST', '/v1/notifications', body) }
    : undefined;
  const child = childIdentity(body, valid);

  return inTransaction(deps.ds, async (tx) => {
    // 2. The same key again: the first response (or 409 while the first is in flight, 422 for another body).
    if (request) {
      const replay = await beginIdempotent<NotificationReceipt>(tx, request);
      if (replay) return replay;
    }
    // 3. Where it goes: the panel covering the child's home, and the agencies named (by id or ODS code).
    const routing = await resolveRouting(tx, {
      localAuthorityCode: body.child.localAuthorityOfResidence,
      agencies: [valid.notifierAgency, ...valid.agenciesInvolved],
    });
    const [notifierAgencyId, ...involvedIds] = routing.agencyIds;
    if (routing.agencyIds.some((id) => id === null)) throw unknownAgencies(valid, routing.agencyIds);
    assertOwnAgency(principal, notifierAgencyId!, valid.notifierAgency);
    const agencies = mergeAgencies(body, notifierAgencyId!, involvedIds as string[]);

    // 4. Notifications of one child take turns, so the second always sees the first's case; then look for it.
    await lockAll(tx, matchLockNames(child));
    const onRecord = await deps.cases.findOnRecord(tx, { nhsNumber: child.nhsNumber, ...candidateWindow(child) });
    const byNhsNumber = onRecord.byNhsNumber && (await nhsNumberHolder(deps.cases, tx, onRecord.byNhsNumber));

    // 5. Decide by the duplicate rules.
    const decision = decideMatch(child, { byNhsNumber, byDates: onRecord.byDates.map(candidate) });

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
            // The case learns an NHS number it lacks, unless another case (merged into it) holds it already.
            learnNhsNumber: onRecord.byNhsNumber ? null : child.nhsNumber,
            agencies,
          })
        : await deps.cases.createFromNotification(tx, {
            notificationId,
            actor,
            child: {
              // A number another case holds for a child with other dates stays on the form, not on the case.
              nhsNumber: decision.nhsNumberConflict ? null : child.nhsNumber,
              nhsNumberExceptionReason: decision.nhsNumberConflict ? 'nhs_number_conflict' : (body.child.nhsNumberExceptionReason ?? null),
              givenName: body.child.name.givenName,
              familyName: body.child.name.familyName,
              dateOfBirth: body.child.dateOfBirth,
              sex: body.child.sex,
            },
            death: { date: body.death.dateOfDeath, time: body.death.timeOfDeath, expected: body.death.expected },
            localAuthorityCode: body.child.localAuthorityOfResidence,
            panel: routing.panel,
            agencies,
            flags: flagsOf(decision),
            notifiedAt: now,
          });
    await notifications.insertNotification(tx, {
      id: notificationId,
      case_id: placed.caseId,
      notifier_agency_id: notifierAgencyId!,
      notified_on: body.notifiedOn,
      submitted_by_type: principal.kind,
      submitted_by_id: principal.id,
      match,
      payload: body,
    });
    // The rules that react to a case change (the SCR triggers) read the notification: run them now, in this transaction.
    await deps.cases.notificationRecorded(tx, actor, placed, notificationId);

    // 7. The receipt, stored with the key in the same transaction.
    const response = { status: 201, body: receiptFor(principal, notificationId, placed, decision, valid) };
    return request ? completeIdempotent(tx, request, response) : { ...response, replayed: false };
  });
}

/**
 * The receipt. Other cases are named only to CDOP coordinators: an agency
 * caller learns of its own notification and the case it created or joined.
 */
function receiptFor(
  principal: Principal,
  notificationId: string,
  placed: { caseId: string; reference: string | null },
  decision: IntakeDecision,
  valid: ValidatedNotification,
): NotificationReceipt {
  const others = decision.kind === 'create' ? flagsOf(decision).map((f) => f.relatedCaseId) : [];
  const receipt: NotificationReceipt = {
    notificationId,
    caseId: placed.caseId,
    caseReference: placed.reference,
    outcome: decision.kind === 'attach' ? 'attached_to_existing_case' : 'case_created',
    possibleDuplicateOf: principal.kind === 'user' && principal.roles.includes('cdop_coordinator') ? [...new Set(others)] : [],
  };
  if (valid.timeOfDeath) {
    const t = valid.timeOfDeath;
    receipt.timeOfDeathRecorded = { instant: t.instant.toISOString(), utcOffset: t.utcOffset, ambiguous: t.ambiguous };
  }
  return receipt;
}

function flagsOf(decision: Extract<IntakeDecision, { kind: 'create' }>): IntakeFlag[] {
  const rule = { ruleId: RULE_ID, ruleVersion: RULE_VERSION };
  return [
    ...(decision.nhsNumberConflict
      ? [
          {
            type: 'NHS_NUMBER_CONFLICT' as const,
            relatedCaseId: decision.nhsNumberConflict.caseId,
            evidence: decision.nhsNumberConflict.evidence,
            ...rule,
          },
        ]
      : []),
    ...decision.possibleDuplicates.map((d) => ({
      type: 'POSSIBLE_DUPLICATE' as const,
      relatedCaseId: d.caseId,
      evidence: d.evidence,
      ...rule,
    })),
  ];
}

/** The case holding the NHS number and, if it was merged away as a duplicate, the case it answers for (along a chain of merges). */
async function nhsNumberHolder(cases: CasesIntake, tx: Tx, holder: CaseOnRecord): Promise<NhsNumberHolder> {
  let live = holder;
  for (let hop = 0; live.merged_into_case_id !== null; hop++) {
    if (hop >= MAX_MERGE_HOPS) throw new Error('intake: a chain of merged cases is too long (a loop?)');
    const next = await cases.findOnRecordById(tx, live.merged_into_case_id);
    if (!next) throw new Error('intake: a merged case points at a case that does not exist');
    live = next;
  }
  return { holder: candidate(holder), live: candidate(live) };
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

function childIdentity(n: NotificationCreate, { nhsNumber }: ValidatedNotification): ChildIdentity {
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
function mergeAgencies(
  n: NotificationCreate,
  notifierAgencyId: string,
  involvedIds: readonly string[],
): { agencyId: string; contacts: unknown[] }[] {
  const byId = new Map<string, unknown[]>();
  n.agenciesInvolved.forEach((a, i) => {
    const { agencyId: _id, agencyOdsCode: _ods, ...contact } = a;
    const id = involvedIds[i]!;
    const list = byId.get(id) ?? [];
    if (Object.keys(contact).length) list.push(contact);
    byId.set(id, list);
  });
  if (!byId.has(notifierAgencyId)) byId.set(notifierAgencyId, []);
  return [...byId].map(([agencyId, contacts]) => ({ agencyId, contacts }));
}

/** Agency staff and agency systems notify as their own agency only. */
function assertOwnAgency(principal: Principal, notifierAgencyId: string, named: AgencyRef): void {
  const ownAgencyOnly = principal.kind === 'client' || principal.roles.every((r) => r === 'agency_contributor');
  if (ownAgencyOnly && notifierAgencyId !== principal.agencyId) {
    throw badRequest(
      'You can notify only on behalf of your own agency.',
      [{ field: refField('body.notifier', named), message: 'must be your own agency', code: 'not_own_agency' }],
      'NOTIFICATION.NOT_OWN_AGENCY',
    );
  }
}

/** The request field that named an agency: its agencyId or its agencyOdsCode. */
const refField = (at: string, ref: AgencyRef) => `${at}.${'id' in ref ? 'agencyId' : 'agencyOdsCode'}`;

/** Each agency reference that names no agency, by the field that named it. */
function unknownAgencies(valid: ValidatedNotification, resolved: readonly (string | null)[]) {
  const named = [
    { at: 'body.notifier', ref: valid.notifierAgency },
    ...valid.agenciesInvolved.map((ref, i) => ({ at: `body.agenciesInvolved[${i}]`, ref })),
  ];
  const errors: FieldError[] = named.flatMap(({ at, ref }, i) =>
    resolved[i] === null ? [{ field: refField(at, ref), message: 'no such agency' }] : [],
  );
  return badRequest('Unknown agency.', errors, 'NOTIFICATION.UNKNOWN_AGENCY');
}
