import {
  candidateBirthDates,
  compareChildren,
  normaliseName,
  type ChildIdentity,
} from '../../../src/modules/notifications/duplicate-match';

const base: ChildIdentity = {
  nhsNumber: null,
  givenName: 'Amelia',
  familyName: 'Hartley',
  dateOfBirth: '2025-03-14',
  dateOfDeath: '2026-11-02',
};
const child = (over: Partial<ChildIdentity>): ChildIdentity => ({ ...base, ...over });

describe('compareChildren', () => {
  it.each<[string, Partial<ChildIdentity>, Partial<ChildIdentity>, string]>([
    ['same NHS number', { nhsNumber: '9434765919' }, { nhsNumber: '9434765919', givenName: 'Emily' }, 'same'],
    ['different NHS numbers (twins)', { nhsNumber: '9434765919' }, { nhsNumber: '4010232137' }, 'different'],
    ['same names and dates, no NHS numbers', {}, {}, 'same'],
    ['same names and dates, case and accents differ', { givenName: 'AMÉLIA', familyName: 'hartley' }, {}, 'same'],
    ['one NHS number missing, same names and dates', { nhsNumber: '9434765919' }, {}, 'same'],
    ['twin with a different first name', { givenName: 'Oliver' }, {}, 'different'],
    ['one letter off (Jon/John)', { givenName: 'Jon' }, { givenName: 'John' }, 'possible'],
    ['initial only', { givenName: 'A' }, {}, 'possible'],
    ['day and month of birth swapped', { dateOfBirth: '2025-03-04' }, { dateOfBirth: '2025-04-03' }, 'possible'],
    ['death a day apart', { dateOfDeath: '2026-11-03' }, {}, 'possible'],
    ['family name one letter off', { familyName: 'Hartly' }, {}, 'possible'],
    ['another child altogether', { givenName: 'Noah', familyName: 'Patel' }, {}, 'different'],
    ['same names, death months apart', { dateOfDeath: '2026-06-02' }, {}, 'different'],
  ])('when %s, then %s', (_label, a, b, kind) => {
    expect(compareChildren(child(a), child(b)).kind).toBe(kind);
  });

  it('when an alternative name matches, then it is the same death', () => {
    const known = child({ givenName: 'Millie', alternativeNames: [{ givenName: 'Amelia', familyName: 'Hartley' }] });
    expect(compareChildren(known, base)).toEqual({ kind: 'same', matchedOn: ['name', 'date_of_birth', 'date_of_death'] });
  });

  it('when uncertain, then the evidence says what matched and what differed', () => {
    expect(compareChildren(child({ givenName: 'Jon' }), child({ givenName: 'John' }))).toEqual({
      kind: 'possible',
      matchedOn: ['date_of_birth', 'date_of_death'],
      differences: ['name'],
    });
  });
});

describe('helpers', () => {
  it("when names are normalised, then case, accents and punctuation go: Zoë-Ann O'Neill", () => {
    expect(normaliseName('Zoë-Ann')).toBe('zoeann');
    expect(normaliseName("O'Neill")).toBe('oneill');
  });

  it('when birth dates to compare are listed, then they include the neighbours and the swap', () => {
    expect(candidateBirthDates('2025-03-04').sort()).toEqual(['2025-03-03', '2025-03-04', '2025-03-05', '2025-04-03']);
    expect(candidateBirthDates('2025-03-14').sort()).toEqual(['2025-03-13', '2025-03-14', '2025-03-15']);
  });
});
