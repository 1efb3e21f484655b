import Holidays from 'date-holidays';
import { addDays, dayOfWeek, parseLocalDate, type LocalDate } from './london-time';

/**
 * Working days for statutory clocks: Monday to Friday, less the bank holidays
 * of England and Wales. The holidays come from `date-holidays` rather than a
 * hand-kept list, so one-off days (a coronation, a state funeral) arrive with a
 * library update instead of relying on someone remembering to edit a table.
 *
 * England and Wales share one list of bank holidays; date-holidays models them
 * as separate regions (GB-ENG, GB-WLS) with identical rules, and a unit test
 * pins that they agree. Scotland and Northern Ireland differ, but CDOPs are an
 * English duty.
 */
const calendar = new Holidays('GB', 'ENG');

// Days off only: the GB data also carries 'observance' days (Mother's Day, Easter
// Sunday) that are not. GB uses 'public' for bank holidays today; 'bank' is kept in
// case the data ever splits them.
const HOLIDAY_TYPES = new Set(['public', 'bank']);

const holidaysByYear = new Map<number, ReadonlySet<LocalDate>>();

/** The England and Wales bank holidays of a year, as local dates. */
export function bankHolidays(year: number): ReadonlySet<LocalDate> {
  let dates = holidaysByYear.get(year);
  if (!dates) {
    // `date` is already the local calendar date ("2026-04-03 00:00:00");
    // `start` is a UTC instant and would be the previous day in BST.
    dates = new Set(
      calendar
        .getHolidays(year)
        .filter((h) => HOLIDAY_TYPES.has(h.type))
        .map((h) => h.date.slice(0, 10)),
    );
    holidaysByYear.set(year, dates);
  }
  return dates;
}

function isBankHoliday(date: LocalDate): boolean {
  return bankHolidays(parseLocalDate(date).year).has(date);
}

export function isWorkingDay(date: LocalDate): boolean {
  const dow = dayOfWeek(date);
  return dow !== 0 && dow !== 6 && !isBankHoliday(date);
}

/**
 * The nth working day after `date`. The start day itself never counts, even when
 * it is a working day: "within 2 working days of a death on Thursday" means by the
 * end of Monday, not Friday. n = 0 returns the start date unchanged.
 */
export function addWorkingDays(date: LocalDate, n: number): LocalDate {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0, got ${n}`);
  let current = date;
  parseLocalDate(current); // refuse a malformed date even when n = 0
  for (let counted = 0; counted < n;) {
    current = addDays(current, 1);
    if (isWorkingDay(current)) counted += 1;
  }
  return current;
}

export function addCalendarDays(date: LocalDate, n: number): LocalDate {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`calendar days must be a whole number ≥ 0, got ${n}`);
  return addDays(date, n);
}

/**
 * Calendar months, clamped to the end of a shorter month: 31 January + 1 month is
 * 28 February (29 in a leap year), never 3 March. This is how "within one month"
 * is read in practice, and it keeps every deadline inside the intended month.
 */
export function addCalendarMonths(date: LocalDate, n: number): LocalDate {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`calendar months must be a whole number ≥ 0, got ${n}`);
  const { year, month, day } = parseLocalDate(date);
  const monthIndex = month - 1 + n;
  const targetYear = year + Math.floor(monthIndex / 12);
  const targetMonth = monthIndex % 12; // 0-based
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const d = Math.min(day, lastDay);
  return `${String(targetYear).padStart(4, '0')}-${String(targetMonth + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
