import type { Principal } from '../../../access/principal';
import { audit } from '../../../audit';
import { londonDateOf } from '../../../platform/time';
import { findPanelRef } from '../../directory';
import { allocateCaseReference } from '../case-reference';
import { coordinatesPanel, transferPanelsOf } from '../case-scope';
import { evaluateTransfer } from '../case-transfer.rule';
import { blankTransferReason, caseNotFound, transferRefused, unknownPanel } from '../cases.errors';
import * as cases from '../cases.repository';
import type { CaseTransferRequest, CaseTransferView } from '../cases.types';
import { transferView } from '../cases.view';
import { caseEvent, lockOne, runCaseCommand, type CasesDeps } from './case-command';

/**
 * POST /v1/cases/{caseId}/transfer: move the case to the panel where the child normally lived, in one transaction:
 * lock the case (in the sending coordinator's scope) → the rules (case-transfer.rule.ts) → the receiving panel's next
 * reference → the history entry and the transfer record, both written while the case is still the sender's → the
 * case row moves → audit. Everything keyed by the case (forms, clocks, flags, family, meetings) moves with it.
 *
 * Only a coordinator of the case's current panel may move it: the sending side owns the decision. A coordinator of
 * the receiving panel cannot see the case until it arrives (404), so cannot pull it.
 */
export function transferCase(deps: CasesDeps, p: Principal, id: string, req: CaseTransferRequest): Promise<CaseTransferView> {
  if (req.reason.trim() === '') return Promise.reject(blankTransferReason());
  return runCaseCommand(deps, 'case.transfer', id, async (tx) => {
    const at = deps.now();
    const row = await lockOne(tx, p, id);
    // Administrators see the unassigned queue (and are told to assign); no one else but the panel's coordinators moves a case.
    if (row.panel_id !== null && !coordinatesPanel(p, row.panel_id)) throw caseNotFound();
    const panel = await findPanelRef(tx, req.panelId);
    if (!panel) throw unknownPanel();
    const flags = await cases.flagsOf(tx, p, id);
    const verdict = evaluateTransfer(
      {
        status: row.status,
        panelId: row.panel_id,
        mergedIntoCaseId: row.merged_into_case_id,
        openRelatedFlags: flags.filter((f) => f.status === 'open' && f.other_case_raw !== null),
      },
      req.panelId,
    );
    if (!verdict.ok) throw transferRefused(verdict);
    const from = { panelId: row.panel_id!, reference: row.reference! };

    // As late as possible: the receiving panel's counter row stays locked until commit.
    const reference = await allocateCaseReference(tx, panel, Number(londonDateOf(row.notified_at).slice(0, 4)));
    const actionId = await cases.insertAction(tx, p, {
      caseId: id,
      action: 'transfer_panel',
      fromStatus: row.status,
      toStatus: row.status,
      payload: {
        fromPanelId: from.panelId,
        toPanelId: panel.id,
        fromReference: from.reference,
        toReference: reference,
        reason: req.reason,
      },
    });
    const transfer = await cases.insertTransfer(tx, p, {
      caseId: id,
      actionId,
      fromPanelId: from.panelId,
      toPanelId: panel.id,
      fromReference: from.reference,
      toReference: reference,
      status: row.status,
      reason: req.reason,
      at,
    });
    await cases.updateCase(tx, p, id, { panel: { id: panel.id, reference } });
    // Ids only: the reason is free text and never reaches the audit trail.
    await audit(
      tx,
      caseEvent(id, {
        action: 'case.transfer',
        details: { transferId: transfer.id, fromPanelId: from.panelId, toPanelId: panel.id, status: row.status },
      }),
    );
    return transferView(transfer, transferPanelsOf(p), true);
  });
}
