import type { Principal } from '../../access/principal';
import { canIdentifyChild, identifiableCaseScopeSql } from '../cases';

/**
 * Who may see a form request (docs/architecture.md, row scoping):
 *
 * - the agency it is addressed to: its agency contributors and its systems
 *   (principal.agencyId equal to the request's agency);
 * - the CDOP coordinators of the case's panel (and administrators for a case
 *   in the unassigned queue): those who may identify the child.
 *
 * Anyone else: the request does not exist for them (404). `forms:read` or
 * `forms:write` is checked per operation before this.
 */
function actsForAgency(p: Principal): string | null {
  if (!p.agencyId) return null;
  return p.kind === 'client' || p.roles.includes('agency_contributor') ? p.agencyId : null;
}

/** The rule over a loaded request and its case's panel. */
export function canSeeRequest(p: Principal, r: { agencyId: string; panelId: string | null }): boolean {
  const agency = actsForAgency(p);
  return (agency !== null && agency === r.agencyId) || canIdentifyChild(p, { panelId: r.panelId });
}

/** The same rule as SQL over the request alias `fr` and the case alias `c`, pushing its parameters onto `params`. */
export function requestScopeSql(p: Principal, params: unknown[]): string {
  const parts: string[] = [];
  const agency = actsForAgency(p);
  if (agency) parts.push(`fr.agency_id = $${params.push(agency)}::uuid`);
  const coordinated = identifiableCaseScopeSql(p, 'c', params);
  if (coordinated !== 'FALSE') parts.push(coordinated);
  return parts.length ? `(${parts.join(' OR ')})` : 'FALSE';
}
