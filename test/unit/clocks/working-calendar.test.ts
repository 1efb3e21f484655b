import { addCalendarMonths, addWorkingDays, bankHolidays, isWorkingDay } from '../../../src/platform/time';
import { dayOfWeek } from '../../../src/platform/time';
import Holidays from 'date-holidays';

// The weekday bank holidays of England and Wales as published on gov.uk/bank-holidays.
// Weekend dates in the library's list (e.g. Boxing Day 2026, a Saturday) change nothing.
const GOV_UK = {
  2026: ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28'],
  2027: ['2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28'],
} as const;

const weekdaysOnly = (dates: Iterable<string>) => [...dates].filter((d) => dayOfWeek(d) !== 0 && dayOfWeek(d) !== 6).sort();

describe('bank holidays', () => {
  it.each(Object.entries(GOV_UK))('when the year is %s, then the weekday bank holidays match gov.uk', (year, expected) => {
    expect(weekdaysOnly(bankHolidays(Number(year)))).toEqual(expected);
  });

  it('when a year is asked for twice, then the cached set is returned', () => {
    expect(bankHolidays(2026)).toBe(bankHolidays(2026));
  });

  it("when observances such as Easter Sunday and Mother's Day fall in the year, then they are not holidays", () => {
    expect(bankHolidays(2026).has('2026-04-05')).toBe(false);
    expect(bankHolidays(2026).has('2026-03-15')).toBe(false);
  });

  it('when one-off days were declared (2022 state funeral, 2023 coronation), then the library has them', () => {
    expect(bankHolidays(2022).has('2022-09-19')).toBe(true);
    expect(bankHolidays(2023).has('2023-05-08')).toBe(true);
  });

  it('when England and Wales are compared for 2020–2035, then their bank holidays are the same', () => {
    const wales = new Holidays('GB', 'WLS');
    for (let year = 2020; year <= 2035; year++) {
      const welsh = wales
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10));
      expect([...bankHolidays(year)].sort()).toEqual(welsh.sort());
    }
  });
});

describe('isWorkingDay', () => {
  it.each([
    ['2026-04-02', true, 'Thursday before Easter'],
    ['2026-04-03', false, 'Good Friday'],
    ['2026-04-04', false, 'Saturday'],
    ['2026-04-05', false, 'Sunday'],
    ['2026-04-06', false, 'Easter Monday'],
    ['2026-04-07', true, 'Tuesday after Easter'],
    ['2026-12-28', false, 'Boxing Day substitute'],
    ['2026-12-29', true, 'Tuesday between Christmas and New Year'],
    ['2028-01-03', false, "New Year's Day substitute"],
  ])('when the date is %s, then working day is %s (%s)', (date, expected) => {
    expect(isWorkingDay(date)).toBe(expected);
  });

  it('when the date is not a real calendar date, then it is refused', () => {
    expect(() => isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => isWorkingDay('30/03/2026')).toThrow(RangeError);
  });
});

describe('addWorkingDays', () => {
  it.each([
    ['2026-04-02', 2, '2026-04-08', 'Easter: Thursday + 2 skips Good Friday, the weekend and Easter Monday'],
    ['2026-12-24', 1, '2026-12-29', 'Christmas: Thursday + 1 skips Christmas, the weekend and the Boxing Day substitute'],
    ['2027-12-23', 2, '2027-12-29', 'Christmas 2027: both substitute days skipped'],
    ['2027-12-31', 1, '2028-01-04', "New Year: Friday + 1 skips the weekend and the New Year's Day substitute"],
    ['2026-03-27', 1, '2026-03-30', 'Friday + 1 is Monday'],
    ['2026-03-28', 1, '2026-03-30', 'a Saturday start counts from Monday'],
    ['2026-03-28', 2, '2026-03-31', 'a Saturday start across the clock change'],
    ['2026-05-01', 1, '2026-05-05', 'Friday + 1 skips the early May bank holiday'],
    ['2026-04-01', 15, '2026-04-24', '15 working days across Easter'],
    ['2026-04-03', 0, '2026-04-03', 'zero days leaves the date, even a holiday'],
  ])('when %s + %i working days, then %s (%s)', (start, n, expected) => {
    expect(addWorkingDays(start, n)).toBe(expected);
  });

  it('when the number of days is negative or fractional, then it is refused', () => {
    expect(() => addWorkingDays('2026-04-02', -1)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-04-02', 1.5)).toThrow(RangeError);
  });
});

describe('addCalendarMonths', () => {
  it.each([
    ['2027-01-31', 1, '2027-02-28', 'clamps to the end of February'],
    ['2026-08-31', 6, '2027-02-28', 'clamps across a year end'],
    ['2028-01-31', 1, '2028-02-29', 'leap year'],
    ['2028-02-29', 12, '2029-02-28', 'a leap day a year on'],
    ['2026-03-31', 1, '2026-04-30', 'a 30-day month'],
    ['2026-11-15', 3, '2027-02-15', 'a mid-month date is unchanged'],
    ['2026-12-31', 1, '2027-01-31', 'December to January'],
    ['2026-01-31', 0, '2026-01-31', 'zero months'],
  ])('when %s + %i months, then %s (%s)', (start, n, expected) => {
    expect(addCalendarMonths(start, n)).toBe(expected);
  });
});
