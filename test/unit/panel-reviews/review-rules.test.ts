import {
  ANALYSIS_2018_V1,
  ANALYSIS_TEMPLATES,
  LEGACY_FORM_C_V1,
  factorErrors,
  findAnalysisTemplate,
  latestAnalysisTemplate,
} from '../../../src/modules/panel-reviews/analysis-templates';
import {
  categoriesOfDeath,
  isCategoryOfDeath,
  recordedCategory,
  type CategoryOfDeath,
} from '../../../src/modules/panel-reviews/categories-of-death';
import {
  closureBlockersOf,
  draftDecision,
  isActionOverdue,
  missingForSignOff,
  signOffRefusal,
  type SignOffContext,
  type SignOffFacts,
} from '../../../src/modules/panel-reviews/review-rules';

describe('the category hierarchy', () => {
  it.each([
    [[], null],
    [[10], 10],
    [[10, 3], 3],
    [[9, 8, 7], 7],
    [[2, 1], 1],
    [[5, 6, 10, 4], 4],
  ] as [CategoryOfDeath[], number | null][])('when the panel considered %j, then the recorded category is %s', (considered, recorded) => {
    expect(recordedCategory(considered)).toBe(recorded);
  });

  it('when the national categories are listed, then there are ten, numbered 1 to 10 in order, with the national wording', () => {
    expect(categoriesOfDeath().map((c) => c.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(categoriesOfDeath()[0]!.label).toBe('Deliberately inflicted injury, abuse or neglect');
    expect(categoriesOfDeath()[9]!.label).toBe('Sudden unexpected, unexplained death');
  });

  it.each([0, 11, -1, 1.5, '3', null])('when %j is offered as a category, then it is not one', (n) => {
    expect(isCategoryOfDeath(n)).toBe(false);
  });
});

describe('analysis templates', () => {
  it('when the templates are listed, then each id and version appears once, and the default is the latest 2018 form', () => {
    const keys = ANALYSIS_TEMPLATES.map((t) => `${t.id}@${t.version}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(latestAnalysisTemplate('analysis-2018')).toBe(ANALYSIS_2018_V1);
    expect(findAnalysisTemplate('legacy-form-c', 1)).toBe(LEGACY_FORM_C_V1);
    expect(findAnalysisTemplate('legacy-form-c', 2)).toBeUndefined();
    expect(latestAnalysisTemplate('nope')).toBeUndefined();
  });

  it('when the legacy scale is read, then it is 0, 1, 1*, 2, 3', () => {
    expect(LEGACY_FORM_C_V1.relevanceScale.map((r) => r.code)).toEqual(['0', '1', '1*', '2', '3']);
  });

  it.each([
    // template, factor, fields in error
    [LEGACY_FORM_C_V1, { domain: 'parenting_capacity', relevance: '1*' }, []],
    [LEGACY_FORM_C_V1, { domain: 'family_and_environment', relevance: '3' }, []],
    [LEGACY_FORM_C_V1, { domain: 'physical_environment', relevance: '2' }, ['body.factors[0].domain']],
    [LEGACY_FORM_C_V1, { domain: 'child', relevance: '4' }, ['body.factors[0].relevance']],
    [ANALYSIS_2018_V1, { domain: 'physical_environment', relevance: '2' }, []],
    [ANALYSIS_2018_V1, { domain: 'social_environment', relevance: '0' }, []],
    [ANALYSIS_2018_V1, { domain: 'parenting_capacity', relevance: '1' }, ['body.factors[0].domain']],
    [ANALYSIS_2018_V1, { domain: 'child', relevance: '1*' }, ['body.factors[0].relevance']],
    [ANALYSIS_2018_V1, { domain: 'CHILD', relevance: '3' }, ['body.factors[0].domain', 'body.factors[0].relevance']],
  ])('when factor case %# is checked against its template, then the fields in error are as listed', (template, f, fields) => {
    const errors = factorErrors(template, [{ description: 'x', ...f }]);
    expect(errors.map((e) => e.field)).toEqual(fields);
  });

  it('when the second of three factors is wrong, then its index is named', () => {
    const ok = { domain: 'child', description: 'x', relevance: '1' };
    const errors = factorErrors(ANALYSIS_2018_V1, [ok, { ...ok, domain: 'elsewhere' }, ok]);
    expect(errors.map((e) => e.field)).toEqual(['body.factors[1].domain']);
    // The message names the template's domains, never what was sent (free text could be anything).
    expect(errors[0]!.message).not.toContain('elsewhere');
  });
});

describe('writing the draft', () => {
  it.each([
    [undefined, 'ready_for_panel', { kind: 'create', revision: 1 }],
    [undefined, 'gathering_information', { kind: 'create', revision: 1 }],
    [{ status: 'draft', revision: 1 }, 'scheduled_for_panel', { kind: 'update' }],
    [{ status: 'signed', revision: 1 }, 'reviewed', { kind: 'refuse', code: 'REVIEW.SIGNED' }],
    [{ status: 'signed', revision: 1 }, 'closed', { kind: 'refuse', code: 'REVIEW.CASE_CLOSED' }],
    [undefined, 'closed', { kind: 'refuse', code: 'REVIEW.CASE_CLOSED' }],
    // Reopened: closed → gathering_information; the next revision starts.
    [{ status: 'signed', revision: 1 }, 'gathering_information', { kind: 'create', revision: 2 }],
    [{ status: 'signed', revision: 2 }, 'ready_for_panel', { kind: 'create', revision: 3 }],
  ] as const)('when the latest revision is %j and the case is %s, then %j', (latest, status, decision) => {
    expect(draftDecision(latest, status)).toEqual(decision);
  });

  it.each([
    [{ category: null, modifiable_factors: null }, ['categoriesConsidered', 'modifiableFactors']],
    [{ category: 3, modifiable_factors: null }, ['modifiableFactors']],
    [{ category: null, modifiable_factors: 'no' }, ['categoriesConsidered']],
    [{ category: 10, modifiable_factors: 'insufficient_information' }, []],
  ] as const)('when a draft is %j, then it lacks %j for sign-off', (draft, missing) => {
    expect(missingForSignOff(draft)).toEqual(missing);
  });
});

describe('what stops a sign-off', () => {
  const PANEL = 'p1';
  const CHAIR = 'chair-1';
  const meeting = (over: Partial<SignOffContext> = {}): SignOffContext => ({
    meetingId: 'm1',
    panelId: PANEL,
    status: 'scheduled',
    caseOnAgenda: true,
    quorum: { met: true, missing: [] },
    present: [{ userId: CHAIR, capacity: 'chair' }],
    ...over,
  });
  const facts = (over: Partial<SignOffFacts> = {}): SignOffFacts => ({
    chairId: CHAIR,
    casePanelId: PANEL,
    meeting: meeting(),
    chairRecused: false,
    openFamilyQuestionIds: [],
    ...over,
  });

  it.each([
    ['nothing', undefined, facts()],
    ['no such meeting', 'REVIEW.UNKNOWN_MEETING', facts({ meeting: undefined })],
    ["another panel's meeting", 'REVIEW.UNKNOWN_MEETING', facts({ meeting: meeting({ panelId: 'p2' }) })],
    ['a cancelled meeting', 'REVIEW.MEETING_NOT_OPEN', facts({ meeting: meeting({ status: 'cancelled' }) })],
    ['the case not on the agenda', 'REVIEW.NOT_ON_AGENDA', facts({ meeting: meeting({ caseOnAgenda: false }) })],
    ['the chair recused', 'REVIEW.CHAIR_RECUSED', facts({ chairRecused: true })],
    ['the chair absent', 'REVIEW.CHAIR_NOT_PRESENT', facts({ meeting: meeting({ present: [{ userId: 'someone', capacity: 'member' }] }) })],
    ['no quorum', 'REVIEW.NOT_QUORATE', facts({ meeting: meeting({ quorum: { met: false, missing: ['police'] } }) })],
    ['open family questions', 'REVIEW.FAMILY_QUESTIONS_OPEN', facts({ openFamilyQuestionIds: ['q1', 'q2'] })],
  ] as const)('when %s, then the refusal is %s', (_what, code, f) => {
    expect(signOffRefusal(f)?.code).toBe(code);
  });

  it('when the quorum lacks members, then the refusal lists them in `missing`', () => {
    const r = signOffRefusal(facts({ meeting: meeting({ quorum: { met: false, missing: ['police', 'public_health'] } }) }));
    expect(r).toMatchObject({ status: 409, extensions: { missing: ['police', 'public_health'] } });
    expect(r!.detail).toContain('police, public_health');
  });

  it('when family questions are open, then the refusal names their ids and how many', () => {
    expect(signOffRefusal(facts({ openFamilyQuestionIds: ['q1'] }))).toMatchObject({
      status: 409,
      extensions: { questionIds: ['q1'] },
      detail: expect.stringContaining('1 question '),
    });
  });
});

describe('overdue actions', () => {
  const TODAY = '2027-01-04';
  it.each([
    [null, 'open', false],
    ['2027-01-03', 'open', true],
    ['2027-01-03', 'in_progress', true],
    ['2027-01-03', 'done', false],
    ['2027-01-03', 'not_accepted', false],
    ['2027-01-04', 'open', false],
    ['2027-01-05', 'in_progress', false],
    ['2026-12-31', 'open', true],
  ] as const)('when an action due %s is %s (today 2027-01-04), then overdue is %s', (due, status, overdue) => {
    expect(isActionOverdue({ due_date: due, status }, TODAY)).toBe(overdue);
  });
});

describe('closure blockers', () => {
  it.each([
    [[], []],
    [[{ id: 'a1', owner_agency_id: 'ag' }], []],
    [
      [
        { id: 'a1', owner_agency_id: null },
        { id: 'a2', owner_agency_id: 'ag' },
        { id: 'a3', owner_agency_id: null },
      ],
      ['a1', 'a3'],
    ],
  ])('when the actions are %j, then each without an owner blocks (%j)', (actions, blocking) => {
    const blockers = closureBlockersOf(actions);
    expect(blockers.every((b) => b.code === 'REVIEW.ACTION_WITHOUT_OWNER')).toBe(true);
    expect(blockers.map((b) => b.detail.split(' ')[1])).toEqual(blocking);
  });
});
