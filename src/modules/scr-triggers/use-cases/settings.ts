import { audit } from '../../../audit';
import { findPanelRef } from '../../directory';
import { DEFAULT_REGIME } from '../rules';
import { panelNotFound } from '../scr-triggers.errors';
import * as repo from '../scr-triggers.repository';
import type { SafeguardingSettingsUpdate, SafeguardingSettingsView } from '../scr-triggers.types';
import { actorOf, runFlagCommand, type Principal, type ScrTriggersDeps, type Tx } from './deps';

// The panel's coordinators, chairs and members: their own panels only (another panel does not exist for them).
const ownPanel = (p: Principal, panelId: string) => p.panelIds.some((id) => id.toLowerCase() === panelId.toLowerCase());

async function settingsView(tx: Tx, panelId: string): Promise<SafeguardingSettingsView> {
  const s = await repo.regimeOf(tx, panelId);
  return { panelId, regime: s?.regime ?? DEFAULT_REGIME, isDefault: !s, updatedAt: s ? s.updated_at.toISOString() : null };
}

/** GET /v1/panels/{panelId}/safeguarding-settings. */
export function getSafeguardingSettings(deps: ScrTriggersDeps, p: Principal, panelId: string): Promise<SafeguardingSettingsView> {
  return runFlagCommand(deps, 'panel.safeguarding_settings.read', { type: 'panel', id: panelId }, async (tx) => {
    if (!ownPanel(p, panelId) || !(await findPanelRef(tx, panelId))) throw panelNotFound();
    return settingsView(tx, panelId);
  });
}

/** PUT /v1/panels/{panelId}/safeguarding-settings: new flags follow the regime; raised ones keep theirs. Audited. */
export function updateSafeguardingSettings(
  deps: ScrTriggersDeps,
  p: Principal,
  panelId: string,
  body: SafeguardingSettingsUpdate,
): Promise<SafeguardingSettingsView> {
  return runFlagCommand(deps, 'panel.safeguarding_settings.updated', { type: 'panel', id: panelId }, async (tx) => {
    if (!ownPanel(p, panelId) || !(await findPanelRef(tx, panelId))) throw panelNotFound();
    const before = (await repo.regimeOf(tx, panelId))?.regime ?? DEFAULT_REGIME;
    await repo.saveRegime(tx, panelId, body.regime, deps.now(), actorOf(p));
    await audit(tx, {
      action: 'panel.safeguarding_settings.updated',
      resourceType: 'panel',
      resourceId: panelId,
      details: { from: before, to: body.regime },
    });
    return settingsView(tx, panelId);
  });
}
