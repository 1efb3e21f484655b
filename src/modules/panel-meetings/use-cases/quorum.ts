import { findPanelRef } from '../../directory';
import { panelNotFound } from '../panel-meetings.errors';
import * as repo from '../panel-meetings.repository';
import type { QuorumRuleUpdate, QuorumRuleView } from '../panel-meetings.types';
import { quorumRuleView } from '../panel-meetings.view';
import { canSeePanel, coordinates } from '../panel-scope';
import { quorumRuleOf } from './meeting-state';
import { audit, runMeetingsCommand, type PanelMeetingsDeps, type Principal } from './deps';

const ruleEvent = (panelId: string, action: string) => ({ action, resourceType: 'panel', resourceId: panelId });

/** GET /v1/panels/{panelId}/quorum: the panel's coordinators, chairs and members. */
export function getQuorumRule(deps: PanelMeetingsDeps, p: Principal, panelId: string): Promise<QuorumRuleView> {
  return runMeetingsCommand(deps, 'panel.quorum.read', { type: 'panel', id: panelId }, async (tx) => {
    if (!canSeePanel(p, panelId) || !(await findPanelRef(tx, panelId))) throw panelNotFound();
    const { rule, isDefault } = await quorumRuleOf(tx, panelId);
    await audit(tx, { ...ruleEvent(panelId, 'panel.quorum.read'), details: { isDefault } });
    return quorumRuleView(panelId, rule, isDefault);
  });
}

/** PUT /v1/panels/{panelId}/quorum: the panel's coordinators replace its rule. */
export function setQuorumRule(deps: PanelMeetingsDeps, p: Principal, panelId: string, body: QuorumRuleUpdate): Promise<QuorumRuleView> {
  return runMeetingsCommand(deps, 'panel.quorum.update', { type: 'panel', id: panelId }, async (tx) => {
    if (!coordinates(p, panelId) || !(await findPanelRef(tx, panelId))) throw panelNotFound();
    const capacities = Object.fromEntries(Object.entries(body.capacities).filter(([, n]) => (n ?? 0) > 0)) as Record<string, number>;
    await repo.saveQuorumRule(tx, {
      panel_id: panelId,
      chair_required: body.chairRequired,
      capacities,
      minimum_present: body.minimumPresent,
      updated_by_type: p.kind,
      updated_by_id: p.id,
    });
    await audit(tx, {
      ...ruleEvent(panelId, 'panel.quorum.update'),
      details: { chairRequired: body.chairRequired, capacities, minimumPresent: body.minimumPresent },
    });
    const { rule } = await quorumRuleOf(tx, panelId);
    return quorumRuleView(panelId, rule, false);
  });
}
