import fc from 'fast-check';
import {
  candidateWindow,
  compareChildren,
  decideMatch,
  matchLockNames,
  type CaseCandidate,
  type ChildIdentity,
} from '../../../src/modules/notifications/duplicate-match';

const child = (over: Partial<ChildIdentity> = {}): ChildIdentity => ({
  nhsNumber: null,
  givenName: 'Amelia',
  familyName: 'Hartley',
  dateOfBirth: '2025-03-14',
  dateOfDeath: '2026-11-02',
  ...over,
});
const onRecord = (id: string, over: Partial<CaseCandidate> = {}): CaseCandidate => ({ ...child(), id, mergedIntoCaseId: null, ...over });

describe('decideMatch', () => {
  const held = (c: CaseCandidate, live = c) => ({ holder: c, live });

  it('when a case holds the NHS number and the dates agree, then the notification attaches to it by NHS number', () => {
    expect(decideMatch(child({ nhsNumber: '9434765919' }), { byNhsNumber: held(onRecord('a')), byDates: [onRecord('b')] })).toEqual({
      kind: 'attach',
      caseId: 'a',
      match: 'nhs_number',
    });
  });

  it('when the case holding the NHS number has another date of birth or death, then a new case flagged NHS_NUMBER_CONFLICT', () => {
    const a = onRecord('a', { nhsNumber: '9434765919', dateOfBirth: '2019-05-01', dateOfDeath: '2026-06-01' });
    expect(decideMatch(child({ nhsNumber: '9434765919' }), { byNhsNumber: held(a), byDates: [] })).toEqual({
      kind: 'create',
      nhsNumberConflict: { caseId: 'a', evidence: { matchedOn: ['nhs_number'], differences: ['date_of_birth', 'date_of_death'] } },
      possibleDuplicates: [],
    });
    const deathOnly = onRecord('a', { nhsNumber: '9434765919', dateOfDeath: '2026-11-01' });
    expect(decideMatch(child({ nhsNumber: '9434765919' }), { byNhsNumber: held(deathOnly), byDates: [] })).toMatchObject({
      nhsNumberConflict: { caseId: 'a', evidence: { differences: ['date_of_death'] } },
    });
  });

  it('when the NHS number is held by a duplicate merged into a case, then the dates of either can agree, and the case it was merged into is joined', () => {
    const merged = onRecord('old', { nhsNumber: '9434765919', mergedIntoCaseId: 'live' });
    const live = onRecord('live', { dateOfBirth: '2025-03-15' });
    expect(decideMatch(child({ nhsNumber: '9434765919' }), { byNhsNumber: held(merged, live), byDates: [] })).toEqual({
      kind: 'attach',
      caseId: 'live',
      match: 'nhs_number',
    });
  });

  it('when the NHS number conflicts and a case is the same child by names and dates, then that case is flagged too, never joined', () => {
    const a = onRecord('a', { nhsNumber: '9434765919', dateOfBirth: '2019-05-01' });
    const d = decideMatch(child({ nhsNumber: '9434765919' }), { byNhsNumber: held(a), byDates: [onRecord('same')] });
    expect(d).toMatchObject({ kind: 'create', possibleDuplicates: [{ caseId: 'same', evidence: { differences: [] } }] });
  });

  it('when a case is the same child by names and dates, then it attaches by demographics', () => {
    expect(decideMatch(child(), { byNhsNumber: undefined, byDates: [onRecord('b')] })).toEqual({
      kind: 'attach',
      caseId: 'b',
      match: 'demographics',
    });
  });

  it('when the only same child was merged away as a duplicate, then it is not a candidate (its target is found by NHS number or dates)', () => {
    expect(decideMatch(child(), { byNhsNumber: undefined, byDates: [onRecord('b', { mergedIntoCaseId: 'c' })] })).toEqual({
      kind: 'create',
      possibleDuplicates: [],
    });
  });

  it('when cases are near misses, then a new case is flagged against each, with the evidence', () => {
    const d = decideMatch(child(), {
      byNhsNumber: undefined,
      byDates: [
        onRecord('b', { givenName: 'Amelie' }),
        onRecord('c', { dateOfDeath: '2026-11-03' }),
        onRecord('twin', { givenName: 'Oliver' }),
      ],
    });
    expect(d).toEqual({
      kind: 'create',
      possibleDuplicates: [
        { caseId: 'b', evidence: { matchedOn: ['date_of_birth', 'date_of_death'], differences: ['name'] } },
        { caseId: 'c', evidence: { matchedOn: ['name', 'date_of_birth'], differences: ['date_of_death'] } },
      ],
    });
  });

  it('when the NHS numbers differ, then the children are never the same, whatever else matches (twins)', () => {
    expect(
      decideMatch(child({ nhsNumber: '9434765919' }), { byNhsNumber: undefined, byDates: [onRecord('b', { nhsNumber: '9434765870' })] }),
    ).toEqual({
      kind: 'create',
      possibleDuplicates: [],
    });
  });
});

describe('the candidate window and its locks', () => {
  const day = (s: string, n: number) => new Date(Date.parse(`${s}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  const date = fc
    .date({ min: new Date('2009-01-01'), max: new Date('2026-10-01'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));
  const swap = (s: string) => (Number(s.slice(8)) <= 12 ? `${s.slice(0, 4)}-${s.slice(8)}-${s.slice(5, 7)}` : s);
  /** A second child whose dates are a near miss of the first's: birth the same, a day out or swapped; death within a day. */
  const nearMiss = fc
    .tuple(date, fc.integer({ min: 0, max: 800 }), fc.constantFrom(-1, 0, 1, 'swap' as const), fc.constantFrom(-1, 0, 1))
    .map(([born, ageDays, birthShift, deathShift]) => {
      const a = child({ dateOfBirth: born, dateOfDeath: day(born, ageDays + 2) });
      const b = child({
        dateOfBirth: birthShift === 'swap' ? swap(born) : day(born, birthShift),
        dateOfDeath: day(a.dateOfDeath, deathShift),
      });
      return { a, b };
    });

  it('when two children could be the same, then each is inside the other\u2019s window and they share a lock', () => {
    fc.assert(
      fc.property(nearMiss, ({ a, b }) => {
        const w = candidateWindow(a);
        expect(w.birthDates).toContain(b.dateOfBirth);
        expect(b.dateOfDeath >= w.diedFrom && b.dateOfDeath <= w.diedTo).toBe(true);
        const shared = matchLockNames(a).filter((n) => matchLockNames(b).includes(n));
        expect(shared.length).toBeGreaterThan(0);
      }),
      { numRuns: 500, seed: 42 },
    );
  });

  it('when the rules could call two children the same or possibly the same, then they are in each other\u2019s window', () => {
    fc.assert(
      fc.property(nearMiss, ({ a, b }) => {
        if (compareChildren(a, b).kind === 'different') return;
        const w = candidateWindow(b);
        expect(w.birthDates).toContain(a.dateOfBirth);
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('when a child has an NHS number, then it is locked too', () => {
    expect(matchLockNames(child({ nhsNumber: '9434765919' }))).toContain('nhs:9434765919');
    expect(matchLockNames(child())).toHaveLength(9); // 3 birth dates (the 14th has no swap) x 3 death dates
  });
});
