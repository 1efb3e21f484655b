import {
  caseFactsFromNotification,
  NATIONAL_TEMPLATES,
  SUGGESTION_KEYWORDS,
  suggestForms,
  type CaseFacts,
} from '../../../src/modules/agency-forms/catalogue';
import { notification, type Directory } from '../../support/notifications';

const dir: Directory = {
  panelId: '6f1d2c3b-4a59-4e68-8d7c-1b2a3c4d5e6f',
  hospitalId: '7a2e3d4c-5b6a-4f79-9e8d-2c3b4d5e6f70',
  gpId: '8b3f4e5d-6c7b-4a8a-8f9e-3d4c5e6f7081',
  policeId: '9c405f6e-7d8c-4b9b-9a0f-4e5d6f708192',
};

// A 9-year-old's expected death in hospital, with nothing in the text: only the reporting form fits.
const base: CaseFacts = {
  ageAtDeathDays: 3400,
  ageAtDeathYears: 9,
  unexpected: null,
  placeOfDeath: 'hospital_ward',
  placeOfFatalEvent: null,
  jointAgencyResponseReasons: [],
  suspectedStillbirthAtHome: false,
  causeOfDeath: [],
  circumstances: null,
};
const keys = (over: Partial<CaseFacts>) => suggestForms({ ...base, ...over }).map((s) => s.key);

describe('suggestForms', () => {
  it.each<[string, Partial<CaseFacts>, string[]]>([
    ['nothing points to a supplementary form', {}, ['reporting']],
    ['an unexpected death at 11 months', { ageAtDeathDays: 330, ageAtDeathYears: 0, unexpected: true }, ['reporting', 'sudi']],
    [
      'an unexpected death a day before the second birthday',
      { ageAtDeathDays: 729, ageAtDeathYears: 1, unexpected: true },
      ['reporting', 'sudi'],
    ],
    ['an unexpected death on the second birthday', { ageAtDeathDays: 730, ageAtDeathYears: 2, unexpected: true }, ['reporting']],
    ['an expected death at 11 months', { ageAtDeathDays: 330, ageAtDeathYears: 0, unexpected: false }, ['reporting', 'life-limiting']],
    ['a death whose expectedness is not known, at 3 months', { ageAtDeathDays: 90, ageAtDeathYears: 0, unexpected: null }, ['reporting']],
    [
      'a JAR for a sudden unexplained death at 6 years',
      { ageAtDeathYears: 6, jointAgencyResponseReasons: ['sudden_unexplained'] },
      ['reporting', 'sudi'],
    ],
    ['a JAR for an external cause only', { jointAgencyResponseReasons: ['external_cause'] }, ['reporting']],
    ['a death on day 27', { ageAtDeathDays: 27, ageAtDeathYears: 0 }, ['reporting', 'neonatal']],
    ['a death on day 28', { ageAtDeathDays: 28, ageAtDeathYears: 0 }, ['reporting']],
    [
      'a death on a neonatal unit at 40 days',
      { ageAtDeathDays: 40, ageAtDeathYears: 0, placeOfDeath: 'neonatal_unit' },
      ['reporting', 'neonatal'],
    ],
    [
      'a suspected stillbirth at home',
      { ageAtDeathDays: 0, ageAtDeathYears: 0, suspectedStillbirthAtHome: true },
      ['reporting', 'neonatal'],
    ],
    ['a death in a hospice', { placeOfDeath: 'hospice' }, ['reporting', 'life-limiting']],
    ['a cause of death: drowning', { causeOfDeath: ['Ia Drowning'] }, ['reporting', 'drowning']],
    ['circumstances: found in the bath, drowned', { circumstances: 'Found face down in the bath; drowned.' }, ['reporting', 'drowning']],
    ['a cause: hanging', { causeOfDeath: ['Hanging'] }, ['reporting', 'suicide-self-harm']],
    ['a cause: self-harm (hyphen)', { causeOfDeath: ['Self-harm'] }, ['reporting', 'suicide-self-harm']],
    [
      'a cause: multiple injuries, road traffic collision',
      { causeOfDeath: ['Multiple injuries', 'Road traffic collision'] },
      ['reporting', 'rtc'],
    ],
    ['a pedestrian struck by a car', { circumstances: 'Pedestrian struck by a car outside school' }, ['reporting', 'rtc']],
    ['acute asthma', { causeOfDeath: ['Acute severe asthma'] }, ['reporting', 'asthma-anaphylaxis']],
    ['anaphylaxis to peanut', { causeOfDeath: ['Anaphylactic shock', 'Peanut allergy'] }, ['reporting', 'asthma-anaphylaxis']],
    ['dilated cardiomyopathy', { causeOfDeath: ['Dilated cardiomyopathy'] }, ['reporting', 'cardiac']],
    ['a cardiac arrest only (how most deaths end)', { causeOfDeath: ['Cardiac arrest'] }, ['reporting']],
    [
      'hypoplastic left heart',
      { causeOfDeath: ['Hypoplastic left heart syndrome', 'Congenital heart disease'] },
      ['reporting', 'cardiac', 'congenital-anomalies'],
    ],
    ['trisomy 18', { causeOfDeath: ['Trisomy 18'] }, ['reporting', 'congenital-anomalies']],
    ['extreme prematurity', { causeOfDeath: ['Extreme prematurity'] }, ['reporting', 'neonatal']],
    [
      'a glioma in palliative care',
      { causeOfDeath: ['Diffuse intrinsic pontine glioma'], circumstances: 'Palliative care at home' },
      ['reporting', 'life-limiting'],
    ],
    ['a methadone overdose', { causeOfDeath: ['Methadone toxicity'] }, ['reporting', 'substance-misuse']],
    ['an adverse drug reaction', { causeOfDeath: ['Adverse drug reaction'] }, ['reporting']],
    ['sudden infant death syndrome', { causeOfDeath: ['Sudden infant death syndrome'] }, ['reporting', 'sudi']],
    ['co-sleeping mentioned', { circumstances: 'Co-sleeping with parents on a sofa' }, ['reporting', 'sudi']],
    [
      'a word that merely contains a keyword (no match) and an abbreviation standing alone (a match)',
      { causeOfDeath: ['Bronchiolitis'], circumstances: 'Cardiologist reviewed; the rta was drawn up' },
      ['reporting', 'rtc'],
    ],
  ])('when %s, then the suggestions are %j', (_label, over, expected) => {
    expect(keys(over)).toEqual(expected);
  });

  it('when several rules fire for a form, then it is suggested once with all its reasons', () => {
    const sudi = suggestForms({
      ...base,
      ageAtDeathDays: 60,
      ageAtDeathYears: 0,
      unexpected: true,
      jointAgencyResponseReasons: ['sudden_unexplained'],
      causeOfDeath: ['Unascertained'],
    }).find((s) => s.key === 'sudi')!;
    expect(sudi.reason).toBe(
      'An unexpected death before the second birthday (sudden unexpected death in infancy); A Joint Agency Response for a sudden death with no apparent cause; The cause of death mentions a sudden unexpected or unexplained death',
    );
  });

  it('when suggestions are made, then each names a national template, and the IMR and analysis form are never among them', () => {
    const known = new Set(NATIONAL_TEMPLATES.map((t) => t.key));
    const all = new Set(SUGGESTION_KEYWORDS.map((k) => k.key));
    for (const key of all) expect(known).toContain(key);
    expect(all).not.toContain('imr');
    expect(all).not.toContain('analysis');
  });
});

