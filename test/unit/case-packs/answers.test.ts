import { NATIONAL_TEMPLATES, exampleAnswers } from '../../../src/modules/agency-forms/catalogue';
import { isIdentifyingField, packSections, type FormForPack } from '../../../src/modules/case-packs/answers';
import { categoryOf, deathCategoryWording, type DeathCategory } from '../../../src/modules/case-packs/categories';
import { knownIdentifiersOf } from '../../../src/modules/case-packs/known-identifiers';

const shout = (s: string) => `<<${s}>>`;

describe('isIdentifyingField', () => {
  it.each([
    ['/child/nhsNumber', 'NHS number', true],
    ['/childFullName', 'Child’s full name', true],
    ['/who/givenName', 'Given name', true],
    ['/who/surname', 'Surname', true],
    ['/who/motherName', 'Mother', true],
    ['/dob', 'Date of birth', true],
    ['/home/address', 'Where the family lived', true],
    ['/home/postcode', 'Post code', true],
    ['/contact/tel', 'Contact', true],
    ['/contact/mobileNumber', 'Mobile', true],
    ['/contact/parentEmail', 'Parent’s e-mail', true],
    ['/q1', 'Telephone of the carer', true],
    // not identifiers
    ['/family/keyWorkerNamed', 'Does the family have a named key worker for the review?', false],
    ['/birth/birthWeightGrams', 'Birth weight', false],
    ['/birth/gestationAtBirthWeeks', 'Gestation at birth', false],
    ['/lastAttendedOn', 'Date last attended', false],
  ])('when the field is %s (%s), then identifying is %s', (pointer, label, expected) => {
    expect(isIdentifyingField({ pointer, label })).toBe(expected);
  });

  it('when the schema says format email, then the field is identifying whatever its name', () => {
    expect(
      isIdentifyingField({ pointer: '/x', label: 'Contact' }, { oneOf: [{ type: 'string', format: 'email' }, { const: 'not_known' }] }),
    ).toBe(true);
  });

  it('when a choice is about a phone or a name, then it is not identifying: only what a person writes can be', () => {
    expect(
      isIdentifyingField(
        { pointer: '/d/driverPhone', label: 'Was a driver using a mobile phone?' },
        { $ref: '#/$defs/yn' },
        { $defs: { yn: { enum: ['yes', 'no'] } } },
      ),
    ).toBe(false);
    expect(
      isIdentifyingField(
        { pointer: '/d/knownByOtherName', label: 'Known by another name?' },
        { oneOf: [{ enum: ['yes', 'no'] }, { const: 'not_known' }] },
      ),
    ).toBe(false);
    expect(
      isIdentifyingField({ pointer: '/d/otherName', label: 'Other name' }, { oneOf: [{ type: 'string' }, { const: 'not_known' }] }),
    ).toBe(true);
    expect(
      isIdentifyingField(
        { pointer: '/d/dateOfBirth', label: 'Date of birth' },
        { $ref: '#/$defs/date' },
        { $defs: { date: { type: 'string', format: 'date' } } },
      ),
    ).toBe(true);
  });

  it('when the national catalogue is classified with its schemas, then no question is left out (none asks who someone is)', () => {
    const flagged = NATIONAL_TEMPLATES.flatMap((t) =>
      t.display.sections.flatMap((s) =>
        s.fields
          .filter((f) => {
            const [, section, question] = f.pointer.split('/');
            const props = (t.schema.properties as Record<string, { properties: Record<string, unknown> }>)[section!]!.properties;
            return isIdentifyingField(f, props[question!], t.schema);
          })
          .map((f) => `${t.key}${f.pointer}`),
      ),
    );
    expect(flagged).toEqual([]);
  });
});

describe('packSections', () => {
  const form: FormForPack = {
    schema: {
      type: 'object',
      properties: {
        s: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            choice: { enum: ['previous', 'current', 'not_known'] },
            labelled: { enum: ['a', 'b'] },
            weight: { type: 'integer' },
            text: { type: 'string' },
            followUp: { oneOf: [{ type: 'string' }, { const: 'not_applicable' }] },
            many: { type: 'array', items: { enum: ['x', 'y'] } },
            log: {
              oneOf: [
                {
                  type: 'array',
                  items: { type: 'object', properties: { when: { type: 'string' }, what: { type: 'string' }, who: { type: 'string' } } },
                },
                { const: 'not_known' },
              ],
            },
            unknown: { type: 'string' },
          },
        },
      },
    },
    display: {
      sections: [
        {
          id: 's',
          title: 'Section',
          fields: [
            { pointer: '/s/name', label: 'Name of the carer' },
            { pointer: '/s/choice', label: 'Child protection plan' },
            { pointer: '/s/labelled', label: 'Labelled', options: [{ value: 'a', label: 'Option A' }] },
            { pointer: '/s/weight', label: 'Weight', unit: 'g' },
            { pointer: '/s/text', label: 'Details' },
            { pointer: '/s/followUp', label: 'If yes', when: { pointer: '/s/choice', in: ['current'] } },
            { pointer: '/s/many', label: 'Many', options: [{ value: 'x', label: 'Ex' }] },
            {
              pointer: '/s/log',
              label: 'Chronology',
              columns: [
                { pointer: '/when', label: 'When' },
                { pointer: '/what', label: 'What' },
                { pointer: '/who', label: 'Name' },
              ],
            },
            { pointer: '/s/missing', label: 'Not answered' },
          ],
        },
      ],
    },
    answers: {
      s: {
        name: 'Zoë Smith',
        choice: 'previous',
        labelled: 'a',
        weight: 3400,
        text: 'Free text',
        followUp: 'not_applicable',
        many: ['x', 'y'],
        log: [
          { when: '2026-01-02', what: 'Seen', who: 'Dr Who' },
          { when: '2026-02-03', what: 'Seen again', who: 'Dr Who' },
        ],
        unknown: 'never shown',
      },
    },
  };

  it('when a form is shown, then identifiers are left out, choices labelled, units kept, free text redacted, records listed', () => {
    expect(packSections(form, shout)).toEqual([
      {
        title: 'Section',
        answers: [
          { question: 'Child protection plan', answer: 'Previous' },
          { question: 'Labelled', answer: 'Option A' },
          { question: 'Weight', answer: '3400 g' },
          { question: 'Details', answer: '<<Free text>>' },
          { question: 'Many', answer: 'Ex; Y' },
          { question: 'Chronology', answer: '1. When: <<2026-01-02>>; What: <<Seen>>\n2. When: <<2026-02-03>>; What: <<Seen again>>' },
        ],
      },
    ]);
  });

  it('when a question is answered not known, then the pack says so', () => {
    const answers = { s: { ...(form.answers.s as object), log: 'not_known', choice: 'not_known' } };
    const out = packSections({ ...form, answers }, shout)[0]!.answers;
    expect(out).toContainEqual({ question: 'Chronology', answer: 'Not known' });
    expect(out).toContainEqual({ question: 'Child protection plan', answer: 'Not known' });
  });

  it.each(NATIONAL_TEMPLATES.map((t) => [t.key, t] as const))(
    'when the national %s form is shown, then every answered question appears',
    (_key, t) => {
      const answers = exampleAnswers(t);
      const sections = packSections({ schema: t.schema, display: t.display, answers }, shout);
      expect(sections.map((s) => s.title)).toEqual(t.display.sections.map((s) => s.title));
      expect(sections.flatMap((s) => s.answers).length).toBeGreaterThan(0);
      for (const a of sections.flatMap((s) => s.answers)) expect(a.answer).not.toBe('');
    },
  );
});

