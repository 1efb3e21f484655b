import { createRedactor, dateOfBirthPattern, fold, REMOVED, type KnownIdentifiers } from '../../../src/modules/case-packs/redact';

const KNOWN: KnownIdentifiers = {
  people: [
    {
      relationship: 'child',
      names: [
        { givenName: 'Zoë', familyName: 'Quillfeather-Órla' },
        { givenName: 'Rose', familyName: 'Smith Jones' },
      ],
    },
    { relationship: 'mother', names: [{ givenName: 'Brünhilde', familyName: 'Zephyrine' }] },
    { relationship: 'father', names: [{ givenName: 'Tomás', familyName: 'Quillfeather-Órla' }] },
    { relationship: 'sibling', names: [{ givenName: 'Zoëlla', familyName: 'Quillfeather-Órla' }] },
    { relationship: 'grandparent', names: [{ givenName: 'Ann', familyName: 'de la Cruz' }] },
  ],
  otherNames: ['Dr A Named'],
  nhsNumbers: ['943 476 5919'],
  dateOfBirth: '2015-03-04',
  postcodes: ['WR1 1AA'],
  addressLines: ['12 Foregate Street', 'Flat 3'],
};
const redact = createRedactor(KNOWN);

describe('fold', () => {
  it.each([
    ['Zoë', 'zoe'],
    ['ZOË', 'zoe'],
    ['Órla', 'orla'],
    ['Brünhilde', 'brunhilde'],
    ['Zoe\u0308', 'zoe'],
  ])('when %s is folded, then it is %s', (a, b) => expect(fold(a)).toBe(b));
});

describe('names', () => {
  it.each([
    // accents and case
    ['Zoë was seen at home.', 'The child was seen at home.'],
    ['Seen: Zoe, ZOË, zoë and ZOE.', 'Seen: the child, the child, the child and the child.'],
    ['Brunhilde and BRÜNHILDE ZEPHYRINE came.', 'Mother and mother came.'],
    // possessives
    ["Zoë's cot; Zoe’s bed.", "The child's cot; the child's bed."],
    ["The Jones' house is near.", "The child's house is near."],
    // a role already said is not said twice
    ['Seen with her mother Brünhilde Zephyrine.', 'Seen with her mother.'],
    ["Her mother Brünhilde's car.", "Her mother's car."],
    ["We asked Zephyrine's GP.", "We asked mother's GP."],
    // a lone apostrophe after a name not ending in s is a closing quote, not a possessive
    ["Mother said 'Zoë' twice.", "Mother said 'the child' twice."],
    // full names before single names
    ['Zoë Quillfeather-Órla died.', 'The child died.'],
    ['Tomás Quillfeather-Órla, the father.', 'Father, the father.'],
    ['Quillfeather-Órla, Zoë', 'The child'],
    // hyphenated and double-barrelled: with a space for the hyphen, and each part alone
    ['Zoe Quillfeather Orla and Quillfeather alone and Orla alone.', 'The child and the child alone and the child alone.'],
    ['Rose Smith Jones; Smith-Jones; Smith; Jones.', 'The child; the child; the child; the child.'],
    // titles choose the adult of the matching relationship
    ['Mrs Zephyrine and Mr Quillfeather-Órla met Dr Quillfeather.', 'Mother and father met the child.'],
    ['Mr Tomás Quillfeather-Órla attended.', 'Father attended.'],
    // overlapping names: the longer name wins, and a name inside a longer word is left alone
    ['Zoëlla Quillfeather-Órla is a sibling; Zoëlla too.', 'Sibling is a sibling; sibling too.'],
    // a name that is also a common word: only whole words
    ['Rose arose among the roses and Rosemary; rose-tinted.', 'The child arose among the roses and Rosemary; the child-tinted.'],
    ['Ann, Annie and Anne; Ann de la Cruz.', 'Grandparent, Annie and Anne; grandparent.'],
    // particles are never names on their own
    ['de la Cruz; la plage; de facto.', 'Grandparent; la plage; de facto.'],
    // a professional named only in full
    ['Dr A Named rang; a named nurse.', '[name removed] rang; a named nurse.'],
    // nothing to do
    ['No names here.', 'No names here.'],
    ['', ''],
  ])('when the text is %j, then it becomes %j', (text, expected) => {
    expect(redact(text)).toBe(expected);
  });
});

