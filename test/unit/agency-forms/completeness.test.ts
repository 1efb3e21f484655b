import {
  completeness,
  exampleAnswers,
  findTemplate,
  NATIONAL_TEMPLATES,
  NOT_APPLICABLE,
  NOT_KNOWN,
} from '../../../src/modules/agency-forms/catalogue';
import {
  choice,
  defineTemplate,
  narrative,
  records,
  section,
  text,
  yesNo,
} from '../../../src/modules/agency-forms/catalogue/template-builder';

// A small form whose numbers can be counted by hand: 6 questions, one a follow-up, one a list of records.
const form = defineTemplate({
  key: 'small',
  kind: 'supplementary',
  title: 'Small',
  description: 'For counting',
  version: 1,
  effectiveFrom: '2026-04-01',
  sections: [
    section('a', 'A', [
      yesNo('known', 'Known?'),
      text('detail', 'Detail', { when: { question: 'known', in: ['yes'] } }),
      choice(
        'colour',
        'Colour',
        [
          ['red', 'Red'],
          ['blue', 'Blue'],
        ],
        { notApplicable: true },
      ),
    ]),
    section('b', 'B', [
      narrative('story', 'Story'),
      records('events', 'Events', [text('what', 'What', { notKnown: false })], { maxItems: 5 }),
      yesNo('other', 'Other?', { notApplicable: true }),
    ]),
  ],
});

describe('completeness', () => {
  it.each<[string, unknown, object]>([
    [
      'every question answered',
      { a: { known: 'yes', detail: 'x', colour: 'red' }, b: { story: 's', events: [{ what: 'w' }], other: 'no' } },
      { questions: 6, answered: 6, notKnown: 0, notApplicable: 0, unanswered: 0, share: 1 },
    ],
    [
      'two not known',
      { a: { known: 'yes', detail: NOT_KNOWN, colour: 'red' }, b: { story: NOT_KNOWN, events: [{ what: 'w' }], other: 'no' } },
      { questions: 6, answered: 4, notKnown: 2, notApplicable: 0, unanswered: 0, share: 4 / 6 },
    ],
    [
      'a follow-up and a question not applicable (left out of the denominator)',
      { a: { known: 'no', detail: NOT_APPLICABLE, colour: NOT_APPLICABLE }, b: { story: NOT_KNOWN, events: [{ what: 'w' }], other: 'no' } },
      { questions: 6, answered: 3, notKnown: 1, notApplicable: 2, unanswered: 0, share: 3 / 4 },
    ],
    [
      'a draft with blanks (absent, null, empty text, empty list)',
      { a: { known: 'yes', detail: '  ', colour: null }, b: { events: [] } },
      { questions: 6, answered: 1, notKnown: 0, notApplicable: 0, unanswered: 5, share: 1 / 6 },
    ],
    ['nothing at all', {}, { questions: 6, answered: 0, notKnown: 0, notApplicable: 0, unanswered: 6, share: 0 }],
    ['not even an object', 'rubbish', { questions: 6, answered: 0, notKnown: 0, notApplicable: 0, unanswered: 6, share: 0 }],
    [
      'every question not applicable',
      {
        a: { known: NOT_APPLICABLE, detail: NOT_APPLICABLE, colour: NOT_APPLICABLE },
        b: { story: NOT_APPLICABLE, events: NOT_APPLICABLE, other: NOT_APPLICABLE },
      },
      { questions: 6, answered: 0, notKnown: 0, notApplicable: 6, unanswered: 0, share: 1 },
    ],
  ])('when %s, then the counts and the share are exact', (_label, answers, expected) => {
    expect(completeness(form, answers)).toEqual(expected);
  });

  it('when a national form is answered with every fifth question not known, then the counts add up to its questions', () => {
    for (const t of NATIONAL_TEMPLATES) {
      const c = completeness(t, exampleAnswers(t, { notKnownEvery: 5 }));
      expect(c.answered + c.notKnown + c.notApplicable).toBe(c.questions);
      expect(c.unanswered).toBe(0);
      expect(c.notKnown).toBeGreaterThan(0);
      expect(c.share).toBeCloseTo(c.answered / (c.questions - c.notApplicable), 12);
    }
  });

  it('when the analysis form’s "information not available" or "insufficient information" is chosen, then it counts as not known', () => {
    const analysis = findTemplate('analysis')!;
    const answers = exampleAnswers(analysis);
    const before = completeness(analysis, answers);
    answers.childFactors!.relevance = NOT_KNOWN;
    answers.modifiableFactors!.modifiable = NOT_KNOWN;
    answers.modifiableFactors!.modifiableFactorsDetail = NOT_APPLICABLE;
    expect(completeness(analysis, answers)).toMatchObject({
      answered: before.answered - 3,
      notKnown: before.notKnown + 2,
      notApplicable: before.notApplicable + 1,
    });
  });

  it('when a pointer would reach an inherited property, then it is not an answer', () => {
    expect(completeness(form, { a: Object.create({ known: 'yes' }) as object }).answered).toBe(0);
  });
});
