import {
  abuseOrNeglectDeath,
  abuseWithAgencyConcern,
  interAgencyConcern,
  regulatedSettingDeath,
  SCR_RULES,
  statutoryDeathNotification,
  suicideWithSafeguardingConcern,
  type ScrRule,
} from '../../../src/modules/scr-triggers/rules';
import type { CaseSnapshot, SubmittedFormForRules } from '../../../src/modules/scr-triggers/snapshot';

// A table test per rule (issue 14, acceptance): each fires on the right evidence, stays silent otherwise (including
// on 'not_known', which never counts as a suspicion), and names its evidence by location.

const CASE = '00000000-0000-4000-8000-0000000000ca';
const REVIEW = '00000000-0000-4000-8000-0000000000ee';
let seq = 0;

function snapshot(over: Partial<CaseSnapshot> = {}): CaseSnapshot {
  return { caseId: CASE, category: null, notifications: [], forms: [], analysis: null, ...over };
}

function form(templateId: string, answers: Record<string, Record<string, unknown>>): SubmittedFormForRules {
  return { requestId: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`, templateId, templateVersion: 1, revision: 1, answers };
}

const reporting = (section: string, question: string, answer: unknown) => form('reporting', { [section]: { [question]: answer } });
const suicideForm = (section: string, question: string, answer: unknown) =>
  form('suicide-self-harm', { [section]: { [question]: answer } });
const notification = (death: Record<string, unknown>) => ({
  id: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
  form: { death },
});
const analysis = (o: { categoriesConsidered?: number[]; safeguardingCriteriaMet?: 'yes' | 'no' | 'not_known' | null }) => ({
  reviewId: REVIEW,
  revision: 2,
  status: 'draft' as const,
  category: null,
  categoriesConsidered: o.categoriesConsidered ?? [],
  safeguardingCriteriaMet: o.safeguardingCriteriaMet ?? null,
});

interface Row {
  when: string;
  s: () => CaseSnapshot;
  /** The evidence fields expected (source + field + answer), or null for silence. */
  fires: string[] | null;
}

const fields = (rule: ScrRule, s: CaseSnapshot) =>
  rule.evaluate(s)?.evidence.map((e) => `${e.source}${e.templateId ? `:${e.templateId}` : ''}${e.field}=${String(e.answer)}`) ?? null;

const TABLE: [ScrRule, Row[]][] = [
  [
    abuseOrNeglectDeath,
    [
      {
        when: 'an agency suspects abuse or neglect',
        s: () => snapshot({ forms: [reporting('safeguarding', 'abuseOrNeglectSuspected', 'yes')] }),
        fires: ['form:reporting/safeguarding/abuseOrNeglectSuspected=yes'],
      },
      {
        when: 'an agency had concerns about neglect',
        s: () => snapshot({ forms: [reporting('parenting', 'neglectConcerns', 'yes')] }),
        fires: ['form:reporting/parenting/neglectConcerns=yes'],
      },
      {
        when: 'the suicide form records abuse or neglect',
        s: () => snapshot({ forms: [suicideForm('factors', 'abuseOrNeglect', 'yes')] }),
        fires: ['form:suicide-self-harm/factors/abuseOrNeglect=yes'],
      },
      { when: 'the case is category 1', s: () => snapshot({ category: 1 }), fires: ['case/category=1'] },
      {
        when: 'the panel considers category 1',
        s: () => snapshot({ analysis: analysis({ categoriesConsidered: [1, 5] }) }),
        fires: ['analysis/categoriesConsidered=1'],
      },
      {
        when: 'the panel says the criteria are met',
        s: () => snapshot({ analysis: analysis({ safeguardingCriteriaMet: 'yes' }) }),
        fires: ['analysis/safeguardingCriteriaMet=yes'],
      },
      {
        when: 'the answer is not known',
        s: () => snapshot({ forms: [reporting('safeguarding', 'abuseOrNeglectSuspected', 'not_known')] }),
        fires: null,
      },
      {
        when: 'the answer is no',
        s: () =>
          snapshot({
            forms: [reporting('safeguarding', 'abuseOrNeglectSuspected', 'no'), reporting('parenting', 'neglectConcerns', 'no')],
          }),
        fires: null,
      },
      {
        when: 'the panel does not know',
        s: () => snapshot({ analysis: analysis({ safeguardingCriteriaMet: 'not_known', categoriesConsidered: [3] }) }),
        fires: null,
      },
      {
        when: 'the same question on another template',
        s: () => snapshot({ forms: [form('imr', { safeguarding: { abuseOrNeglectSuspected: 'yes' } })] }),
        fires: null,
      },
      { when: 'nothing is known yet', s: () => snapshot(), fires: null },
    ],
  ],
  [
    abuseWithAgencyConcern,
    [
      {
        when: 'abuse suspected and information sharing problems',
        s: () =>
          snapshot({
            forms: [
              form('reporting', {
                safeguarding: { abuseOrNeglectSuspected: 'yes' },
                serviceProvision: { informationSharingProblems: 'yes' },
              }),
            ],
          }),
        fires: [
          'form:reporting/safeguarding/abuseOrNeglectSuspected=yes',
          'form:reporting/serviceProvision/informationSharingProblems=yes',
        ],
      },
      {
        when: 'only abuse suspected',
        s: () => snapshot({ forms: [reporting('safeguarding', 'abuseOrNeglectSuspected', 'yes')] }),
        fires: null,
      },
      {
        when: 'only agency concern',
        s: () => snapshot({ forms: [reporting('serviceProvision', 'informationSharingProblems', 'yes')] }),
        fires: null,
      },
      {
        when: 'agency concern not known',
        s: () => snapshot({ category: 1, forms: [reporting('serviceProvision', 'informationSharingProblems', 'not_known')] }),
        fires: null,
      },
    ],
  ],
  [
    statutoryDeathNotification,
    [
      {
        when: 'the child was looked after',
        s: () => snapshot({ forms: [reporting('safeguarding', 'lookedAfter', 'current')] }),
        fires: ['form:reporting/safeguarding/lookedAfter=current'],
      },
      {
        when: 'the child was on a protection plan',
        s: () => snapshot({ forms: [reporting('safeguarding', 'childProtectionPlan', 'current')] }),
        fires: ['form:reporting/safeguarding/childProtectionPlan=current'],
      },
      {
        when: 'the joint agency response was for a death in custody',
        s: () =>
          snapshot({
            notifications: [notification({ jointAgencyResponse: { triggered: true, reasons: ['external_cause', 'custody_or_detained'] } })],
          }),
        fires: ['notification/death/jointAgencyResponse/reasons=custody_or_detained'],
      },
      {
        when: 'the child died in a secure children’s home',
        s: () => snapshot({ notifications: [notification({ placeOfDeath: { type: 'secure_childrens_home' } })] }),
        fires: ['notification/death/placeOfDeath/type=secure_childrens_home'],
      },
      {
        when: 'the suicide happened in custody',
        s: () => snapshot({ forms: [suicideForm('circumstances', 'setting', 'custody_or_secure_setting')] }),
        fires: ['form:suicide-self-harm/circumstances/setting=custody_or_secure_setting'],
      },
      {
        when: 'the child was looked after before, not now',
        s: () => snapshot({ forms: [reporting('safeguarding', 'lookedAfter', 'previous')] }),
        fires: null,
      },
      {
        when: 'not known whether looked after',
        s: () => snapshot({ forms: [reporting('safeguarding', 'lookedAfter', 'not_known')] }),
        fires: null,
      },
      { when: 'a death at home', s: () => snapshot({ notifications: [notification({ placeOfDeath: { type: 'home' } })] }), fires: null },
    ],
  ],
  [
    suicideWithSafeguardingConcern,
    [
      {
        when: 'category 2 and a previous protection plan',
        s: () => snapshot({ category: 2, forms: [reporting('safeguarding', 'childProtectionPlan', 'previous')] }),
        fires: ['case/category=2', 'form:reporting/safeguarding/childProtectionPlan=previous'],
      },
      {
        when: 'a suicide form and exploitation',
        s: () => {
          const f = suicideForm('factors', 'exploitation', 'yes');
          return snapshot({ forms: [f] });
        },
        fires: ['form:suicide-self-harm=submitted', 'form:suicide-self-harm/factors/exploitation=yes'],
      },
      {
        when: 'the panel considers suicide and domestic abuse was recorded',
        s: () =>
          snapshot({
            analysis: analysis({ categoriesConsidered: [2] }),
            forms: [reporting('familyAndEnvironment', 'domesticAbuse', 'yes')],
          }),
        fires: ['analysis/categoriesConsidered=2', 'form:reporting/familyAndEnvironment/domesticAbuse=yes'],
      },
      {
        when: 'a suicide with no concern',
        s: () => snapshot({ category: 2, forms: [reporting('safeguarding', 'childProtectionPlan', 'never')] }),
        fires: null,
      },
      {
        when: 'a concern but not a suicide',
        s: () => snapshot({ category: 5, forms: [reporting('safeguarding', 'childInNeed', 'current')] }),
        fires: null,
      },
      {
        when: 'exploitation answered none',
        s: () => snapshot({ category: 2, forms: [reporting('safeguarding', 'exploitation', ['none'])] }),
        fires: null,
      },
    ],
  ],
  [
    interAgencyConcern,
    [
      {
        when: 'an agency records information sharing problems',
        s: () => snapshot({ forms: [reporting('serviceProvision', 'informationSharingProblems', 'yes')] }),
        fires: ['form:reporting/serviceProvision/informationSharingProblems=yes'],
      },
      {
        when: 'not known',
        s: () => snapshot({ forms: [reporting('serviceProvision', 'informationSharingProblems', 'not_known')] }),
        fires: null,
      },
      { when: 'no', s: () => snapshot({ forms: [reporting('serviceProvision', 'informationSharingProblems', 'no')] }), fires: null },
    ],
  ],
  [
    regulatedSettingDeath,
    [
      {
        when: 'died in a children’s home',
        s: () => snapshot({ notifications: [notification({ placeOfDeath: { type: 'childrens_home' } })] }),
        fires: ['notification/death/placeOfDeath/type=childrens_home'],
      },
      {
        when: 'fatal event at a residential school, death in hospital',
        s: () =>
          snapshot({
            notifications: [notification({ placeOfDeath: { type: 'hospital_ward' }, placeOfFatalEvent: { type: 'residential_school' } })],
          }),
        fires: ['notification/death/placeOfFatalEvent/type=residential_school'],
      },
      {
        when: 'the suicide form says custody',
        s: () => snapshot({ forms: [suicideForm('circumstances', 'setting', 'custody_or_secure_setting')] }),
        fires: ['form:suicide-self-harm/circumstances/setting=custody_or_secure_setting'],
      },
      {
        when: 'died in hospital',
        s: () => snapshot({ notifications: [notification({ placeOfDeath: { type: 'paediatric_intensive_care' } })] }),
        fires: null,
      },
    ],
  ],
];

describe.each(TABLE)('rule %s', (rule, rows) => {
  it.each(rows.map((r) => [r.when, r] as const))('when %s', (_when, row) => {
    expect(fields(rule, row.s())).toEqual(row.fires);
  });
});

describe('the rule set', () => {
  it('when listed, then each rule has a unique snake_case id, a version, a basis, and an outcome with kind and words for both regimes', () => {
    expect(new Set(SCR_RULES.map((r) => r.id)).size).toBe(SCR_RULES.length);
    for (const r of SCR_RULES) {
      expect(r.id).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(r.version).toBeGreaterThan(0);
      expect(r.basis.length).toBeGreaterThan(20);
      for (const regime of ['2015', '2018'] as const) {
        expect(r.outcomes[regime].opens.length).toBeGreaterThan(10);
        for (const c of r.outcomes[regime].clocks) expect(c.workingDays).toBeGreaterThan(0);
      }
    }
  });

  it('when a looked-after child dies under the current regime, then the duty is a notification to the Secretary of State and Ofsted, with no rapid review', () => {
    const o = statutoryDeathNotification.outcomes['2018'];
    expect(o.kind).toBe('statutory_notification');
    expect(o.clocks.map((c) => c.id)).toEqual(['death_notified_to_secretary_of_state_and_ofsted']);
    expect(abuseOrNeglectDeath.outcomes['2018'].clocks.map((c) => c.id)).toEqual(['serious_incident_notification']);
    expect(abuseOrNeglectDeath.outcomes['2015'].clocks.map((c) => c.id)).toEqual(['ofsted_notifiable_incident']);
  });

  it('when evidence is read, then a free-text answer is never copied into it', () => {
    const s = snapshot({
      forms: [form('reporting', { safeguarding: { abuseOrNeglectSuspected: 'yes', abuseOrNeglectDetail: 'Bruising seen by Mrs Canary' } })],
    });
    expect(JSON.stringify(SCR_RULES.map((r) => r.evaluate(s)))).not.toContain('Canary');
  });
});
