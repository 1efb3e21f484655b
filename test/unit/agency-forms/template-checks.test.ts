import { fieldOf } from '../../../src/modules/agency-forms/form-rules';
import { templateDefinitionErrors } from '../../../src/modules/agency-forms/template-checks';

const SOUND = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['s'],
  properties: {
    s: {
      type: 'object',
      required: ['q', 'list'],
      properties: {
        q: { $ref: '#/$defs/yn' },
        list: { type: 'array', items: { type: 'object', properties: { when: { type: 'string' } }, additionalProperties: false } },
      },
      additionalProperties: false,
    },
  },
  $defs: { yn: { enum: ['yes', 'no', 'not_known'] } },
  additionalProperties: false,
};
const display = (...pointers: string[]) => ({ sections: [{ fields: pointers.map((pointer) => ({ pointer })) }] });

describe('templateDefinitionErrors', () => {
  it('when the schema is sound and every field names a question, then no errors', () => {
    expect(templateDefinitionErrors({ schema: SOUND, display: display('/s/q', '/s/list') })).toEqual([]);
  });

  it('when a display field names no question, then that field', () => {
    expect(templateDefinitionErrors({ schema: SOUND, display: display('/s/q', '/s/missing', '/other') }).map((e) => e.field)).toEqual([
      'body.display.sections[0].fields[1].pointer',
      'body.display.sections[0].fields[2].pointer',
    ]);
  });

  it('when an object (root, nested or inside items) accepts unknown properties, then its path', () => {
    type Node = {
      additionalProperties?: boolean;
      properties: { s: { properties: { list: { items: { additionalProperties?: boolean } } } } };
    };
    const open = structuredClone(SOUND) as unknown as Node;
    delete open.additionalProperties;
    delete open.properties.s.properties.list.items.additionalProperties;
    expect(
      templateDefinitionErrors({ schema: open as unknown as Record<string, unknown>, display: display('/s/q') }).map((e) => e.field),
    ).toEqual(['body.schema', 'body.schema.properties.s.properties.list.items']);
  });

  it('when the dialect is not 2020-12 or a keyword is unknown (strict mode), then the schema is refused', () => {
    const errs = templateDefinitionErrors({
      schema: { ...SOUND, $schema: 'http://json-schema.org/draft-07/schema#', properties: { s: { type: 'string', colour: 'red' } } },
      display: display(),
    });
    expect(errs.map((e) => e.code)).toEqual(expect.arrayContaining(['schema_dialect', 'schema_invalid']));
  });
});

describe('fieldOf', () => {
  it.each([
    ['/sleep/position', 'body.answers.sleep.position'],
    ['/chronology/0/date', 'body.answers.chronology[0].date'],
    ['/a~1b/c~0d', 'body.answers.a/b.c~d'],
    ['', 'body.answers'],
  ])('%s → %s', (pointer, field) => {
    expect(fieldOf('body.answers', pointer)).toBe(field);
  });
});
