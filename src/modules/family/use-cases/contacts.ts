import type { Principal } from '../../../access/principal';
import { audit } from '../../../audit';
import { familyInvalid } from '../family.errors';
import * as family from '../family.repository';
import { contactErrors } from '../family.rules';
import type { FamilyContactCreate, FamilyContactList, FamilyContactView } from '../family.types';
import { contactView } from '../family.view';
import { actorOf, caseForCoordinator, familyEvent, runFamilyCommand, todayOf, type FamilyDeps } from './deps';

/** GET /v1/cases/{caseId}/family/contacts: every contact made with the family, for the case's coordinators. */
export function listContacts(deps: FamilyDeps, p: Principal, caseId: string): Promise<FamilyContactList> {
  return runFamilyCommand(deps, 'case.family.read', caseId, async (tx) => {
    await caseForCoordinator(deps, tx, p, caseId);
    const rows = await family.contactsOf(tx, caseId);
    await audit(tx, familyEvent(caseId, { action: 'case.family.read', details: { part: 'contacts', count: rows.length } }));
    return { items: rows.map(contactView) };
  });
}

/** POST /v1/cases/{caseId}/family/contacts: records a contact (append-only); audited by id, never the summary. */
export function recordContact(deps: FamilyDeps, p: Principal, caseId: string, body: FamilyContactCreate): Promise<FamilyContactView> {
  const errors = contactErrors(body, todayOf(deps));
  if (errors.length) throw familyInvalid(errors);
  return runFamilyCommand(deps, 'case.family.contact_recorded', caseId, async (tx) => {
    await caseForCoordinator(deps, tx, p, caseId);
    const row = await family.insertContact(
      tx,
      {
        case_id: caseId,
        contacted_on: body.contactedOn,
        method: body.method,
        by_agency: body.byAgency ?? null,
        by_role: body.byRole,
        summary: body.summary,
        recorded_at: deps.now(),
      },
      actorOf(p),
    );
    await audit(tx, familyEvent(caseId, { action: 'case.family.contact_recorded', details: { contactId: row.id, method: row.method } }));
    return contactView(row);
  });
}
