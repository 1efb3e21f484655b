import type { Principal } from '../../../access/principal';
import { audit, runAuditedCommand } from '../../../audit';
import { submittedFormsOfCase } from '../../agency-forms';
import { ageAtDeath, caseTimelineOf } from '../../cases';
import { notificationFormsOfCase } from '../../notifications';
import { actorKindsOf } from '../../users';
import { caseNotFound, recused, type PackMediaType } from '../case-packs.errors';
import type { CasePack } from '../case-packs.types';
import { knownIdentifiersOf } from '../known-identifiers';
import { packView, type SubmittedFormForPack } from '../pack.view';
import { createRedactor } from '../redact';
import type { CasePacksDeps } from './deps';

/**
 * GET /v1/cases/{caseId}/pack: one transaction that finds the case in the caller's scope (404 otherwise), refuses a
 * recused member (403 REVIEW.RECUSED, audited as denied), reads the history, the notification forms (only to know
 * what to redact) and the submitted forms, builds the anonymised pack and audits the read with its format. The PDF
 * is rendered by the caller from the pack returned, after the transaction.
 */
export function readPack(deps: CasePacksDeps, p: Principal, caseId: string, format: PackMediaType): Promise<CasePack> {
  return runAuditedCommand(deps.ds, { action: 'case.pack.read', resourceType: 'case', resourceId: caseId }, async (tx) => {
    const kase = await deps.cases.find(tx, p, caseId);
    if (!kase) throw caseNotFound();
    if (deps.isRecused && p.kind === 'user' && (await deps.isRecused(tx, caseId, p.id))) throw recused();
    const identity = await deps.cases.identityOf(tx, caseId);
    const redact = createRedactor(knownIdentifiersOf(identity, await notificationFormsOfCase(tx, caseId)));
    const timeline = await caseTimelineOf(tx, caseId);
    const actorIds = timeline.filter((r) => r.actor_type === 'user' && r.actor_id).map((r) => r.actor_id!);
    const actors = await actorKindsOf(tx, actorIds);
    const forms = (await submittedFormsOfCase(tx, caseId)) as SubmittedFormForPack[];
    const pack = packView({
      facts: {
        id: kase.id,
        reference: kase.reference,
        status: kase.status,
        sex: kase.sex,
        expectedDeath: kase.expectedDeath,
        category: kase.category,
        ageBand: ageAtDeath(identity.dateOfBirth, identity.dateOfDeath, kase.ageAtDeathDays).band,
      },
      timeline,
      actors,
      forms,
      redact,
      now: deps.now(),
    });
    await audit(tx, {
      action: 'case.pack.read',
      resourceType: 'case',
      resourceId: caseId,
      details: {
        format: format === 'application/pdf' ? 'pdf' : 'json',
        timelineEntries: pack.timeline.length,
        forms: pack.agencyForms.length,
      },
    });
    return pack;
  });
}
