import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  ANALYSIS_2018,
  buildAnalysisTemplate,
  createTemplateValidator,
  exampleAnswers,
  findTemplate,
  LEGACY_FORM_C,
  NATIONAL_TEMPLATES,
  NOT_APPLICABLE,
  NOT_KNOWN,
  type FieldDisplay,
  type TemplateDefinition,
} from '../../../src/modules/agency-forms/catalogue';
import { projectRoot } from '../../../src/platform/project-root';

type Json = Record<string, unknown>;

const LEGACY = buildAnalysisTemplate(LEGACY_FORM_C, { key: 'analysis-form-c', title: 'Form C', version: 1, effectiveFrom: '2010-04-01' });
const ALL: TemplateDefinition[] = [...NATIONAL_TEMPLATES, LEGACY];
const each = ALL.map((t) => [t.key, t] as const);
// One validator for the file, as the service has one per process: each template is compiled once here.
const validator = createTemplateValidator();

function resolve(root: Json, node: Json): Json {
  if (typeof node.$ref !== 'string') return node;
  const target = node.$ref
    .slice(2)
    .split('/')
    .reduce<unknown>((acc, t) => (acc as Json)[t], root);
  return resolve(root, target as Json);
}

/** Every schema object reachable from the root, with its path. */
function walk(node: unknown, at = '#', out: [string, Json][] = []): [string, Json][] {
  if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${at}/${i}`, out));
  else if (node && typeof node === 'object') {
    out.push([at, node as Json]);
    for (const [k, v] of Object.entries(node as Json)) if (k !== 'enum' && k !== 'const') walk(v, `${at}/${k}`, out);
  }
  return out;
}

/** The question schemas of a template: '/section/question' → schema. */
function questionsOf(t: TemplateDefinition): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const [sid, s] of Object.entries(t.schema.properties as Record<string, Json>)) {
    for (const [qid, q] of Object.entries(s.properties as Record<string, Json>)) out.set(`/${sid}/${qid}`, q);
  }
  return out;
}

function fieldsOf(t: TemplateDefinition): FieldDisplay[] {
  return t.display.sections.flatMap((s) => s.fields);
}

/** The real answers a question's schema allows (enum values, or the branches that are not sentinels). */
function realEnum(root: Json, q: Json): unknown[] | undefined {
  const s = resolve(root, q);
  if (Array.isArray(s.enum)) return s.enum.filter((v) => v !== NOT_KNOWN && v !== NOT_APPLICABLE);
  const branches = (s.oneOf ?? s.anyOf ?? [s]) as Json[];
  const arr = branches.map((b) => resolve(root, b)).find((b) => b.type === 'array');
  const items = arr && resolve(root, arr.items as Json);
  return items && Array.isArray(items.enum) ? items.enum : undefined;
}

describe('the national set', () => {
  it('when listed, then it has the reporting form, the ten supplementary forms, the IMR and the analysis form, each version 1 from 1 April 2026', () => {
    expect(NATIONAL_TEMPLATES.map((t) => [t.key, t.kind])).toEqual([
      ['reporting', 'reporting'],
      ['sudi', 'supplementary'],
      ['suicide-self-harm', 'supplementary'],
      ['rtc', 'supplementary'],
      ['drowning', 'supplementary'],
      ['asthma-anaphylaxis', 'supplementary'],
      ['cardiac', 'supplementary'],
      ['neonatal', 'supplementary'],
      ['congenital-anomalies', 'supplementary'],
      ['life-limiting', 'supplementary'],
      ['substance-misuse', 'supplementary'],
      ['imr', 'individual_management_review'],
      ['analysis', 'analysis'],
    ]);
    for (const t of NATIONAL_TEMPLATES) {
      expect([t.version, t.effectiveFrom]).toEqual([1, '2026-04-01']);
      expect(t.title.trim()).not.toBe('');
      expect(t.description.trim()).not.toBe('');
    }
  });

  it('when a template is handed out, then it is frozen all the way down', () => {
    const sudi = findTemplate('sudi')!;
    expect(Object.isFrozen(sudi)).toBe(true);
    expect(Object.isFrozen((sudi.schema.properties as Json).sleepEnvironment)).toBe(true);
    expect(Object.isFrozen(sudi.display.sections[1]!.fields[0])).toBe(true);
  });

  it('when a template is looked up by key, then findTemplate returns it, and undefined for an unknown key', () => {
    expect(findTemplate('sudi')?.title).toBe('Sudden unexpected death in infancy or childhood');
    expect(findTemplate('nope')).toBeUndefined();
  });
});

describe.each(each)('template %s', (_key, t) => {
  it('when compiled by Ajv 2020 in strict mode, then it compiles', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    expect(() => ajv.compile(t.schema)).not.toThrow();
    expect(t.schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('when walked, then every object refuses unknown properties and requires all of its properties', () => {
    for (const [at, node] of walk(t.schema)) {
      if (node.type !== 'object') continue;
      expect([at, node.additionalProperties]).toEqual([at, false]);
      expect([at, [...(node.required as string[])].sort()]).toEqual([at, Object.keys(node.properties as Json).sort()]);
    }
  });

  it('when walked, then every free-text answer has a maxLength and cannot be blank', () => {
    for (const [at, node] of walk(t.schema)) {
      if (node.type !== 'string' || node.format || at.startsWith('#/$defs/')) continue;
      expect([at, typeof node.maxLength]).toEqual([at, 'number']);
      expect([at, node.minLength, node.pattern, node.not]).toEqual([at, 1, '\\S', { enum: [NOT_KNOWN, NOT_APPLICABLE] }]);
    }
  });

  it('when compared with its display, then every question is shown exactly once and every field is a question', () => {
    const fields = fieldsOf(t).map((f) => f.pointer);
    expect(new Set(fields).size).toBe(fields.length);
    expect([...fields].sort()).toEqual([...questionsOf(t).keys()].sort());
    expect(t.display.sections.map((s) => s.id)).toEqual(Object.keys(t.schema.properties as Json));
    for (const f of fieldsOf(t)) expect(f.label.trim()).not.toBe('');
  });

  it('when a field shows options, then they are exactly the answers its schema allows (with the form’s label for not_known)', () => {
    const questions = questionsOf(t);
    for (const f of fieldsOf(t)) {
      const allowed = realEnum(t.schema, questions.get(f.pointer)!);
      const shown = (f.options ?? []).map((o) => o.value).filter((v) => v !== NOT_KNOWN);
      if (f.options) expect([f.pointer, [...(allowed ?? [])]]).toEqual([f.pointer, shown]);
      for (const o of f.options ?? []) expect(o.label.trim()).not.toBe('');
    }
  });

  it('when a list of records has columns, then each column is a field of the record', () => {
    const questions = questionsOf(t);
    for (const f of fieldsOf(t).filter((x) => x.columns)) {
      const list = resolve(t.schema, questions.get(f.pointer)!);
      const array = ((list.oneOf ?? [list]) as Json[]).find((b) => b.type === 'array')!;
      const item = array.items as Json;
      expect(f.columns!.map((c) => c.pointer.slice(1)).sort()).toEqual(Object.keys(item.properties as Json).sort());
    }
  });

  it('when a field is a follow-up, then its question is an earlier choice of the same section and the follow-up accepts not_applicable', () => {
    const questions = questionsOf(t);
    for (const s of t.display.sections) {
      s.fields.forEach((f, i) => {
        if (!f.when) return;
        expect(s.fields.slice(0, i).map((g) => g.pointer)).toContain(f.when.pointer);
        expect(realEnum(t.schema, questions.get(f.when.pointer)!)).toEqual(expect.arrayContaining(f.when.in));
        expect(JSON.stringify(resolve(t.schema, questions.get(f.pointer)!))).toMatch(/not_applicable|notApplicable|NotApplicable/);
      });
    }
  });

  it.each([
    ['every question answered', {}],
    ['every third question not known', { notKnownEvery: 3 }],
    ['every fifth question not known, three records per list', { notKnownEvery: 5, recordsPerList: 3 }],
  ])('when the example answers have %s, then they validate', (_label, options) => {
    const r = validator.validate(`${t.key}@${t.version}`, t.schema, exampleAnswers(t, options));
    expect(r).toEqual({ ok: true });
  });
});

describe('the SUDI form', () => {
  it('when read, then the sleep environment is structured field by field', () => {
    const sudi = findTemplate('sudi')!;
    const pointers = new Set(fieldsOf(sudi).map((f) => f.pointer));
    for (const p of [
      '/circumstances/whereFound',
      '/sleepEnvironment/sleepSurface',
      '/sleepEnvironment/positionPutDown',
      '/sleepEnvironment/positionFound',
      '/sleepEnvironment/sharingSleepSurface',
      '/sleepEnvironment/sharingWith',
      '/sleepEnvironment/sharerAlcohol',
      '/sleepEnvironment/sharerDrugs',
      '/sleepEnvironment/pillows',
      '/sleepEnvironment/softObjects',
      '/sleepEnvironment/swaddled',
      '/sleepEnvironment/roomTemperatureC',
      '/sleepEnvironment/signsOfOverheating',
      '/smokingAlcoholDrugs/smokingInPregnancy',
      '/smokingAlcoholDrugs/smokingInHome',
      '/smokingAlcoholDrugs/carerAlcohol',
      '/smokingAlcoholDrugs/carerDrugs',
    ]) {
      expect(pointers).toContain(p);
    }
    const surface = fieldsOf(sudi).find((f) => f.pointer === '/sleepEnvironment/sleepSurface')!;
    expect(surface.options!.map((o) => o.value)).toEqual(expect.arrayContaining(['cot', 'adult_bed', 'sofa', 'armchair', 'car_seat']));
  });
});

describe('the reporting form', () => {
  it('when read, then it asks maternal BMI, height and weight, the deprivation questions and about bereavement support', () => {
    const pointers = new Set(fieldsOf(findTemplate('reporting')!).map((f) => f.pointer));
    for (const p of [
      '/maternalHealth/maternalBmi',
      '/maternalHealth/maternalHeightCm',
      '/maternalHealth/maternalWeightKg',
      '/safeguarding/childProtectionPlan',
      '/safeguarding/lookedAfter',
      '/deprivationAndAccess/chargeableForNhsCare',
      '/deprivationAndAccess/barriersToServices',
      '/bereavement/supportOffered',
    ]) {
      expect(pointers).toContain(p);
    }
  });
});

describe('the analysis form', () => {
  const analysis = findTemplate('analysis')!;
  const field = (t: TemplateDefinition, p: string) => fieldsOf(t).find((f) => f.pointer === p)!;

  it('when its categories are read, then they are the ten national categories in docs/domain.md, in order and in the same words', () => {
    const domainMd = fs.readFileSync(path.join(projectRoot(), 'docs/domain.md'), 'utf8');
    const block = domainMd.slice(domainMd.indexOf('## The ten categories of death'));
    const national = [...block.matchAll(/^(\d+)\. (.+)$/gm)].slice(0, 10).map((m) => `${m[1]}. ${m[2]}`);
    expect(national).toHaveLength(10);
    const options = field(analysis, '/category/categoryOfDeath').options!;
    expect(options.map((o) => o.label)).toEqual(national);
    expect(options.map((o) => o.value)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('when its domains are read, then they come from the variant: four 2018 domains, each with factors and the relevance scale', () => {
    expect(analysis.display.sections.map((s) => s.id)).toEqual(expect.arrayContaining(ANALYSIS_2018.domains.map((d) => d.id)));
    for (const d of ANALYSIS_2018.domains) {
      expect(field(analysis, `/${d.id}/relevance`).options!.map((o) => o.value)).toEqual([
        'none_or_unlikely',
        'may_have_contributed',
        NOT_KNOWN,
      ]);
    }
    expect(field(analysis, '/modifiableFactors/modifiable').options).toEqual([
      { value: 'yes', label: 'Modifiable factors identified' },
      { value: 'no', label: 'No modifiable factors identified' },
      { value: NOT_KNOWN, label: 'Insufficient information to decide' },
    ]);
  });

  it('when built from the legacy Form C variant, then it has Form C’s domains and its 0, 1, 1*, 2, 3 scale', () => {
    expect(LEGACY.display.sections.map((s) => s.id)).toEqual(
      expect.arrayContaining(['childFactors', 'familyEnvironmentFactors', 'parentingCapacityFactors', 'serviceProvisionFactors']),
    );
    expect(LEGACY.display.sections.map((s) => s.id)).not.toContain('physicalEnvironmentFactors');
    const labels = field(LEGACY, '/parentingCapacityFactors/relevance').options!.map((o) => o.label.split(':')[0]);
    expect(labels).toEqual(['1', '1*', '2', '3', '0']);
    const answers = exampleAnswers(LEGACY);
    answers.parentingCapacityFactors!.relevance = 'present_unlikely_contributed';
    expect(validator.validate('analysis-form-c@1', LEGACY.schema, answers)).toEqual({ ok: true });
    answers.parentingCapacityFactors!.relevance = 'none_or_unlikely'; // a 2018 point, not Form C's
    expect(validator.validate('analysis-form-c@1', LEGACY.schema, answers)).toMatchObject({
      ok: false,
      errors: [{ pointer: '/parentingCapacityFactors/relevance', keyword: 'enum' }],
    });
  });
});
