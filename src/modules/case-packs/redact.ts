/**
 * Redaction of free text for the anonymised case pack (docs/domain.md, "Information governance"): pure, versioned,
 * table-tested (test/unit/case-packs/redact.test.ts). What is known about the child and the family (from the
 * notification forms and the case) is replaced in any text by role labels and markers:
 *
 * 1. e-mail addresses → `[e-mail address removed]` (first, so the names inside them are not half-replaced);
 * 2. the known NHS numbers in any grouping of their digits, then any 10 digits written 3-3-4 or together → `[NHS number removed]`;
 * 3. UK telephone numbers (0… or +44…, 10 or 11 digits with spaces, dashes, dots or brackets) → `[phone number removed]`;
 * 4. the exact date of birth in the common formats (2015-03-04, 04/03/2015, 4/3/15, 4 March 2015, 4th of March 2015,
 *    March 4, 2015, 4 Mar 2015…) → `[date of birth removed]`;
 * 5. the known postcodes with or without the space, then any UK postcode → `[postcode removed]`;
 * 6. the known address lines (and a line's street without its house number) → `[address removed]`;
 * 7. names, whole words, case- and accent-insensitive (Zoë = Zoe = ZOË), longest first (a full name before a given or
 *    family name on its own), with a title swallowed ("Mrs Quillfeather" → "mother") and a possessive kept
 *    ("Zoë's", "Jones'" → "the child's"): each person's full names, given names, family names and the parts of
 *    double-barrelled or hyphenated names. A family name on its own, or a phrase two people share, is given the
 *    label of the first person listed (the child first), except after a title, where an adult of the matching
 *    relationship is preferred.
 *
 * A replaced part is never looked at again by a later step, so a marker's own words cannot be matched as a name.
 */

export const REDACTION_RULE_ID = 'case-pack.redact';
export const REDACTION_RULE_VERSION = 1;

export const REMOVED = {
  email: '[e-mail address removed]',
  nhsNumber: '[NHS number removed]',
  phone: '[phone number removed]',
  dateOfBirth: '[date of birth removed]',
  postcode: '[postcode removed]',
  address: '[address removed]',
  name: '[name removed]',
} as const;

export interface PersonName {
  givenName?: string;
  familyName?: string;
}

/** Who a person is to the child: decides the label and which titles can name them. */
export type Relationship =
  | 'child'
  | 'mother'
  | 'father'
  | 'step_parent'
  | 'grandparent'
  | 'other_relative'
  | 'foster_carer'
  | 'local_authority'
  | 'carer'
  | 'sibling'
  | 'parent'
  | 'other';

const ROLE_LABELS: Record<Relationship, string> = {
  child: 'the child',
  mother: 'mother',
  father: 'father',
  step_parent: 'step-parent',
  grandparent: 'grandparent',
  other_relative: 'relative',
  foster_carer: 'foster carer',
  local_authority: 'the local authority',
  carer: 'carer',
  sibling: 'sibling',
  parent: 'parent',
  other: 'parent',
};

export interface KnownPerson {
  relationship: Relationship;
  /** The name and every other name the person is known by. */
  names: PersonName[];
}

/** Everything the pack's text must not give away. */
export interface KnownIdentifiers {
  /** The child first, then the family, in order of priority for a shared name. */
  people: KnownPerson[];
  /** Other people named only as a whole (a notifier, an agency contact): replaced only where written in full. */
  otherNames?: string[];
  nhsNumbers?: string[];
  /** YYYY-MM-DD. */
  dateOfBirth?: string;
  postcodes?: string[];
  addressLines?: string[];
}

type Segment = { text: string; done: boolean };
type Replace = () => string;

