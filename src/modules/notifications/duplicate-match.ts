/**
 * Is a new notification about a death we already have a case for? The whole
 * rule lives here, pure and versioned: which cases are candidates (the
 * window), what makes two children the same, twins, merged duplicates, and
 * the lock names that keep concurrent notifications of one child in turn.
 *
 * - same NHS number and the same dates of birth and death: the same child (a case
 *   merged away as a duplicate answers for the case it was merged into);
 * - same NHS number but a different date of birth or death: never attached, since
 *   a mis-keyed NHS number must not merge two deaths; a new case is made and
 *   flagged NHS_NUMBER_CONFLICT against the case holding the number (version 2);
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
export const RULE_VERSION = 2;

export interface ChildIdentity {
  nhsNumber: string | null;
  givenName: string;
  familyName: string;
  /** Other names the child was known by (given/family pairs). */
  alternativeNames?: readonly { givenName: string; familyName: string }[];
  dateOfBirth: string; // YYYY-MM-DD
  dateOfDeath: string; // YYYY-MM-DD
}

type MatchVerdict =
  { kind: 'same'; matchedOn: string[] } | { kind: 'possible'; matchedOn: string[]; differences: string[] } | { kind: 'different' };

/** Lower case, diacritics and punctuation removed: "Zoë-Ann O'Neill" → "zoeann", "oneill". */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
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
function editDistance(a: string, b: string): number {
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
  const out = new Set([dateOfBirth, shiftDay(dateOfBirth, -1), shiftDay(dateOfBirth, 1)]);
  const [y, m, d] = dateOfBirth.split('-');
  if (Number(d) <= 12) out.add(`${y}-${d}-${m}`);
  return [...out];
}

/** Dates of death worth comparing against: the same day and a day either side. */
function candidateDeathDates(dateOfDeath: string): string[] {
  return [shiftDay(dateOfDeath, -1), dateOfDeath, shiftDay(dateOfDeath, 1)];
}

function shiftDay(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * At most this many cases are compared by name and dates; the oldest first.
 * More children than this born and dying on the same few days would mean the
 * window is wrong, not that the limit should grow.
 */
const CANDIDATE_LIMIT = 50;

/** Which cases on record to compare a child with: born in its birth window, died within a day of it. */
export function candidateWindow(child: ChildIdentity): { birthDates: string[]; diedFrom: string; diedTo: string; limit: number } {
  const died = candidateDeathDates(child.dateOfDeath);
  return { birthDates: candidateBirthDates(child.dateOfBirth), diedFrom: died[0]!, diedTo: died[2]!, limit: CANDIDATE_LIMIT };
}

/**
 * The advisory locks an intake takes before it looks (in the order
 * platform/db/advisory-locks.ts gives them): one per (date of birth, date of
 * death) pair of the child's whole candidate window, and its NHS number.
 * Two children who are candidates of each other always share a lock: each
 * locks its own exact pair, which lies in the other's window. So they take
 * turns, and the second sees the first's case; children whose windows do not
 * touch never wait for each other.
 */
export function matchLockNames(child: ChildIdentity): string[] {
  const names: string[] = [];
  for (const born of candidateBirthDates(child.dateOfBirth)) {
    for (const died of candidateDeathDates(child.dateOfDeath)) names.push(`death:${born}:${died}`);
  }
  if (child.nhsNumber) names.push(`nhs:${child.nhsNumber}`);
  return names;
}

/** A case already on record, as the rules see it. */
export interface CaseCandidate extends ChildIdentity {
  id: string;
  /** Set when the case was merged into another as a duplicate. */
  mergedIntoCaseId: string | null;
}

export interface MatchEvidence {
  matchedOn: string[];
  differences: string[];
}

export type IntakeDecision =
  | { kind: 'attach'; caseId: string; match: 'nhs_number' | 'demographics' }
  | {
      kind: 'create';
      /** The case holding the NHS number, when its dates differ: the new case is flagged NHS_NUMBER_CONFLICT against it. */
      nhsNumberConflict?: { caseId: string; evidence: MatchEvidence };
      /** Cases that may be the same death: each flagged POSSIBLE_DUPLICATE. */
      possibleDuplicates: { caseId: string; evidence: MatchEvidence }[];
    };

/** The case holding an NHS number, and (if it was merged away as a duplicate) the case it now answers for. */
export interface NhsNumberHolder {
  holder: CaseCandidate;
  live: CaseCandidate;
}

function dateDifferences(a: ChildIdentity, b: ChildIdentity): string[] {
  return [...(a.dateOfBirth === b.dateOfBirth ? [] : ['date_of_birth']), ...(a.dateOfDeath === b.dateOfDeath ? [] : ['date_of_death'])];
}

/**
 * The decision for a new notification, given the case holding its NHS number
 * (and the case it answers for, if it was merged away) and the candidates of
 * its window:
 * - the NHS number's case, when the dates of birth and death agree (with it or
 *   the case it answers for): attach;
 * - the NHS number's case with other dates: a new case, flagged
 *   NHS_NUMBER_CONFLICT, and POSSIBLE_DUPLICATE against any case the child could
 *   be by names and dates (even the same ones: with a disputed number, a
 *   coordinator decides);
 * - otherwise the first case that is the same child by names and dates: attach;
 * - otherwise a new case, flagged against every uncertain match.
 * Merged duplicates are never candidates by names and dates: their
 * notifications live on their target.
 */
export function decideMatch(
  child: ChildIdentity,
  found: { byNhsNumber: NhsNumberHolder | undefined; byDates: readonly CaseCandidate[] },
): IntakeDecision {
  const verdicts = found.byDates.filter((c) => c.mergedIntoCaseId === null).map((c) => ({ c, verdict: compareChildren(child, c) }));
  const byNhs = found.byNhsNumber;
  if (byNhs) {
    const differences = dateDifferences(child, byNhs.live);
    if (!differences.length || !dateDifferences(child, byNhs.holder).length) {
      return { kind: 'attach', caseId: byNhs.live.id, match: 'nhs_number' };
    }
    return {
      kind: 'create',
      nhsNumberConflict: { caseId: byNhs.live.id, evidence: { matchedOn: ['nhs_number'], differences } },
      possibleDuplicates: verdicts.flatMap(({ c, verdict }) =>
        c.id !== byNhs.live.id && verdict.kind !== 'different' ? [{ caseId: c.id, evidence: evidenceOf(verdict) }] : [],
      ),
    };
  }
  const same = verdicts.find((x) => x.verdict.kind === 'same');
  if (same) return { kind: 'attach', caseId: same.c.id, match: 'demographics' };
  return {
    kind: 'create',
    possibleDuplicates: verdicts.flatMap(({ c, verdict }) =>
      verdict.kind === 'possible' ? [{ caseId: c.id, evidence: evidenceOf(verdict) }] : [],
    ),
  };
}

function evidenceOf(verdict: Exclude<MatchVerdict, { kind: 'different' }>): MatchEvidence {
  return { matchedOn: verdict.matchedOn, differences: verdict.kind === 'possible' ? verdict.differences : [] };
}

/** How many merges a chain of duplicates may have before following it is refused as a loop. */
export const MAX_MERGE_HOPS = 10;
