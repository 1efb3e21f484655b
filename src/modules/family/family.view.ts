import type { CaseFamilyContactEntity, CaseFamilyEntity, CaseFamilyQuestionEntity } from './entities';
import type { CaseFamilyView, FamilyContactView, FamilyQuestionView } from './family.types';

/** The case's family record; before anything is recorded, nothing named and support not known. */
export function familyView(caseId: string, row: CaseFamilyEntity | undefined): CaseFamilyView {
  if (!row) {
    return { caseId, keyWorker: null, bereavementSupport: { offered: 'not_known', offeredOn: null, agency: null }, updatedAt: null };
  }
  return {
    caseId,
    keyWorker:
      row.key_worker_name === null || row.key_worker_role === null
        ? null
        : {
            name: row.key_worker_name,
            role: row.key_worker_role,
            agency: row.key_worker_agency,
            phone: row.key_worker_phone,
            email: row.key_worker_email,
          },
    bereavementSupport: { offered: row.bereavement_offered, offeredOn: row.bereavement_offered_on, agency: row.bereavement_agency },
    updatedAt: row.updated_at.toISOString(),
  };
}

export function contactView(r: CaseFamilyContactEntity): FamilyContactView {
  return {
    id: r.id,
    caseId: r.case_id,
    contactedOn: r.contacted_on,
    method: r.method,
    byAgency: r.by_agency,
    byRole: r.by_role,
    summary: r.summary,
    recordedAt: r.recorded_at.toISOString(),
    recordedBy: { type: r.recorded_by_type, id: r.recorded_by_id },
  };
}

export function questionView(r: CaseFamilyQuestionEntity): FamilyQuestionView {
  return {
    id: r.id,
    caseId: r.case_id,
    question: r.question,
    addedAt: r.added_at.toISOString(),
    addedBy: { type: r.added_by_type, id: r.added_by_id },
    answer:
      r.answer === null || r.answered_at === null || r.answered_by_type === null || r.answered_by_id === null
        ? null
        : {
            text: r.answer,
            answeredAt: r.answered_at.toISOString(),
            answeredBy: { type: r.answered_by_type, id: r.answered_by_id },
            revision: r.answer_revision,
          },
  };
}
