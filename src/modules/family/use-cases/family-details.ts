import type { Principal } from '../../../access/principal';
import { audit } from '../../../audit';
import { preconditionFailed, preconditionRequired } from '../../../platform/http/problem';
import type { CaseFamilyEntity } from '../entities';
import { familyInvalid } from '../family.errors';
import * as family from '../family.repository';
import { familyUpdateErrors } from '../family.rules';
import type { CaseFamilyUpdate, CaseFamilyView } from '../family.types';
import { familyView } from '../family.view';
import { actorOf, caseForCoordinator, familyEvent, runFamilyCommand, todayOf, type FamilyDeps } from './deps';

/** The record and its row version (0 before anything is recorded), for the ETag. */
export interface FamilyRecord {
  view: CaseFamilyView;
  version: number;
}

/** GET /v1/cases/{caseId}/family: the key worker and bereavement support, for the case's coordinators. */
export function getFamily(deps: FamilyDeps, p: Principal, caseId: string): Promise<FamilyRecord> {
  return runFamilyCommand(deps, 'case.family.read', caseId, async (tx) => {
    await caseForCoordinator(deps, tx, p, caseId);
    const row = await family.findFamily(tx, caseId);
    await audit(tx, familyEvent(caseId, { action: 'case.family.read', details: { part: 'family' } }));
    return { view: familyView(caseId, row), version: row?.version ?? 0 };
  });
}

/**
 * PUT /v1/cases/{caseId}/family: replaces the key worker and bereavement
 * support, in one transaction: rules (before anything is read) → lock the case
 * (so two first saves take turns) → If-Match, required once a record exists →
 * save → audit the names of the fields that changed, never their values.
 */
export function putFamily(
  deps: FamilyDeps,
  p: Principal,
  caseId: string,
  ifMatch: number | undefined,
  body: CaseFamilyUpdate,
): Promise<FamilyRecord> {
  const errors = familyUpdateErrors(body, todayOf(deps));
  if (errors.length) throw familyInvalid(errors);
  return runFamilyCommand(deps, 'case.family.updated', caseId, async (tx) => {
    await caseForCoordinator(deps, tx, p, caseId, true);
    const before = await family.findFamily(tx, caseId);
    if (before && ifMatch === undefined) throw preconditionRequired();
    if (ifMatch !== undefined && ifMatch !== (before?.version ?? 0)) throw preconditionFailed();
    const values = valuesOf(body);
    const row = await family.saveFamily(tx, caseId, values, deps.now(), actorOf(p));
    await audit(
      tx,
      familyEvent(caseId, { action: 'case.family.updated', details: { version: row.version, changed: changedFields(before, values) } }),
    );
    return { view: familyView(caseId, row), version: row.version };
  });
}

function valuesOf(body: CaseFamilyUpdate): family.FamilyValues {
  const kw = body.keyWorker;
  const bs = body.bereavementSupport;
  return {
    key_worker_name: kw?.name ?? null,
    key_worker_role: kw?.role ?? null,
    key_worker_agency: kw?.agency ?? null,
    key_worker_phone: kw?.phone ?? null,
    key_worker_email: kw?.email ?? null,
    bereavement_offered: bs.offered,
    bereavement_offered_on: bs.offeredOn ?? null,
    bereavement_agency: bs.agency ?? null,
  };
}

const FIELD_NAMES: Record<keyof family.FamilyValues, string> = {
  key_worker_name: 'keyWorker.name',
  key_worker_role: 'keyWorker.role',
  key_worker_agency: 'keyWorker.agency',
  key_worker_phone: 'keyWorker.phone',
  key_worker_email: 'keyWorker.email',
  bereavement_offered: 'bereavementSupport.offered',
  bereavement_offered_on: 'bereavementSupport.offeredOn',
  bereavement_agency: 'bereavementSupport.agency',
};

/** The API names of the fields whose value changed (for the audit: names only). */
function changedFields(before: CaseFamilyEntity | undefined, after: family.FamilyValues): string[] {
  return (Object.keys(FIELD_NAMES) as (keyof family.FamilyValues)[])
    .filter((k) => (before ? before[k] : k === 'bereavement_offered' ? 'not_known' : null) !== after[k])
    .map((k) => FIELD_NAMES[k]);
}
