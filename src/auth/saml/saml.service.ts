import type { DataSource } from 'typeorm';
import { audit } from '../../audit';
import { inTransaction } from '../../platform/db/transaction';
import { PERSON_ROLES, type IdentityProvider, type PersonRole } from './idp-registry';
import type { AcceptedAssertion } from './saml-response.checks';
import { activeAgencyIdByOdsCode, panelIdsByCode } from '../../modules/directory';
import * as users from '../../modules/users';
import * as assertions from './saml-assertions.repository';
import { SamlRefusal } from './saml.errors';

/** What the IdP's attributes say about a person, through the IdP's mapping. `undefined`: not mapped for this IdP (keep ours). */
interface AssertedPerson {
  roles: PersonRole[];
  panelCodes: string[] | undefined;
  agencyOdsCode: string | null | undefined;
  displayName: string | null | undefined;
  email: string | null | undefined;
}

/**
 * Text the service stores and shows to people: no control characters, no
 * invisible or bidirectional formatting (zero-width, RLO, isolates, BOM), no
 * private-use or unassigned code points. A value carrying one is ignored
 * (the person still signs in; roles never come from such free text).
 */
const UNSAFE_TEXT = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;
const displayable = (v: string | null | undefined) => (v && UNSAFE_TEXT.test(v) ? null : v);

export function assertedPerson(idp: IdentityProvider, attributes: ReadonlyMap<string, readonly string[]>): AssertedPerson {
  const values = (name: string | undefined) => (name === undefined ? undefined : (attributes.get(name) ?? []).map((v) => v.trim()));
  const first = (name: string | undefined) => {
    const v = values(name);
    return v === undefined ? undefined : (v.find((x) => x.length > 0) ?? null);
  };
  const granted = new Set<PersonRole>();
  for (const v of values(idp.attributes.roles) ?? []) for (const role of idp.roleMap.get(v) ?? []) granted.add(role);
  const email = displayable(first(idp.attributes.email));
  const displayName = displayable(first(idp.attributes.displayName));
  const ods = first(idp.attributes.agencyOdsCode);
  return {
    roles: PERSON_ROLES.filter((r) => granted.has(r)),
    panelCodes: values(idp.attributes.panelCodes)?.filter((c) => /^[A-Z]{2,6}$/.test(c)),
    agencyOdsCode: ods === undefined ? undefined : ods && /^[A-Z0-9]{3,10}$/.test(ods) ? ods : null,
    displayName: displayName ? displayName.slice(0, 200) : displayName,
    email: email === undefined ? undefined : email && email.length <= 254 && /^[^\s@]+@[^\s@]+$/.test(email) ? email : null,
  };
}

interface SamlLogin {
  userId: string;
  roles: PersonRole[];
}

export type SamlService = ReturnType<typeof createSamlService>;

export function createSamlService(ds: DataSource) {
  return {
    /** Before verification: an assertion id (even a wrapped copy) that was already used is a replay. */
    async refuseReplays(idpId: string, assertionIds: readonly string[]): Promise<void> {
      if (await inTransaction(ds, (tx) => assertions.anyAssertionSeen(tx, idpId, assertionIds))) throw new SamlRefusal('SAML.REPLAY');
    },

    /**
     * After every protocol check passed: consume the assertion id, map the
     * roles, create or refresh the person, audit the login. A refusal here
     * still consumes the assertion.
     */
    async completeLogin(idp: IdentityProvider, a: AcceptedAssertion): Promise<SamlLogin> {
      // Committed on its own: the unique key is what makes a concurrent replay lose.
      const fresh = await inTransaction(ds, (tx) => assertions.markAssertionSeen(tx, idp.id, a.assertionId, a.notOnOrAfter));
      if (!fresh) throw new SamlRefusal('SAML.REPLAY');

      const person = assertedPerson(idp, a.attributes);
      if (!person.roles.length) {
        const userId = await inTransaction(ds, (tx) => users.clearUserRoles(tx, idp.id, a.nameId));
        throw new SamlRefusal('SAML.NO_ROLE', 'no attribute value maps to a role', userId);
      }

      return inTransaction(ds, async (tx) => {
        const panelIds = person.panelCodes === undefined ? undefined : await panelIdsByCode(tx, person.panelCodes);
        const agencyId =
          person.agencyOdsCode === undefined
            ? undefined
            : person.agencyOdsCode
              ? await activeAgencyIdByOdsCode(tx, person.agencyOdsCode)
              : null;
        const fieldsOver = (base: users.SignedInPerson): users.SignedInPerson => ({
          displayName: person.displayName === undefined ? base.displayName : person.displayName,
          email: person.email === undefined ? base.email : person.email,
          roles: person.roles,
          panelIds: panelIds ?? base.panelIds,
          agencyId: agencyId === undefined ? base.agencyId : agencyId,
        });

        let existing = await users.findUserForSignIn(tx, idp.id, a.nameId);
        let userId: string | undefined;
        let created = false;
        if (!existing) {
          userId = await users.createUserFromSignIn(
            tx,
            idp.id,
            a.nameId,
            fieldsOver({ displayName: null, email: null, roles: [], panelIds: [], agencyId: null }),
          );
          created = userId !== undefined;
          // A concurrent first login of the same person won: carry on as a returning user.
          if (!userId) existing = await users.findUserForSignIn(tx, idp.id, a.nameId);
        }
        if (existing) {
          if (existing.disabledAt) throw new SamlRefusal('SAML.USER_DISABLED', 'user disabled', existing.id);
          const next = fieldsOver(existing);
          await users.refreshUserFromSignIn(tx, existing.id, next, changed(existing, next));
          userId = existing.id;
        }
        await audit(tx, {
          action: 'auth.login',
          outcome: 'success',
          resourceType: 'user',
          resourceId: userId!,
          actor: { type: 'user', id: userId!, idpId: idp.id },
          details: { idpId: idp.id, roles: person.roles, created },
        });
        return { userId: userId!, roles: person.roles };
      });
    },
  };
}

function changed(before: users.SignedInPerson, after: users.SignedInPerson): boolean {
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  return (
    before.displayName !== after.displayName ||
    before.email !== after.email ||
    before.agencyId !== after.agencyId ||
    !same(before.roles, after.roles) ||
    !same([...before.panelIds].sort(), [...after.panelIds].sort())
  );
}
