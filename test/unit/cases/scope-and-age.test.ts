import { ageAtDeath, completedYears } from '../../../src/modules/cases/age-at-death';
import { canIdentifyChild, canSeeCase, caseScopeSql } from '../../../src/modules/cases/case-scope';
import { principal } from '../../support/principals';

const A = '6f1d2c3b-4a59-4e68-8d7c-1b2a3c4d5e6f';
const B = '7a2e3d4c-5b6a-4f79-9e8d-2c3b4d5e6f70';

describe('canSeeCase and caseScopeSql', () => {
  it.each([
    ['cdop_coordinator', [A], A, true],
    ['cdop_coordinator', [A], B, false],
    ['cdop_coordinator', [A], null, false],
    ['panel_chair', [A, B], B, true],
    ['panel_member', [A], A, true],
    ['panel_member', [], A, false],
    ['administrator', [A], null, true],
    ['administrator', [A], A, false],
    ['auditor', [A], A, false],
    ['agency_contributor', [A], A, false],
    ['hospital_system', [A], A, false],
  ] as const)('when a %s of panels %j looks at a case of panel %s, then visible is %s', (role, panelIds, panelId, visible) => {
    const p = principal(role, { panelIds: [...panelIds] });
    expect(canSeeCase(p, { panelId })).toBe(visible);
    const params: unknown[] = [];
    const sql = caseScopeSql(p, 'c', params);
    if (!visible && sql !== 'FALSE') {
      // The predicate must exclude the case: either it names only other panels, or it is the queue and the case is not.
      expect(panelId === null ? !sql.includes('IS NULL') : !(params[0] as string[] | undefined)?.includes(panelId)).toBe(true);
    }
  });

  it('when a principal sees nothing, then the predicate is FALSE and takes no parameters', () => {
    for (const role of ['auditor', 'agency_contributor', 'hospital_system'] as const) {
      const params: unknown[] = [];
      expect(caseScopeSql(principal(role, { panelIds: [A] }), 'c', params)).toBe('FALSE');
      expect(params).toEqual([]);
    }
  });

  it('when panelIds hold something that is not a uuid, then it is ignored rather than reaching SQL', () => {
    const params: unknown[] = [];
    expect(caseScopeSql(principal('panel_member', { panelIds: ["x' OR 1=1 --"] }), 'c', params)).toBe('FALSE');
  });

  it('when a coordinator assigns an unassigned case to their own panel, then only that write reaches the queue', () => {
    const p = principal('cdop_coordinator', { panelIds: [A] });
    expect(canSeeCase(p, { panelId: null }, { assigningTo: A })).toBe(true);
    expect(canSeeCase(p, { panelId: null }, { assigningTo: B })).toBe(false);
    expect(canSeeCase(principal('panel_chair', { panelIds: [A] }), { panelId: null }, { assigningTo: A })).toBe(false);
  });

  it('when identity is asked for, then only coordinators of the panel, and administrators for the queue, get it', () => {
    expect(canIdentifyChild(principal('cdop_coordinator', { panelIds: [A] }), { panelId: A })).toBe(true);
    expect(canIdentifyChild(principal('panel_chair', { panelIds: [A] }), { panelId: A })).toBe(false);
    expect(canIdentifyChild(principal('panel_member', { panelIds: [A] }), { panelId: A })).toBe(false);
    expect(canIdentifyChild(principal('administrator'), { panelId: null })).toBe(true);
    expect(canIdentifyChild(principal('administrator', { panelIds: [A] }), { panelId: A })).toBe(false);
  });
});

describe('age at death', () => {
  it.each([
    ['2026-01-01', '2026-01-01', 0, '0-27_days'],
    ['2026-01-01', '2026-01-28', 27, '0-27_days'],
    ['2026-01-01', '2026-01-29', 28, '28-364_days'],
    ['2025-01-02', '2026-01-01', 364, '28-364_days'],
    ['2025-01-01', '2026-01-01', 365, '1-4_years'],
    // 2024 is a leap year: 365 days old on 31 December, but the first birthday is 1 January.
    ['2024-01-01', '2024-12-31', 365, '28-364_days'],
    ['2021-06-15', '2026-06-14', 1825, '1-4_years'],
    ['2021-06-15', '2026-06-15', 1826, '5-9_years'],
    ['2016-06-15', '2026-06-15', 3652, '10-14_years'],
    ['2011-06-15', '2026-06-15', 5479, '15-17_years'],
    ['2008-06-16', '2026-06-15', 6573, '15-17_years'],
  ])('when born %s and died %s, then %i days old and in band %s', (dob, dod, days, band) => {
    expect(ageAtDeath(dob, dod)).toEqual({ days, band });
  });

  it('when born on 29 February, then the birthday counts from 1 March in other years', () => {
    expect(completedYears('2020-02-29', '2021-02-28')).toBe(0);
    expect(completedYears('2020-02-29', '2021-03-01')).toBe(1);
  });
});
