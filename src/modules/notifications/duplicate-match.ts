/**
 * Is a new notification about a death we already have a case for?
 *
 * - same NHS number: the same child (the caller finds that case by its unique index);
 * - different NHS numbers: never the same child (twins often share everything else);
 * - otherwise, same normalised given and family names (or an alternative name), same
 *   date of birth and same date of death: the same death, attach;
 * - same family name and date of birth but a clearly different given name: a sibling
 *   (twins), never merged;
 * - near misses (a given name one or two edits away or an initial, day and month of
 *   birth swapped or a day out, death a day apart): uncertain, so a new case is made
 *   and flagged POSSIBLE_DUPLICATE for a coordinator to merge or dismiss.
 *
 * Pure and versioned: the flag records RULE_ID and RULE_VERSION with the evidence.
 */
export const RULE_ID = 'notification.duplicate_match';
export const RULE_VERSION = 1;

export interface ChildIdentity {
  nhsNumber: string | null;
  givenName: string;
  familyName: string;
  /** Other names the child was known by (given/family pairs). */
  alternativeNames?: readonly { givenName: string; familyName: string }[];
  dateOfBirth: string; // YYYY-MM-DD
  dateOfDeath: string; // YYYY-MM-DD
}

export type MatchVerdict =
  { kind: 'same'; matchedOn: string[] } | { kind: 'possible'; matchedOn: string[]; differences: string[] } | { kind: 'different' };

/** Lower case, diacritics and punctuation removed: "Zoë-Ann O'Neill" → "zoeann", "oneill". */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/** The stored match key of a child: normalised "given|family". */
export function matchKey(givenName: string, familyName: string): string {
  return `${normaliseName(givenName)}|${normaliseName(familyName)}`;
}

export function compareChildren(incoming: ChildIdentity, existing: ChildIdentity): MatchVerdict {
  if (incoming.nhsNumber && existing.nhsNumber) {
    return incoming.nhsNumber === existing.nhsNumber ? { kind: 'same', matchedOn: ['nhs_number'] } : { kind: 'different' };
  }
  const names = (c: ChildIdentity) =>
    [{ givenName: c.givenName, familyName: c.familyName }, ...(c.alternativeNames ?? [])].map((n) => ({
      given: normaliseName(n.givenName),
      family: normaliseName(n.familyName),
    }));
  const a = names(incoming);
  const b = names(existing);
  const sameDob = incoming.dateOfBirth === existing.dateOfBirth;
  const sameDod = incoming.dateOfDeath === existing.dateOfDeath;
  const exactName = a.some((x) => b.some((y) => x.given === y.given && x.family === y.family));
  const sameFamily = a.some((x) => b.some((y) => x.family === y.family));

  if (exactName && sameDob && sameDod) return { kind: 'same', matchedOn: ['name', 'date_of_birth', 'date_of_death'] };

  const nearGiven = a.some((x) => b.some((y) => x.family === y.family && similarGiven(x.given, y.given)));
  const nearFamily = a.some((x) => b.some((y) => x.given === y.given && editDistance(x.family, y.family) <= 1));
  const nearDob = sameDob || nearDate(incoming.dateOfBirth, existing.dateOfBirth);
  const nearDod = sameDod || daysApart(incoming.dateOfDeath, existing.dateOfDeath) <= 1;

  // Same family and birth date with a clearly different given name: a sibling (twins).
  if (sameFamily && sameDob && !exactName && !nearGiven) return { kind: 'different' };

  const differences: string[] = [];
  if ((exactName || nearGiven || nearFamily) && nearDob && nearDod) {
    if (!exactName) differences.push('name');
    if (!sameDob) differences.push('date_of_birth');
    if (!sameDod) differences.push('date_of_death');
    const matchedOn = ['name', 'date_of_birth', 'date_of_death'].filter((f) => !differences.includes(f));
    return { kind: 'possible', matchedOn, differences };
  }
  return { kind: 'different' };
}

function similarGiven(x: string, y: string): boolean {
  if (x === y) return true;
  if (x.length === 1 || y.length === 1) return x[0] === y[0]; // an initial
  if (Math.min(x.length, y.length) >= 3 && (x.startsWith(y) || y.startsWith(x))) return true; // Jon / Jonathan
  return editDistance(x, y) <= (Math.max(x.length, y.length) > 5 ? 2 : 1);
}

function nearDate(a: string, b: string): boolean {
  if (daysApart(a, b) <= 1) return true;
  const [ya, ma, da] = a.split('-');
  const [yb, mb, db] = b.split('-');
  return ya === yb && ma === db && da === mb; // day and month swapped (US-style entry)
}

function daysApart(a: string, b: string): number {
  return Math.abs(Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000;
}

/** Levenshtein distance, for short names. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** Dates of birth worth comparing against: the same day, a day either side, and day/month swapped. */
export function candidateBirthDates(dateOfBirth: string): string[] {
  const t = Date.parse(`${dateOfBirth}T00:00:00Z`);
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const out = new Set([dateOfBirth, day(t - 86_400_000), day(t + 86_400_000)]);
  const [y, m, d] = dateOfBirth.split('-');
  if (Number(d) <= 12) out.add(`${y}-${d}-${m}`);
  return [...out];
}
