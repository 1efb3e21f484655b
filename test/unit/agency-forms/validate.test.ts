import {
  createTemplateValidator,
  exampleAnswers,
  findTemplate,
  NOT_APPLICABLE,
  NOT_KNOWN,
} from '../../../src/modules/agency-forms/catalogue';

const reporting = findTemplate('reporting')!;
const imr = findTemplate('imr')!;
const sudi = findTemplate('sudi')!;

const errorsOf = (r: ReturnType<ReturnType<typeof createTemplateValidator>['validate']>) =>
  r.ok ? [] : r.errors.map((e) => [e.pointer, e.keyword]).sort((a, b) => (a.join() < b.join() ? -1 : 1));

describe('validating a submission', () => {
  it('when many answers are wrong across sections, then every failing field is reported at once, each by its pointer', () => {
    const a = exampleAnswers(reporting);
    delete a.aboutThisReport!.completedByRole; // missing
    a.involvement!.childKnown = 'maybe'; // not an answer
    a.involvement!.firstContactDate = '2026-02-30'; // not a calendar date
    a.involvement!.lastContactReason = 'x'.repeat(1001); // too long
    a.healthAndDevelopment!.gestationAtBirthWeeks = 50; // out of range
    a.healthAndDevelopment!.birthWeightGrams = '3.2kg'; // not a number
    a.healthAndDevelopment!.favouriteColour = 'blue'; // not a question
    a.familyAndEnvironment!.firstLanguageNotEnglish = 'no';
    a.familyAndEnvironment!.interpreterNeeded = 'yes'; // a follow-up that was not asked
    a.safeguarding!.childProtectionPlan = 'never';
    a.safeguarding!.childProtectionCategory = ['neglect']; // idem
    a.bereavement!.supportOffered = 'yes';
    a.bereavement!.supportOfferedBy = NOT_APPLICABLE; // asked, so it must be answered
    a.deprivationAndAccess!.barriersToServices = ['none', 'language']; // 'none' and something
    a.closing!.otherInformation = '   '; // blank
    a.education = 'none' as never; // a section must be an object

    const r = createTemplateValidator().validate('reporting@1', reporting.schema, a);

    expect(errorsOf(r)).toEqual(
      [
        ['/aboutThisReport/completedByRole', 'required'],
        ['/involvement/childKnown', 'enum'],
        ['/involvement/firstContactDate', 'oneOf'],
        ['/involvement/lastContactReason', 'oneOf'],
        ['/healthAndDevelopment/gestationAtBirthWeeks', 'oneOf'],
        ['/healthAndDevelopment/birthWeightGrams', 'oneOf'],
        ['/healthAndDevelopment/favouriteColour', 'additionalProperties'],
        ['/familyAndEnvironment/interpreterNeeded', 'const'],
        ['/safeguarding/childProtectionCategory', 'const'],
        ['/bereavement/supportOfferedBy', 'not'],
        ['/deprivationAndAccess/barriersToServices', 'maxItems'],
        ['/closing/otherInformation', 'oneOf'],
        ['/education', 'type'],
      ].sort((x, y) => (x.join() < y.join() ? -1 : 1)),
    );
  });

  it('when an answer fails, then the message says what it may be, and a follow-up names the question it depends on', () => {
    const a = exampleAnswers(reporting);
    a.involvement!.firstContactDate = '2026-02-30';
    a.healthAndDevelopment!.gestationAtBirthWeeks = 50;
    a.familyAndEnvironment!.firstLanguageNotEnglish = 'no';
    a.familyAndEnvironment!.interpreterNeeded = 'yes';
    a.closing!.otherInformation = '';
    a.bereavement!.supportOffered = 'yes';
    a.bereavement!.supportOfferedBy = NOT_APPLICABLE;
    a.aboutThisReport!.completedByRole = NOT_KNOWN;
    const r = createTemplateValidator().validate('reporting@1', reporting.schema, a);
    const message = (p: string) => (r.ok ? undefined : r.errors.find((e) => e.pointer === p)?.message);
    expect(message('/involvement/firstContactDate')).toBe('must be a date (YYYY-MM-DD), not_known or not_applicable');
    expect(message('/healthAndDevelopment/gestationAtBirthWeeks')).toBe('must be a whole number from 22 to 44 or not_known');
    expect(message('/familyAndEnvironment/interpreterNeeded')).toBe(
      'must be not_applicable: it is not asked when /familyAndEnvironment/firstLanguageNotEnglish is no',
    );
    expect(message('/bereavement/supportOfferedBy')).toBe(
      'must be answered, not not_applicable: it is asked when /bereavement/supportOffered is yes',
    );
    expect(message('/aboutThisReport/completedByRole')).toBe(
      'must be a real answer here: this question cannot be answered not_known or not_applicable',
    );
    expect(message('/closing/otherInformation')).toBe('must be text of 1 to 8000 characters, not_known or not_applicable');
  });

  it('when a section is missing, then the error names the section', () => {
    const a = exampleAnswers(sudi);
    delete (a as Record<string, unknown>).sleepEnvironment;
    expect(errorsOf(createTemplateValidator().validate('sudi@1', sudi.schema, a))).toEqual([['/sleepEnvironment', 'required']]);
  });

  it('when a record in a list is wrong, then the record’s field is named, not the whole list', () => {
    const a = exampleAnswers(imr, { recordsPerList: 3 });
    const chronology = a.involvement!.chronology as Record<string, unknown>[];
    chronology[1]!.date = '2025-13-01';
    delete chronology[2]!.event;
    (a.findings!.recommendations as Record<string, unknown>[])[0]!.owner = 'extra';
    expect(errorsOf(createTemplateValidator().validate('imr@1', imr.schema, a))).toEqual([
      ['/findings/recommendations/0/owner', 'additionalProperties'],
      ['/involvement/chronology/1/date', 'format'],
      ['/involvement/chronology/2/event', 'required'],
    ]);
  });

  it('when a choice list holds an unknown or repeated answer, then the item and the list are named', () => {
    const a = exampleAnswers(sudi);
    a.sleepEnvironment!.sharingSleepSurface = 'yes';
    a.sleepEnvironment!.sharingWith = ['mother', 'grandmother', 'mother'];
    expect(errorsOf(createTemplateValidator().validate('sudi@1', sudi.schema, a))).toEqual([
      ['/sleepEnvironment/sharingWith', 'uniqueItems'],
      ['/sleepEnvironment/sharingWith/1', 'enum'],
    ]);
  });

  it('when answers are not known or not applicable where the form allows, then they are valid, and refused where it does not', () => {
    const v = createTemplateValidator();
    const a = exampleAnswers(reporting);
    a.healthAndDevelopment!.birthWeightGrams = NOT_KNOWN;
    a.education!.educationSetting = NOT_APPLICABLE;
    expect(v.validate('reporting@1', reporting.schema, a)).toEqual({ ok: true });
    a.healthAndDevelopment!.birthWeightGrams = NOT_APPLICABLE; // a child always has a birth weight
    a.aboutThisReport!.completedByRole = NOT_KNOWN; // the reporter knows their own role
    expect(errorsOf(v.validate('reporting@1', reporting.schema, a))).toEqual([
      ['/aboutThisReport/completedByRole', 'not'],
      ['/healthAndDevelopment/birthWeightGrams', 'oneOf'],
    ]);
  });

  it('when a date does not exist in the calendar, then it is refused; 29 February of a leap year is accepted', () => {
    const v = createTemplateValidator();
    const a = exampleAnswers(reporting);
    a.involvement!.lastContactDate = '2028-02-29';
    expect(v.validate('reporting@1', reporting.schema, a)).toEqual({ ok: true });
    a.involvement!.lastContactDate = '2026-02-29';
    expect(errorsOf(v.validate('reporting@1', reporting.schema, a))).toEqual([['/involvement/lastContactDate', 'oneOf']]);
  });
});

