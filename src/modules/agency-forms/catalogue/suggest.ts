import type { components } from '../../../generated/openapi';

/**
 * Which forms to suggest asking an agency for, from what the notification says.
 * These are suggestions a coordinator confirms, not decisions: the rules are
 * deliberately simple and transparent, err towards suggesting, and every
 * suggestion carries a reason. A reason names the rule and the field it read
 * ("the cause of death mentions drowning or immersion"), never a value from the
 * notification, so it holds no personal data.
 *
 * - 'reporting' always: every agency that knew the child completes it.
 * - 'sudi': an unexpected death before the second birthday; a Joint Agency
 *   Response for a sudden death with no apparent cause (at any age: sudden
 *   unexpected death in childhood); or a keyword.
 * - 'neonatal': a death in the first 28 days; a death on a neonatal unit; a
 *   suspected stillbirth at home; or a keyword.
 * - 'life-limiting': an expected death; a death in a hospice; or a keyword.
 * - every other supplementary form: a keyword in the cause of death (Ia, Ib, Ic,
 *   II) or the circumstances narrative.
 *
 * Keywords (SUGGESTION_KEYWORDS) are matched on lower-cased text with punctuation
 * turned to spaces, at the start of a word: 'drown' matches "drowned" and
 * "drowning", "self-harm" is written 'self harm'. Phrases in SUGGESTION_EXCLUSIONS
 * are removed first ("cardiac arrest" ends most deaths: it does not make one
 * cardiac). A negation ("no evidence of drowning") still matches: the coordinator
 * sees the reason and decides. The IMR (asked for by a safeguarding review) and
 * the analysis form (the panel's) are never suggested to an agency.
 */
export const SUGGESTION_RULES_VERSION = 1;

type NotificationCreate = components['schemas']['NotificationCreate'];
export type PlaceType = components['schemas']['Place']['type'];
type JarReason = NonNullable<components['schemas']['Death']['jointAgencyResponse']['reasons']>[number];

export interface CaseFacts {
  /** Whole days from birth to death; null when the dates are missing or out of order. */
  ageAtDeathDays: number | null;
  /** Completed years (birthdays reached) at death; null as above. */
  ageAtDeathYears: number | null;
  /** true unexpected, false expected, null not known. */
  unexpected: boolean | null;
  placeOfDeath: PlaceType | null;
  placeOfFatalEvent: PlaceType | null;
  jointAgencyResponseReasons: readonly JarReason[];
  suspectedStillbirthAtHome: boolean;
  /** The certified cause of death as given, lines Ia, Ib, Ic and II (empty when not known). */
  causeOfDeath: readonly string[];
  /** The circumstances narrative, if any. */
  circumstances: string | null;
}

interface FormSuggestion {
  key: string;
  reason: string;
}

interface KeywordRule {
  key: string;
  /** What the keywords are about, for the reason. */
  topic: string;
  keywords: readonly string[];
}

