import type { Principal } from '../../access/principal';
import type { Role } from '../../access/roles';

/**
 * Row scoping of cases: which cases a caller may see at all. Every query in
 * cases.repository.ts embeds `caseScopeSql`; `canSeeCase` is the same rule over
 * a loaded row, for tests and for decisions outside SQL. A case outside the
 * scope does not exist for the caller (404, never 403).
 *
 * - panel members, chairs and CDOP coordinators: cases of the panels in their panelIds;
 * - administrators: the unassigned queue only (panel_id IS NULL), to route it;
 * - anyone without `cases:read`, or any other role: nothing.
 * A person with several roles sees the union.
 *
 * One exception, for writes only: a coordinator assigning an unassigned case to
 * one of their own panels (`assigningTo`) may reach that case.
 */

const PANEL_ROLES: readonly Role[] = ['cdop_coordinator', 'panel_chair', 'panel_member'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ScopeOptions {
  /** A panel the caller is assigning the case to (PATCH panelId). */
  assigningTo?: string;
}

function panelsOf(p: Principal): string[] {
  if (!p.roles.some((r) => PANEL_ROLES.includes(r))) return [];
  // Ids come from the users table (uuid[]); anything else could never match a panel.
  return p.panelIds.filter((id) => UUID.test(id)).map((id) => id.toLowerCase());
}

function mayAssignFromQueue(p: Principal, opts: ScopeOptions): boolean {
  return (
    opts.assigningTo !== undefined &&
    p.roles.includes('cdop_coordinator') &&
    p.permissions.has('cases:write') &&
    panelsOf(p).includes(opts.assigningTo.toLowerCase())
  );
}

/** The rule, over a case's panel. */
export function canSeeCase(p: Principal, c: { panelId: string | null }, opts: ScopeOptions = {}): boolean {
  if (!p.permissions.has('cases:read')) return false;
  if (c.panelId === null) return p.roles.includes('administrator') || mayAssignFromQueue(p, opts);
  return panelsOf(p).includes(c.panelId.toLowerCase());
}

/**
 * The same rule as a SQL predicate over the cases alias `c`, pushing its
 * parameters onto `params`. Returns `FALSE` when the caller sees nothing.
 */
export function caseScopeSql(p: Principal, alias: string, params: unknown[], opts: ScopeOptions = {}): string {
  if (!p.permissions.has('cases:read')) return 'FALSE';
  const parts: string[] = [];
  const panels = panelsOf(p);
  if (panels.length) parts.push(`${alias}.panel_id = ANY($${params.push(panels)}::uuid[])`);
  if (p.roles.includes('administrator') || mayAssignFromQueue(p, opts)) parts.push(`${alias}.panel_id IS NULL`);
  return parts.length ? `(${parts.join(' OR ')})` : 'FALSE';
}

/**
 * Whether the caller may see who the child was (names, NHS number, date of birth,
 * address, the notification forms). Panels review anonymised (DOMAIN.md): only the
 * CDOP coordinators of the case's panel, and administrators for the unassigned
 * queue they route, are given the child's identity.
 */
export function canIdentifyChild(p: Principal, c: { panelId: string | null }): boolean {
  if (!p.permissions.has('cases:read')) return false;
  if (c.panelId === null) return p.roles.includes('administrator');
  return p.roles.includes('cdop_coordinator') && panelsOf(p).includes(c.panelId.toLowerCase());
}

/**
 * canIdentifyChild as a SQL predicate over the cases alias `c`: the cases whose
 * child the caller may identify (coordinators: their panels' cases;
 * administrators: the unassigned queue). `FALSE` when none.
 */
export function identifiableCaseScopeSql(p: Principal, alias: string, params: unknown[]): string {
  if (!p.permissions.has('cases:read')) return 'FALSE';
  const parts: string[] = [];
  const coordinated = p.roles.includes('cdop_coordinator') ? panelsOf(p) : [];
  if (coordinated.length) parts.push(`${alias}.panel_id = ANY($${params.push(coordinated)}::uuid[])`);
  if (p.roles.includes('administrator')) parts.push(`${alias}.panel_id IS NULL`);
  return parts.length ? `(${parts.join(' OR ')})` : 'FALSE';
}

/**
 * Transfers of cases (case_transfers, alias `alias`) the caller may see: those into or out of the panels their panel
 * roles cover. A transfer stays visible to the sending panel after the case itself has left its scope; it carries
 * references and panel ids, never the child. `FALSE` when none (administrators, who route only the queue, included).
 */
export function transferScopeSql(p: Principal, alias: string, params: unknown[]): string {
  const panels = transferPanelsOf(p);
  if (!panels.length) return 'FALSE';
  const n = params.push(panels);
  return `(${alias}.from_panel_id = ANY($${n}::uuid[]) OR ${alias}.to_panel_id = ANY($${n}::uuid[]))`;
}

/** The panels whose transfers the caller sees (lower case): those of their panel roles, with `cases:read`. */
export function transferPanelsOf(p: Principal): string[] {
  return p.permissions.has('cases:read') ? panelsOf(p) : [];
}

/** Whether the caller is a CDOP coordinator of the panel: who may transfer its cases, and read a transfer's reason. */
export function coordinatesPanel(p: Principal, panelId: string): boolean {
  return p.roles.includes('cdop_coordinator') && panelsOf(p).includes(panelId.toLowerCase());
}
