import { caseNotFound, notAPanelRole, notARecusableMember, onlyCoordinatorsNameOthers, recusalExists } from '../panel-meetings.errors';
import * as repo from '../panel-meetings.repository';
import type { RecusalCreate, RecusalList, RecusalView } from '../panel-meetings.types';
import { recusalView } from '../panel-meetings.view';
import { RECUSABLE_ROLES } from '../panel-scope';
import { audit, caseEvent, runMeetingsCommand, type PanelMeetingsDeps, type Principal } from './deps';

/**
 * Conflicts of interest. A panel member or chair declares their own; a CDOP
 * coordinator may record one for a named member of the case's panel. A
 * recusal is permanent (the table refuses UPDATE and DELETE) and the member
 * no longer counts towards the case's quorum. The reason is free text: shown
 * to coordinators and the member recused, never logged nor audited.
 */

/** POST /v1/cases/{caseId}/recusals. */
export function declareRecusal(deps: PanelMeetingsDeps, p: Principal, caseId: string, body: RecusalCreate): Promise<RecusalView> {
  return runMeetingsCommand(deps, 'case.recusal.declared', { type: 'case', id: caseId }, async (tx) => {
    const c = await deps.cases.find(tx, p, caseId, { lock: true });
    if (!c || !c.panelId) throw caseNotFound();
    const userId = body.userId ?? p.id;
    const own = userId.toLowerCase() === p.id.toLowerCase();
    if (own && !p.roles.some((r) => RECUSABLE_ROLES.includes(r))) throw notAPanelRole();
    if (!own && !p.roles.includes('cdop_coordinator')) throw onlyCoordinatorsNameOthers();
    const user = await repo.findUser(tx, userId);
    const panelId = c.panelId.toLowerCase();
    if (!user || !user.roles.some((r) => RECUSABLE_ROLES.includes(r)) || !user.panel_ids.some((id) => id.toLowerCase() === panelId)) {
      throw notARecusableMember();
    }
    if (await repo.isRecused(tx, caseId, userId)) throw recusalExists();
    const row = await repo.insertRecusal(tx, {
      case_id: caseId,
      user_id: userId,
      reason: body.reason,
      recorded_by_type: p.kind,
      recorded_by_id: p.id,
    });
    await audit(tx, caseEvent(caseId, { action: 'case.recusal.declared', details: { recusalId: row.id, userId, own } }));
    return recusalView(row, true);
  });
}

/** GET /v1/cases/{caseId}/recusals: the reason only for coordinators and the member recused. */
export function listRecusals(deps: PanelMeetingsDeps, p: Principal, caseId: string): Promise<RecusalList> {
  return runMeetingsCommand(deps, 'case.recusal.list', { type: 'case', id: caseId }, async (tx) => {
    const c = await deps.cases.find(tx, p, caseId);
    if (!c) throw caseNotFound();
    const rows = await repo.recusalsOf(tx, caseId);
    await audit(tx, caseEvent(caseId, { action: 'case.recusal.list', details: { returned: rows.length } }));
    const coordinator = p.roles.includes('cdop_coordinator');
    return { items: rows.map((r) => recusalView(r, coordinator || r.user_id.toLowerCase() === p.id.toLowerCase())) };
  });
}