export const SUGGESTION_KEYWORDS: readonly KeywordRule[] = [
  {
    key: 'sudi',
    topic: 'a sudden unexpected or unexplained death',
    keywords: [
      'sids',
      'sudi',
      'sudc',
      'sudden infant death',
      'sudden unexpected death',
      'sudden unexplained death',
      'unascertained',
      'cot death',
      'co sleeping',
      'cosleeping',
      'bed sharing',
      'overlay',
    ],
  },
  {
    key: 'suicide-self-harm',
    topic: 'suicide or self-harm',
    keywords: ['suicid', 'self harm', 'self inflicted', 'hanging', 'hanged', 'ligature', 'intentional overdose', 'deliberate overdose'],
  },
  {
    key: 'rtc',
    topic: 'a road traffic collision',
    keywords: [
      'road traffic',
      'rtc',
      'rta',
      'traffic collision',
      'traffic accident',
      'collision',
      'pedestrian',
      'hit by a car',
      'struck by a car',
      'hit by a vehicle',
      'struck by a vehicle',
      'car crash',
      'motor vehicle',
      'cyclist',
      'motorcycl',
      'e scooter',
    ],
  },
  { key: 'drowning', topic: 'drowning or immersion', keywords: ['drown', 'immersion', 'submersion'] },
  {
    key: 'asthma-anaphylaxis',
    topic: 'asthma or anaphylaxis',
    keywords: ['asthma', 'anaphyla', 'allergic reaction', 'allergy', 'allergies'],
  },
  {
    key: 'cardiac',
    topic: 'a heart condition',
    keywords: [
      'cardiac',
      'cardiomyopathy',
      'myocarditis',
      'arrhythmi',
      'long qt',
      'brugada',
      'congenital heart',
      'heart disease',
      'heart failure',
      'hypoplastic left heart',
      'tetralogy',
      'transposition of the great',
      'septal defect',
      'kawasaki',
      'endocarditis',
    ],
  },
  {
    key: 'neonatal',
    topic: 'a perinatal or neonatal event',
    keywords: [
      'prematurity',
      'preterm',
      'pre term',
      'hypoxic ischaemic',
      'hypoxic ischemic',
      'birth asphyxia',
      'intrapartum',
      'necrotising enterocolitis',
      'necrotizing enterocolitis',
      'respiratory distress syndrome',
      'bronchopulmonary dysplasia',
      'intraventricular haemorrhage',
      'intraventricular hemorrhage',
      'neonatal',
    ],
  },
  {
    key: 'congenital-anomalies',
    topic: 'a chromosomal, genetic or congenital anomaly',
    keywords: [
      'congenital',
      'chromosom',
      'trisomy',
      'down syndrome',
      'edwards syndrome',
      'patau syndrome',
      'genetic',
      'anomal',
      'malformation',
      'spina bifida',
      'anencephaly',
      'diaphragmatic hernia',
      'cystic fibrosis',
      'spinal muscular atrophy',
      'inborn error',
    ],
  },
  {
    key: 'life-limiting',
    topic: 'a life-limiting condition or palliative care',
    keywords: [
      'palliative',
      'life limiting',
      'life shortening',
      'end of life',
      'hospice',
      'neurodegenerative',
      'batten',
      'duchenne',
      'muscular dystrophy',
      'cerebral palsy',
      'malignan',
      'cancer',
      'tumour',
      'tumor',
      'leukaemia',
      'leukemia',
      'lymphoma',
      'neuroblastoma',
      'sarcoma',
      'glioma',
    ],
  },
  {
    key: 'substance-misuse',
    topic: 'alcohol or drugs',
    keywords: [
      'overdose',
      'intoxicat',
      'alcohol',
      'ethanol',
      'drug',
      'substance',
      'opiate',
      'opioid',
      'heroin',
      'methadone',
      'cocaine',
      'mdma',
      'ecstasy',
      'ketamine',
      'cannabis',
      'benzodiazepine',
      'amphetamine',
      'nitrous oxide',
      'solvent',
      'toxicity',
    ],
  },
];

/** Removed before matching: phrases that contain a keyword without meaning its topic. */
const SUGGESTION_EXCLUSIONS: readonly string[] = [
  'cardiac arrest',
  'cardiorespiratory arrest',
  'cardio respiratory arrest',
  'cardiopulmonary arrest',
  'drug reaction',
  'drug resistant',
];

/** The order forms are offered in: the national set's. */
const ORDER = [
  'reporting',
  'sudi',
  'suicide-self-harm',
  'rtc',
  'drowning',
  'asthma-anaphylaxis',
  'cardiac',
  'neonatal',
  'congenital-anomalies',
  'life-limiting',
  'substance-misuse',
];

const TWO_YEARS = 2;
const NEONATAL_DAYS = 28;