describe('caseFactsFromNotification', () => {
  it('when the test notification is read, then its facts are derived and the SUDI form is suggested for an unexpected death at 19 months', () => {
    const facts = caseFactsFromNotification(notification(dir));
    expect(facts).toEqual({
      ageAtDeathDays: 598,
      ageAtDeathYears: 1,
      unexpected: true,
      placeOfDeath: 'emergency_department',
      placeOfFatalEvent: 'home',
      jointAgencyResponseReasons: ['sudden_unexplained'],
      suspectedStillbirthAtHome: false,
      causeOfDeath: [],
      circumstances: 'Found unresponsive in the morning; ambulance called; pronounced dead in the emergency department.',
    });
    expect(suggestForms(facts).map((s) => s.key)).toEqual(['reporting', 'sudi']);
  });

  it('when the cause is certified and the death expected, then the lines are read in order and the JAR reasons only when triggered', () => {
    const body = notification(dir, { dateOfBirth: '2016-05-01', dateOfDeath: '2026-04-30' });
    body.death.expected = 'expected';
    body.death.causeOfDeath = { ia: 'Bronchopneumonia', ib: '  ', ii: 'Duchenne muscular dystrophy' };
    body.death.jointAgencyResponse = { triggered: false, reasons: ['sudden_unexplained'] };
    delete body.death.circumstances;
    const facts = caseFactsFromNotification(body);
    expect(facts).toMatchObject({
      ageAtDeathYears: 9,
      unexpected: false,
      causeOfDeath: ['Bronchopneumonia', 'Duchenne muscular dystrophy'],
      jointAgencyResponseReasons: [],
      circumstances: null,
    });
    expect(suggestForms(facts)).toEqual([
      { key: 'reporting', reason: 'Every agency that knew the child completes the reporting form' },
      { key: 'life-limiting', reason: 'The death was expected; The cause of death mentions a life-limiting condition or palliative care' },
    ]);
  });

  it('when the notification is full of personal data, then no reason repeats any of it', () => {
    const body = notification(dir, { givenName: 'Zebedee', familyName: 'Quartermaine' });
    body.death.causeOfDeath = { ia: 'Drowning in the Quartermaine garden pond', ii: 'Zebedee had epilepsy' };
    body.death.circumstances = 'Zebedee Quartermaine, NHS 943 476 5919, found in the pond at 12 Foregate Street, WR1 1AA';
    const reasons = suggestForms(caseFactsFromNotification(body))
      .map((s) => s.reason)
      .join(' | ');
    expect(reasons).toMatch(/drowning or immersion/);
    for (const personal of ['Zebedee', 'Quartermaine', '943', 'Foregate', 'WR1', 'pond', 'epilepsy'])
      expect(reasons).not.toContain(personal);
  });

  it('when the dates are out of order, then the age is unknown rather than negative', () => {
    const facts = caseFactsFromNotification(notification(dir, { dateOfBirth: '2026-11-03', dateOfDeath: '2026-11-02' }));
    expect([facts.ageAtDeathDays, facts.ageAtDeathYears]).toEqual([null, null]);
  });
});
