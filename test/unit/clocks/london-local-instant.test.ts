import { londonLocalInstant, NonexistentLondonTimeError, resolveLondonLocalTime } from '../../../src/platform/time';

it.each([
  ['2026-06-30', '23:30', '2026-06-30T22:30:00.000Z'],
  ['2026-01-15', '08:00', '2026-01-15T08:00:00.000Z'],
  ['2026-03-29', '00:30', '2026-03-29T00:30:00.000Z'],
  ['2026-03-29', '00:59', '2026-03-29T00:59:00.000Z'],
  ['2026-03-29', '02:00', '2026-03-29T01:00:00.000Z'],
  ['2026-03-29', '02:30', '2026-03-29T01:30:00.000Z'],
  ['2026-10-25', '00:59', '2026-10-24T23:59:00.000Z'],
  ['2026-10-25', '02:00', '2026-10-25T02:00:00.000Z'],
  ['2026-10-25', '03:00', '2026-10-25T03:00:00.000Z'],
])('when %s %s London, then %s', (d, t, iso) => {
  expect(londonLocalInstant(d, t).toISOString()).toBe(iso);
  expect(resolveLondonLocalTime(d, t).ambiguous).toBe(false);
});

describe('the spring clock change: 01:00–01:59 on 2026-03-29 never happened', () => {
  it.each(['01:00', '01:30', '01:59'])(
    'when %s is asked for, then NonexistentLondonTimeError naming the field, never a shifted instant',
    (t) => {
      let thrown: unknown;
      try {
        londonLocalInstant('2026-03-29', t, 'body.death.timeOfDeath');
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(NonexistentLondonTimeError);
      expect(thrown).toBeInstanceOf(RangeError);
      expect(thrown).toMatchObject({ date: '2026-03-29', time: t, field: 'body.death.timeOfDeath' });
      expect(() => resolveLondonLocalTime('2026-03-29', t)).toThrow(/did not exist in London/);
    },
  );

  it('when the same time is asked for on the day before or after, then it exists', () => {
    expect(londonLocalInstant('2026-03-28', '01:30').toISOString()).toBe('2026-03-28T01:30:00.000Z');
    expect(londonLocalInstant('2026-03-30', '01:30').toISOString()).toBe('2026-03-30T00:30:00.000Z');
  });
});

describe('the autumn clock change: 01:00–01:59 on 2026-10-25 happened twice', () => {
  it('when 01:30 is asked for, then the earlier instant (BST) is taken and marked ambiguous', () => {
    expect(resolveLondonLocalTime('2026-10-25', '01:30')).toEqual({
      instant: new Date('2026-10-25T00:30:00.000Z'),
      ambiguous: true,
      utcOffset: '+01:00',
    });
    expect(londonLocalInstant('2026-10-25', '01:30').toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it.each(['01:00', '01:59'])('when %s is asked for, then it is ambiguous too', (t) => {
    expect(resolveLondonLocalTime('2026-10-25', t).ambiguous).toBe(true);
  });

  it('when a time outside the repeated hour is asked for, then its one offset is given', () => {
    expect(resolveLondonLocalTime('2026-10-25', '02:00')).toMatchObject({ ambiguous: false, utcOffset: '+00:00' });
    expect(resolveLondonLocalTime('2026-10-25', '00:30')).toMatchObject({ ambiguous: false, utcOffset: '+01:00' });
  });
});

it('when the time is not HH:MM within a day, then RangeError', () => {
  for (const t of ['24:00', '12:60', '1:30', '12:30:00']) expect(() => londonLocalInstant('2026-06-01', t)).toThrow(RangeError);
});
