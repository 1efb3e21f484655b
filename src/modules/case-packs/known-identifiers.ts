import type { KnownIdentifiers, KnownPerson, PersonName, Relationship } from './redact';

/**
 * What the redactor must know about a case, gathered from its notification forms (every notifier's, as received:
 * the child's names and other names, NHS number, date of birth, address; the people with parental responsibility,
 * any carer or other children of the household a form carries; the notifiers and agency contacts) and from the case
 * itself (the child as recorded, which a coordinator may have corrected). Pure; tolerant of forms of older shapes.
 */
interface CaseIdentity {
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  nhsNumber: string | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

function nameOf(v: unknown): PersonName | undefined {
  if (!isObj(v)) return undefined;
  const n = { givenName: str(v.givenName), familyName: str(v.familyName) };
  return n.givenName || n.familyName ? n : undefined;
}

const PR_RELATIONSHIPS: Record<string, Relationship> = {
  mother: 'mother',
  father: 'father',
  step_parent: 'step_parent',
  grandparent: 'grandparent',
  other_relative: 'other_relative',
  foster_carer: 'foster_carer',
  local_authority: 'local_authority',
  other: 'parent',
};

export function knownIdentifiersOf(identity: CaseIdentity, forms: readonly Obj[]): KnownIdentifiers {
  const child: KnownPerson = { relationship: 'child', names: [{ givenName: identity.givenName, familyName: identity.familyName }] };
  const family: KnownPerson[] = [];
  const others = new Set<string>();
  const nhsNumbers = new Set<string>(identity.nhsNumber ? [identity.nhsNumber] : []);
  const postcodes = new Set<string>();
  const addressLines = new Set<string>();
  const addAddress = (a: unknown) => {
    if (!isObj(a)) return;
    for (const line of list(a.lines)) if (str(line)) addressLines.add(line as string);
    if (str(a.postcode)) postcodes.add(a.postcode as string);
  };
  const addPerson = (relationship: Relationship, v: unknown) => {
    if (!isObj(v)) return;
    const names = [nameOf(v.name), ...list(v.alternativeNames).map(nameOf)].filter((n): n is PersonName => n !== undefined);
    if (names.length) family.push({ relationship, names });
    addAddress(v.address);
  };

  for (const form of forms) {
    const c = form.child;
    if (isObj(c)) {
      for (const n of [nameOf(c.name), ...list(c.alternativeNames).map(nameOf)]) if (n) child.names.push(n);
      if (str(c.nhsNumber)) nhsNumbers.add(c.nhsNumber as string);
      addAddress(c.address);
    }
    for (const pr of list(form.parentalResponsibility)) {
      if (isObj(pr)) addPerson(PR_RELATIONSHIPS[String(pr.relationship)] ?? 'parent', pr);
    }
    // Not on today's national form, read when present: the carer at the time, other children in the household.
    for (const carer of list(form.carer)) addPerson('carer', carer);
    const household = isObj(form.household) ? form.household : {};
    for (const sib of [...list(form.otherChildren), ...list(household.otherChildren)]) addPerson('sibling', sib);
    if (isObj(form.notifier) && str(form.notifier.name)) others.add(form.notifier.name as string);
    for (const a of list(form.agenciesInvolved)) if (isObj(a) && str(a.contactName)) others.add(a.contactName as string);
  }

  return {
    people: [child, ...family],
    otherNames: [...others],
    nhsNumbers: [...nhsNumbers],
    dateOfBirth: identity.dateOfBirth,
    postcodes: [...postcodes],
    addressLines: [...addressLines],
  };
}