describe('knownIdentifiersOf', () => {
  it('when several notifications name the child and the family differently, then every name, number, postcode and line is known', () => {
    const k = knownIdentifiersOf({ givenName: 'Amelia', familyName: 'Hartley', dateOfBirth: '2025-03-14', nhsNumber: '9434765919' }, [
      {
        child: {
          name: { givenName: 'Amelia', familyName: 'Hartley' },
          alternativeNames: [{ givenName: 'Millie', familyName: 'Hartley-Jones' }],
          nhsNumber: '943 476 5919',
          address: { lines: ['12 Foregate Street'], postcode: 'WR1 1AA' },
        },
        parentalResponsibility: [
          { name: { givenName: 'Sarah', familyName: 'Hartley' }, relationship: 'mother' },
          {
            name: { givenName: 'Tom', familyName: 'Jones' },
            relationship: 'father',
            address: { lines: ['3 Mill Lane'], postcode: 'B1 1AA' },
          },
          { name: { givenName: 'Pat', familyName: 'Lee' }, relationship: 'other' },
        ],
        notifier: { name: 'Dr A Named' },
        agenciesInvolved: [{ contactName: 'Nurse B Example' }, {}],
      },
      { child: { name: { givenName: 'Amelie', familyName: 'Hartley' } }, carer: { name: { givenName: 'Gran', familyName: 'Hartley' } } },
      { otherChildren: [{ name: { givenName: 'Ben', familyName: 'Hartley' } }] },
    ]);
    expect(k.people.map((p) => [p.relationship, p.names.map((n) => `${n.givenName} ${n.familyName}`)])).toEqual([
      ['child', ['Amelia Hartley', 'Amelia Hartley', 'Millie Hartley-Jones', 'Amelie Hartley']],
      ['mother', ['Sarah Hartley']],
      ['father', ['Tom Jones']],
      ['parent', ['Pat Lee']],
      ['carer', ['Gran Hartley']],
      ['sibling', ['Ben Hartley']],
    ]);
    expect(k.nhsNumbers).toEqual(['9434765919', '943 476 5919']);
    expect(k.postcodes).toEqual(['WR1 1AA', 'B1 1AA']);
    expect(k.addressLines).toEqual(['12 Foregate Street', '3 Mill Lane']);
    expect(k.otherNames).toEqual(['Dr A Named', 'Nurse B Example']);
    expect(k.dateOfBirth).toBe('2025-03-14');
  });

  it('when a form is malformed, then what cannot be read is skipped', () => {
    const k = knownIdentifiersOf({ givenName: 'A', familyName: 'B', dateOfBirth: '2020-01-01', nhsNumber: null }, [
      { child: 'nonsense', parentalResponsibility: [null, { relationship: 'mother' }], agenciesInvolved: 'x' },
    ]);
    expect(k.people).toEqual([{ relationship: 'child', names: [{ givenName: 'A', familyName: 'B' }] }]);
    expect(k.nhsNumbers).toEqual([]);
  });
});

describe('the ten categories of death', () => {
  it('when a category is known, then the national wording is given; otherwise null', () => {
    for (let n = 1; n <= 10; n++) expect(deathCategoryWording(n as DeathCategory)).toMatch(/^[A-Z]/);
    expect(deathCategoryWording(10)).toBe('Sudden unexpected, unexplained death');
    expect(categoryOf(1)).toEqual({ number: 1, wording: 'Deliberately inflicted injury, abuse or neglect' });
    expect(categoryOf(8)).toEqual({ number: 8, wording: 'Perinatal/neonatal event' });
    expect(categoryOf(null)).toBeNull();
    expect(categoryOf(11)).toBeNull();
    expect(categoryOf(2.5)).toBeNull();
  });
});
