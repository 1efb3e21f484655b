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
}