/** Builds the redactor for one case; apply it to every free-text value of the pack. */
export function createRedactor(k: KnownIdentifiers): (text: string) => string {
  const steps: { re: RegExp; replace: Replace }[] = [];
  const fixed = (label: string) => () => label;
  steps.push({ re: EMAIL, replace: fixed(REMOVED.email) });
  for (const n of k.nhsNumbers ?? []) {
    const digits = n.replace(/\D/g, '');
    if (digits.length >= 6)
      steps.push({ re: new RegExp(`(?<!\\d)${[...digits].join('[\\s\\-./]*')}(?!\\d)`, 'gu'), replace: fixed(REMOVED.nhsNumber) });
  }
  steps.push({ re: NHS_NUMBER, replace: fixed(REMOVED.nhsNumber) });
  steps.push({ re: PHONE, replace: fixed(REMOVED.phone) });
  if (k.dateOfBirth) {
    const re = dateOfBirthPattern(k.dateOfBirth);
    if (re) steps.push({ re, replace: fixed(REMOVED.dateOfBirth) });
  }
  for (const pc of k.postcodes ?? []) {
    const compact = pc.replace(/\s+/g, '').toUpperCase();
    const m = /^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$/.exec(compact);
    if (m)
      steps.push({
        re: new RegExp(`(?<![\\p{L}\\p{N}])${m[1]}[\\s\\-]*${m[2]}(?![\\p{L}\\p{N}])`, 'giu'),
        replace: fixed(REMOVED.postcode),
      });
  }
  steps.push({ re: POSTCODE, replace: fixed(REMOVED.postcode) });

  const addresses = addressPhrases(k.addressLines ?? []);
  const names = namePhrases(k);
  return (text: string) => {
    if (!text) return text;
    let parts: Segment[] = [{ text, done: false }];
    for (const step of steps) parts = applyRegex(parts, step.re, step.replace);
    parts = applyPhrases(parts, addresses);
    parts = applyPhrases(parts, names);
    return parts.map((s) => s.text).join('');
  };
}

// --- fixed patterns ---------------------------------------------------------------------------------------------

