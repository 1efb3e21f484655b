import type { Principal } from '../../../access/principal';
import { audit } from '../../../audit';
import { preconditionFailed } from '../../../platform/http/problem';
import { londonDateOf } from '../../../platform/time';
import { findPanelRef } from '../../directory';
import { allocateCaseReference } from '../case-reference';
import { canSeeCase } from '../case-scope';
import { alreadyAssigned, caseNotFound, mergedCaseNotAssignable, unknownPanel } from '../cases.errors';
import * as cases from '../cases.repository';
import type { CaseUpdate, CaseView } from '../cases.types';
import { announceCaseChange } from './case-change-hook';
import { caseEvent, loadCaseView, runCaseCommand, type CasesDeps } from './case-command';

/**
 * PATCH /v1/cases/{caseId}: assign a queued case to a panel (it gets the
 * panel's next reference) and correct details (expected or not, category).
 * Null when the change took the case out of what the caller may see.
 */
export function updateCase(deps: CasesDeps, p: Principal, id: string, version: number, patch: CaseUpdate): Promise<CaseView | null> {
  return runCaseCommand(deps, 'case.update', id, async (tx) => {
    const at = deps.now();
    const panel = patch.panelId !== undefined ? await findPanelRef(tx, patch.panelId) : undefined;
    if (patch.panelId !== undefined && !panel) throw unknownPanel();
    const scope = patch.panelId !== undefined ? { assigningTo: patch.panelId } : {};
    const row = await cases.findCase(tx, p, id, { ...scope, lock: true });
    if (!row) throw caseNotFound();
    if (row.version !== version) throw preconditionFailed();

    const changes: cases.CaseChanges = {};
    const corrections: Record<string, { from: unknown; to: unknown }> = {};
    if (panel && panel.id !== row.panel_id) {
      if (row.panel_id !== null) throw alreadyAssigned();
      if (row.merged_into_case_id) throw mergedCaseNotAssignable();
      changes.panel = {
        id: panel.id,
        reference: await allocateCaseReference(tx, panel, Number(londonDateOf(row.notified_at).slice(0, 4))),
      };
    }
    if (patch.expectedDeath !== undefined && patch.expectedDeath !== row.expected_death) {
      changes.expectedDeath = patch.expectedDeath;
      corrections.expectedDeath = { from: row.expected_death, to: patch.expectedDeath };
    }
    if (patch.category !== undefined && patch.category !== row.category) {
      changes.category = patch.category;
      corrections.category = { from: row.category, to: patch.category };
    }

    if (changes.panel || Object.keys(corrections).length) {
      // Log entries first: assigning moves an administrator's case out of their scope.
      if (changes.panel) {
        await cases.insertAction(
          tx,
          p,
          {
            caseId: id,
            action: 'assign_panel',
            fromStatus: row.status,
            toStatus: row.status,
            payload: { panelId: changes.panel.id, reference: changes.panel.reference },
          },
          scope,
        );
      }
      if (Object.keys(corrections).length) {
        await cases.insertAction(
          tx,
          p,
          { caseId: id, action: 'correct_details', fromStatus: row.status, toStatus: row.status, payload: { changes: corrections } },
          scope,
        );
      }
      await cases.updateCase(tx, p, id, changes, scope);
      const fields = [...(changes.panel ? ['panelId'] : []), ...Object.keys(corrections)].sort();
      await announceCaseChange(deps, tx, p, { kind: 'case_corrected', caseId: id, fields });
    }
    await audit(
      tx,
      caseEvent(id, {
        action: 'case.update',
        details: {
          fields: Object.keys(patch).sort(),
          changed: [...(changes.panel ? ['panelId'] : []), ...Object.keys(corrections)].sort(),
          ...(changes.panel ? { panelId: changes.panel.id } : {}),
        },
      }),
    );
    const panelNow = changes.panel?.id ?? row.panel_id;
    return canSeeCase(p, { panelId: panelNow }) ? loadCaseView(deps, tx, p, id, at) : null;
  });
}
