import type { Permission } from './permissions';
import type { Role } from './roles';

/** Who is calling: a person signed in through SAML, or an agency system with an access token. */
export interface Principal {
  kind: 'user' | 'client';
  /** users.id or api_clients.id */
  id: string;
  roles: readonly Role[];
  permissions: ReadonlySet<Permission>;
  /** Panels whose cases this principal may see (panel members and chairs). */
  panelIds: readonly string[];
  /** The agency this principal acts for (contributors and systems). */
  agencyId: string | null;
  /** For people: the identity provider that vouched for them. */
  idpId?: string;
  /** For people: the name to greet them by (never logged). */
  displayName?: string | null;
  /** For systems: the OAuth scopes of the access token. */
  scopes?: readonly string[];
}