const EMAIL = /[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
/** Ten digits together or written 3-3-4 with spaces or dashes. */
const NHS_NUMBER = /(?<![\d])(?:\d{10}|\d{3}[ -]\d{3}[ -]\d{4})(?![\d])/gu;
/** UK telephone numbers: 0 or +44 / 0044, then 9 or 10 more digits, separated by spaces, dashes, dots or brackets. */
const PHONE = /(?<![\d+])(?:(?:\+|00)44[\s\-.]*(?:\(0\)[\s\-.]*)?|\(?0)\d(?:[\s\-.()]{0,2}\d){8,9}(?!\d)/gu;
/** Any UK postcode, whole word, any case, with or without the space. */
const POSTCODE = /(?<![\p{L}\p{N}])[A-Z]{1,2}[0-9][A-Z0-9]?[\s]*[0-9][A-Z]{2}(?![\p{L}\p{N}])/giu;

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** The exact date of birth, in the ways people write it. */
export function dateOfBirthPattern(iso: string): RegExp | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return undefined;
  const [, y, mm, dd] = m as unknown as [string, string, string, string];
  const day = String(Number(dd));
  const month = String(Number(mm));
  const monthName = MONTHS[Number(mm) - 1]!;
  const dayP = `0?${day}`;
  const monthP = `0?${month}`;
  const yearP = `(?:${y}|${y.slice(2)})`;
  const nameP = `(?:${monthName}|${monthName.slice(0, 3)}\\.?${monthName === 'september' ? '|sept\\.?' : ''})`;
  const ordinal = `(?:st|nd|rd|th)?`;
  const forms = [
    `${y}[\\-/.]${mm}[\\-/.]${dd}`,
    `${y}[\\-/.]${month}[\\-/.]${day}`,
    `${dayP}[\\-/.]${monthP}[\\-/.]${yearP}`,
    `${dayP}${ordinal}[\\s\\-]+(?:of[\\s]+)?${nameP}[\\s,\\-]+${yearP}`,
    `${nameP}[\\s]+${dayP}${ordinal}[\\s,]+${yearP}`,
  ];
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${forms.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
}

function applyRegex(parts: Segment[], re: RegExp, replace: Replace): Segment[] {
  const out: Segment[] = [];
  for (const part of parts) {
    if (part.done) {
      out.push(part);
      continue;
    }
    let last = 0;
    re.lastIndex = 0;
    for (let m = re.exec(part.text); m; m = re.exec(part.text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      if (m.index > last) out.push({ text: part.text.slice(last, m.index), done: false });
      out.push({ text: replace(), done: true });
      last = m.index + m[0].length;
    }
    if (last < part.text.length) out.push({ text: part.text.slice(last), done: false });
  }
  return out;
}

// --- names and addresses: accent- and case-insensitive phrases -----------------------------------------------------

/** Lower case without accents: the form names are compared in. */
export function fold(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

interface Phrase {
  /** Folded words. */
  words: string[];
  label: string;
  /** Whether a possessive after it is kept on the label ("the child's"). */
  possessive: boolean;
}

const TITLES_ALL = ['mr', 'mrs', 'ms', 'miss', 'mx', 'dr'];
const TITLES_BY_RELATIONSHIP: Partial<Record<Relationship, string[]>> = {
  mother: ['mrs', 'ms', 'miss', 'mx', 'dr'],
  father: ['mr', 'mx', 'dr'],
};
/** Particles of family names ("de la Cruz", "van der Berg"): never a name on their own. */
const PARTICLES = new Set([
  'de',
  'la',
  'le',
  'du',
  'da',
  'di',
  'del',
  'della',
  'van',
  'von',
  'der',
  'den',
  'ter',
  'st',
  'mc',
  'mac',
  'bin',
  'bint',
  'al',
  'el',
]);

const wordsOf = (s: string) =>
  fold(s)
    .split(/[\s\-‐‑–—]+/u)
    .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter(Boolean);

function namePhrases(k: KnownIdentifiers): Phrase[] {
  const phrases: Phrase[] = [];
  const add = (words: string[], label: string, possessive = true) => {
    if (words.length === 0 || words.join('').length < 2) return;
    phrases.push({ words, label, possessive });
  };
  const isAdult = (r: Relationship) => r !== 'child' && r !== 'sibling';
  // Titled forms first: an adult of the matching relationship wins a title.
  for (const person of k.people) {
    if (!isAdult(person.relationship)) continue;
    const label = ROLE_LABELS[person.relationship];
    const titles = TITLES_BY_RELATIONSHIP[person.relationship] ?? TITLES_ALL;
    for (const n of person.names) {
      const given = wordsOf(n.givenName ?? '');
      const family = wordsOf(n.familyName ?? '');
      for (const t of titles) {
        if (family.length) add([t, ...given, ...family], label);
        if (family.length) add([t, ...family], label);
      }
    }
  }
  for (const person of k.people) {
    const label = ROLE_LABELS[person.relationship];
    for (const n of person.names) {
      const given = wordsOf(n.givenName ?? '');
      const family = wordsOf(n.familyName ?? '');
      if (given.length && family.length) {
        add([...given, ...family], label);
        add([...family, ...given], label);
        for (const t of TITLES_ALL) add([t, ...given, ...family], label);
      }
    }
  }
  for (const person of k.people) {
    const label = ROLE_LABELS[person.relationship];
    for (const n of person.names) {
      for (const t of TITLES_ALL) if (n.familyName) add([t, ...wordsOf(n.familyName)], label);
      for (const part of [n.givenName, n.familyName]) {
        const words = wordsOf(part ?? '');
        add(words, label);
        if (words.length > 1) {
          for (const w of words) {
            if (PARTICLES.has(w) || w.length < 2) continue;
            if (part === n.familyName) for (const t of TITLES_ALL) add([t, w], label);
            add([w], label);
          }
        }
      }
    }
  }
  for (const other of k.otherNames ?? []) add(wordsOf(other), REMOVED.name, false);
  return phrases;
}

function addressPhrases(lines: string[]): Phrase[] {
  const phrases: Phrase[] = [];
  for (const line of lines) {
    const words = wordsOf(line);
    if (words.join('').length < 3) continue;
    phrases.push({ words, label: REMOVED.address, possessive: false });
    // "12 Foregate Street" is also written "Foregate Street".
    if (words.length > 2 && /^\d+[a-z]?$/.test(words[0]!))
      phrases.push({ words: words.slice(1), label: REMOVED.address, possessive: false });
  }
  return phrases;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const wordPattern = (w: string) => [...w].map((c) => (c === "'" || c === '’' ? "['’‘]" : escapeRe(c))).join('');

/** Replaces the phrases, longest first, in the parts not already replaced. */
function applyPhrases(parts: Segment[], phrases: Phrase[]): Segment[] {
  if (phrases.length === 0) return parts;
  // First phrase of a given spelling wins its label (the child before the family).
  const byKey = new Map<string, Phrase>();
  for (const p of phrases) {
    const key = p.words.join(' ');
    if (!byKey.has(key)) byKey.set(key, p);
  }
  const unique = [...byKey.values()].sort((a, b) => b.words.join(' ').length - a.words.join(' ').length);
  const alternation = unique.map((p) => p.words.map(wordPattern).join('[\\s\\-‐‑–—.,]*[\\s\\-‐‑–—]+')).map((s, i) => `(?<p${i}>${s})`);
  const re = new RegExp(
    `(?<![\\p{L}\\p{N}])(?:${alternation.join('|')})(?<poss>['’]s(?![\\p{L}\\p{N}])|['’](?![\\p{L}\\p{N}]))?(?![\\p{L}\\p{N}])`,
    'gu',
  );
  const out: Segment[] = [];
  for (const part of parts) {
    if (part.done) {
      out.push(part);
      continue;
    }
    const { folded, origin } = foldWithMap(part.text);
    let last = 0;
    re.lastIndex = 0;
    for (let m = re.exec(folded); m; m = re.exec(folded)) {
      const groups = m.groups ?? {};
      const i = unique.findIndex((_, j) => groups[`p${j}`] !== undefined);
      const phrase = unique[i]!;
      // A lone apostrophe is a possessive only after a name ending in s, z or x ("Jones'"); otherwise it closes a quotation.
      const lastWord = phrase.words[phrase.words.length - 1]!;
      const keepPoss =
        groups.poss !== undefined && phrase.possessive && (groups.poss.length > 1 || /[sxz]$/.test(lastWord)) ? groups.poss : undefined;
      const start = origin[m.index]!;
      const endFolded = m.index + m[0].length - (groups.poss !== undefined && !keepPoss ? groups.poss.length : 0);
      const end = origin[endFolded]!;
      if (start > last) out.push({ text: part.text.slice(last, start), done: false });
      const prev = out.at(-1);
      if (prev && !prev.done && repeatsLabel(prev.text, phrase.label)) {
        // "her mother Sarah" → "her mother", not "her mother mother": the role is already said.
        prev.text = prev.text.replace(/\s+$/u, '');
        if (keepPoss) out.push({ text: "'s", done: true });
      } else {
        // "the Jones' house" → "the child's house", not "the the child's house".
        const article = /^the /u.test(phrase.label) && prev && !prev.done && /(?<![\p{L}\p{N}])the\s+$/iu.test(prev.text);
        let label = (article ? phrase.label.slice(4) : phrase.label) + (keepPoss ? "'s" : '');
        if (atSentenceStart(out.map((s) => s.text).join('')) && !label.startsWith('[')) label = label[0]!.toUpperCase() + label.slice(1);
        out.push({ text: label, done: true });
      }
      last = end;
      if (end < m.index + m[0].length) re.lastIndex = endFolded;
    }
    if (last < part.text.length) out.push({ text: part.text.slice(last), done: false });
  }
  return out;
}

/** Whether `before` ends with the role label itself and a space ("her mother "), so a name after it adds nothing. */
function repeatsLabel(before: string, label: string): boolean {
  if (label.startsWith('[')) return false;
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}\\s+$`, 'iu').test(before);
}

/** Whether text that ends with `before` leaves the next word at the start of a sentence. */
const atSentenceStart = (before: string) => /(^|[.!?]\s+|\n\s*)$/u.test(before);

/** The folded text and, for each folded position, where it came from in the original (one past the end at the end). */
function foldWithMap(text: string): { folded: string; origin: number[] } {
  let folded = '';
  const origin: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = fold(ch);
    for (let j = 0; j < f.length; j++) origin.push(i);
    folded += f;
    i += ch.length;
  }
  origin.push(text.length);
  return { folded, origin };
}