describe('validating a draft', () => {
  it('when a draft answers only some questions, then it is valid; a wrong answer in it is still refused', () => {
    const v = createTemplateValidator();
    expect(v.validateDraft('reporting@1', reporting.schema, {})).toEqual({ ok: true });
    expect(v.validateDraft('reporting@1', reporting.schema, { involvement: { childKnown: 'yes' } })).toEqual({ ok: true });
    expect(errorsOf(v.validateDraft('reporting@1', reporting.schema, { involvement: { childKnown: 'perhaps', made_up: 1 } }))).toEqual([
      ['/involvement/childKnown', 'enum'],
      ['/involvement/made_up', 'additionalProperties'],
    ]);
  });

  it('when the same answers are submitted, then the full rules apply', () => {
    const v = createTemplateValidator();
    const r = v.validate('reporting@1', reporting.schema, { involvement: { childKnown: 'yes' } });
    expect(r.ok).toBe(false);
  });
});

describe('the compiled-schema cache', () => {
  it('when a template version is validated again, then it is not compiled again', () => {
    const v = createTemplateValidator();
    expect(v.compilations).toBe(0);
    v.validate('reporting@1', reporting.schema, {});
    v.validate('reporting@1', reporting.schema, exampleAnswers(reporting));
    v.validate('reporting@1', structuredClone(reporting.schema), {}); // the same version loaded again from storage
    expect(v.compilations).toBe(1);
    v.validate('sudi@1', sudi.schema, {});
    v.validateDraft('reporting@1', reporting.schema, {});
    v.validateDraft('reporting@1', reporting.schema, {});
    expect(v.compilations).toBe(3);
  });

  it('when an id was compiled, then that compiled version answers for it (published versions never change)', () => {
    const v = createTemplateValidator();
    v.validate('reporting@1', reporting.schema, {});
    // A different schema under the same id is not even looked at: the id names an immutable version.
    expect(v.validate('reporting@1', { $schema: 'https://json-schema.org/draft/2020-12/schema' }, {}).ok).toBe(false);
  });

  it('when a schema breaks strict mode, then compiling it fails rather than ignoring the keyword', () => {
    const v = createTemplateValidator();
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {},
      additionalProperties: false,
      colour: 'red',
    };
    expect(() => v.validate('broken@1', schema, {})).toThrow(/strict mode: unknown keyword: "colour"/);
  });
});
