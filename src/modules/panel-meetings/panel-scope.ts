import type { Principal } from '../../access/principal';
import type { Role } from '../../access/roles';

/**
 * Which panels' meetings a caller may see and run. Meetings belong to a panel:
 * its coordinators, chairs and members see them (`meetings:read`); its
 * coordinators run them (`meetings:write`, which only coordinators hold). A
 * meeting of another panel does not exist for the caller (404).
 */
const PANEL_ROLES: readonly Role[] = ['cdop_coordinator', 'panel_chair', 'panel_member'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The panels whose meetings the caller sees. */
export function panelsOf(p: Principal): string[] {
  if (!p.roles.some((r) => PANEL_ROLES.includes(r))) return [];
  return p.panelIds.filter((id) => UUID.test(id)).map((id) => id.toLowerCase());
}

export const canSeePanel = (p: Principal, panelId: string) => panelsOf(p).includes(panelId.toLowerCase());

/** A coordinator of this panel: who schedules, invites, records attendance and builds the agenda. */
export const coordinates = (p: Principal, panelId: string) => p.roles.includes('cdop_coordinator') && canSeePanel(p, panelId);

/** The roles that may sit on a panel meeting, and be recused from a case. */
export const MEETING_ROLES = PANEL_ROLES;
export const RECUSABLE_ROLES: readonly Role[] = ['panel_chair', 'panel_member'];
