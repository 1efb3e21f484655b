import { choice, defineTemplate, multi, section, text, yesNo } from '../../../src/modules/agency-forms/catalogue/template-builder';

const meta = { key: 'demo', kind: 'supplementary' as const, title: 'Demo', description: 'Demo', version: 1, effectiveFrom: '2026-04-01' };

describe('the template builder refuses a form it cannot describe honestly', () => {
  it.each<[string, () => unknown, RegExp]>([
    ['a question id that is not camelCase', () => yesNo('Bad id', 'Q'), /camelCase/],
    ['an empty label', () => yesNo('q', '  '), /needs a label/],
    ['an option named like a sentinel', () => choice('q', 'Q', [['not_known', 'Not known']]), /is the convention/],
    [
      'a repeated option',
      () =>
        choice('q', 'Q', [
          ['a', 'A'],
          ['a', 'A again'],
        ]),
      /repeats an option/,
    ],
    ['two questions with one id', () => section('s', 'S', [yesNo('q', 'Q'), yesNo('q', 'Q again')]), /two questions q/],
    [
      'a follow-up of a later question',
      () => section('s', 'S', [text('d', 'D', { when: { question: 'q', in: ['yes'] } }), yesNo('q', 'Q')]),
      /not an earlier single choice/,
    ],
    [
      'a follow-up of free text',
      () => section('s', 'S', [text('q', 'Q'), text('d', 'D', { when: { question: 'q', in: ['x'] } })]),
      /not an earlier single choice/,
    ],
    [
      'a follow-up of a multiple choice',
      () => section('s', 'S', [multi('q', 'Q', [['a', 'A']]), text('d', 'D', { when: { question: 'q', in: ['a'] } })]),
      /not an earlier single choice/,
    ],
    [
      'a follow-up on an answer the question does not have',
      () => section('s', 'S', [yesNo('q', 'Q'), text('d', 'D', { when: { question: 'q', in: ['maybe'] } })]),
      /not answers of q/,
    ],
    [
      'a label for not known on a question without it',
      () => choice('q', 'Q', [['a', 'A']], { notKnown: false, notKnownLabel: 'Unknown' }),
      /does not allow it/,
    ],
    ['a key that is not kebab-case', () => defineTemplate({ ...meta, key: 'Demo', sections: [] }), /kebab-case/],
    ['a version 0', () => defineTemplate({ ...meta, version: 0, sections: [] }), /positive integer/],
    ['an effective date that is not a date', () => defineTemplate({ ...meta, effectiveFrom: 'April 2026', sections: [] }), /YYYY-MM-DD/],
    [
      'two sections with one id',
      () => defineTemplate({ ...meta, sections: [section('s', 'S', []), section('s', 'S', [])] }),
      /repeats a section/,
    ],
  ])('when given %s, then it throws', (_label, build, message) => {
    expect(build).toThrow(message);
  });

  it('when a question is a follow-up, then it accepts not_applicable even if not asked to, and its display names its question', () => {
    const t = defineTemplate({
      ...meta,
      sections: [section('s', 'S', [yesNo('q', 'Q'), text('d', 'D', { when: { question: 'q', in: ['yes'] } })])],
    });
    expect(t.display.sections[0]!.fields[1]).toEqual({ pointer: '/s/d', label: 'D', when: { pointer: '/s/q', in: ['yes'] } });
    const d = ((t.schema.properties as Record<string, { properties: Record<string, unknown> }>).s!.properties.d as { oneOf: unknown[] })
      .oneOf;
    expect(d[1]).toEqual({ $ref: '#/$defs/notKnownOrNotApplicable' });
  });
});
