import fc from 'fast-check';
import { londonDateOf, parseLocalDate, startOfLondonDay } from '../../../src/platform/time/london-time';

/** Intl's own answer, with no caching: the reference the cached offsets must agree with. */
const reference = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

describe('London dates with the per-hour offset cache', () => {
  it('when instants fall either side of both 2026 clock changes, then the London date matches Intl', () => {
    // 29 March 2026 01:00Z (spring forward) and 25 October 2026 01:00Z (fall back), to the millisecond.
    for (const change of [Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 9, 25, 1)]) {
      for (const delta of [-3_600_001, -1, 0, 1, 3_599_999, 22 * 3_600_000 + 59 * 60_000, 23 * 3_600_000]) {
        const at = new Date(change + delta);
        expect(londonDateOf(at)).toBe(reference.format(at));
      }
    }
  });

  it('when any instant from 1900 to 2100 is asked twice, then both answers match Intl', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        const at = new Date(ms);
        expect(londonDateOf(at)).toBe(reference.format(at));
        expect(londonDateOf(at)).toBe(reference.format(at));
      }),
      { numRuns: 2000 },
    );
  });

  it('when local midnight is asked for on change days, then it is the instant London reads 00:00', () => {
    expect(startOfLondonDay('2026-03-29').toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(startOfLondonDay('2026-03-30').toISOString()).toBe('2026-03-29T23:00:00.000Z');
    expect(startOfLondonDay('2026-10-25').toISOString()).toBe('2026-10-24T23:00:00.000Z');
    expect(startOfLondonDay('2026-10-26').toISOString()).toBe('2026-10-26T00:00:00.000Z');
  });
});

describe('parseLocalDate', () => {
  it.each([
    ['2024-02-29', true],
    ['2026-02-28', true],
    ['2026-12-31', true],
    ['2026-02-29', false],
    ['2026-02-30', false],
    ['2026-04-31', false],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-01-00', false],
    ['0050-01-01', false],
    ['2026-1-01', false],
  ])('when given %s, then it is accepted: %s', (date, ok) => {
    if (ok)
      expect(parseLocalDate(date)).toEqual({ year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8)) });
    else expect(() => parseLocalDate(date)).toThrow(RangeError);
  });
});