describe('NHS numbers, phone numbers and e-mail addresses', () => {
  it.each([
    ['NHS 943 476 5919.', `NHS ${REMOVED.nhsNumber}.`],
    ['NHS 9434765919.', `NHS ${REMOVED.nhsNumber}.`],
    ['NHS 943-476-5919.', `NHS ${REMOVED.nhsNumber}.`],
    ['NHS 94 34 76 59 19.', `NHS ${REMOVED.nhsNumber}.`],
    ['NHS 9434 765 919.', `NHS ${REMOVED.nhsNumber}.`],
    ['NHS 9.4.3.4.7.6.5.9.1.9', `NHS ${REMOVED.nhsNumber}`],
    ['another 401 023 2137 and 4010232137', `another ${REMOVED.nhsNumber} and ${REMOVED.nhsNumber}`],
    ['Tel 01905 123456 or 07700-900-123.', `Tel ${REMOVED.phone} or ${REMOVED.phone}.`],
    ['Tel +44 (0)7700 900123, 0044 1905 123456, (01905) 123456.', `Tel ${REMOVED.phone}, ${REMOVED.phone}, ${REMOVED.phone}.`],
    ['Mail zoe.quillfeather@example.org.uk now', `Mail ${REMOVED.email} now`],
    ['Mail Brünhilde.Z@beispiel.de', `Mail ${REMOVED.email}`],
    // not identifiers
    ['Weight 3400 g at 38 weeks; 12 visits in 2024.', 'Weight 3400 g at 38 weeks; 12 visits in 2024.'],
  ])('when the text is %j, then it becomes %j', (text, expected) => {
    expect(redact(text)).toBe(expected);
  });
});

describe('postcodes and addresses', () => {
  it.each([
    ['At WR1 1AA.', `At ${REMOVED.postcode}.`],
    ['At wr11aa.', `At ${REMOVED.postcode}.`],
    ['At WR1  1AA.', `At ${REMOVED.postcode}.`],
    ['At WR1-1AA.', `At ${REMOVED.postcode}.`],
    ['Moved from B12 9QR and SW1A 1AA.', `Moved from ${REMOVED.postcode} and ${REMOVED.postcode}.`],
    ['Lives at 12 Foregate Street.', `Lives at ${REMOVED.address}.`],
    ['Lives at 12 FOREGATE STREET.', `Lives at ${REMOVED.address}.`],
    ['Lives on Foregate Street.', `Lives on ${REMOVED.address}.`],
    ['Flat 3, 12 Foregate Street', `${REMOVED.address}, ${REMOVED.address}`],
    ['Flat 30 is elsewhere.', 'Flat 30 is elsewhere.'],
  ])('when the text is %j, then it becomes %j', (text, expected) => {
    expect(redact(text)).toBe(expected);
  });
});

describe('the date of birth', () => {
  it.each([
    '2015-03-04',
    '2015/03/04',
    '04/03/2015',
    '4/3/2015',
    '04-03-2015',
    '04.03.2015',
    '4/3/15',
    '4 March 2015',
    '4th March 2015',
    '4th of March 2015',
    '04 march 2015',
    '4 Mar 2015',
    '4-Mar-2015',
    'March 4, 2015',
    'March 4th, 2015',
    'MARCH 4 2015',
  ])('when the text says born %s, then the date is removed', (date) => {
    expect(redact(`Born ${date}, seen later.`)).toBe(`Born ${REMOVED.dateOfBirth}, seen later.`);
  });

  it.each(['2015-04-03', '3/4/2015', '14/03/2015', '4 March 2016', '24 March 2015'])(
    'when the text has another date %s, then it stays',
    (date) => {
      expect(redact(`On ${date}.`)).toBe(`On ${date}.`);
    },
  );

  it('when the date of birth is not a date, then no pattern is made', () => {
    expect(dateOfBirthPattern('04/03/2015')).toBeUndefined();
  });
});

describe('order and markers', () => {
  it('when a name appears inside an e-mail address, then the address is removed whole, not half-named', () => {
    expect(redact('zoe@example.com')).toBe(REMOVED.email);
  });

  it('when a person is called like a word of a marker, then the marker is left alone', () => {
    const r = createRedactor({
      people: [{ relationship: 'child', names: [{ givenName: 'Removed', familyName: 'Number' }] }],
      nhsNumbers: [],
    });
    expect(r('NHS 943 476 5919; Removed said so.')).toBe(`NHS ${REMOVED.nhsNumber}; the child said so.`);
  });

  it('when nothing is known, then only the patterns apply', () => {
    const r = createRedactor({ people: [] });
    expect(r('Zoë, 943 476 5919, WR1 1AA')).toBe(`Zoë, ${REMOVED.nhsNumber}, ${REMOVED.postcode}`);
  });
});