export function suggestForms(facts: CaseFacts): FormSuggestion[] {
  const reasons = new Map<string, string[]>();
  const add = (key: string, reason: string) => reasons.set(key, [...(reasons.get(key) ?? []), reason]);

  add('reporting', 'Every agency that knew the child completes the reporting form');

  if (facts.unexpected === true && facts.ageAtDeathYears !== null && facts.ageAtDeathYears < TWO_YEARS) {
    add('sudi', 'An unexpected death before the second birthday (sudden unexpected death in infancy)');
  }
  if (facts.jointAgencyResponseReasons.includes('sudden_unexplained')) {
    add('sudi', 'A Joint Agency Response for a sudden death with no apparent cause');
  }
  if (facts.ageAtDeathDays !== null && facts.ageAtDeathDays < NEONATAL_DAYS) add('neonatal', 'A death in the first 28 days of life');
  if (facts.placeOfDeath === 'neonatal_unit') add('neonatal', 'The child died on a neonatal unit');
  if (facts.suspectedStillbirthAtHome) add('neonatal', 'A suspected unattended stillbirth at home');
  if (facts.unexpected === false) add('life-limiting', 'The death was expected');
  if (facts.placeOfDeath === 'hospice') add('life-limiting', 'The child died in a hospice');

  const cause = searchable(facts.causeOfDeath.join(' \n '));
  const circumstances = searchable(facts.circumstances ?? '');
  for (const rule of SUGGESTION_KEYWORDS) {
    if (mentions(cause, rule.keywords)) add(rule.key, `The cause of death mentions ${rule.topic}`);
    if (mentions(circumstances, rule.keywords)) add(rule.key, `The circumstances mention ${rule.topic}`);
  }

  return ORDER.filter((key) => reasons.has(key)).map((key) => ({ key, reason: reasons.get(key)!.join('; ') }));
}

/** Lower case, accents and punctuation gone, spaces single, exclusions removed; padded so every word starts after a space. */
function searchable(text: string): string {
  let s = ` ${text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;
  for (const phrase of SUGGESTION_EXCLUSIONS) s = s.split(` ${phrase} `).join(' ');
  return s;
}

function mentions(text: string, keywords: readonly string[]): boolean {
  return text.trim() !== '' && keywords.some((k) => text.includes(` ${k}`));
}

/** The facts the suggestion rules read, from a notification as the intake received it (`POST /v1/notifications`). */
export function caseFactsFromNotification(body: NotificationCreate): CaseFacts {
  const { dateOfBirth } = body.child;
  const { death } = body;
  const age = ageAt(dateOfBirth, death.dateOfDeath);
  const cause = death.causeOfDeath;
  return {
    ageAtDeathDays: age?.days ?? null,
    ageAtDeathYears: age?.years ?? null,
    unexpected: death.expected === 'unexpected' ? true : death.expected === 'expected' ? false : null,
    placeOfDeath: death.placeOfDeath.type,
    placeOfFatalEvent: death.placeOfFatalEvent?.type ?? null,
    jointAgencyResponseReasons: death.jointAgencyResponse.triggered ? (death.jointAgencyResponse.reasons ?? []) : [],
    suspectedStillbirthAtHome: death.suspectedStillbirthAtHome === true,
    causeOfDeath: cause
      ? [cause.ia, cause.ib, cause.ic, cause.ii].filter((l): l is string => typeof l === 'string' && l.trim() !== '')
      : [],
    circumstances: death.circumstances?.trim() ? death.circumstances : null,
  };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days and completed years between two calendar dates (the rule of src/modules/cases/age-at-death.ts: years by birthdays). */
function ageAt(dateOfBirth: string, dateOfDeath: string): { days: number; years: number } | null {
  const b = DATE.exec(dateOfBirth);
  const d = DATE.exec(dateOfDeath);
  if (!b || !d) return null;
  const [by, bm, bd] = [Number(b[1]), Number(b[2]), Number(b[3])];
  const [dy, dm, dd] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const days = Math.round((Date.UTC(dy, dm - 1, dd) - Date.UTC(by, bm - 1, bd)) / 86_400_000);
  if (days < 0) return null;
  let years = dy - by;
  if (dm < bm || (dm === bm && dd < bd)) years--;
  return { days, years };
}
