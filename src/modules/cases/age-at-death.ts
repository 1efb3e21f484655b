/**
 * Age at death, the anonymised stand-in for the date of birth. Days are stored
 * on the case; the band follows the national reporting bands (DOMAIN.md, check):
 * 0–27 days, 28–364 days, then completed years 1–4, 5–9, 10–14, 15–17. Years are
 * counted by birthdays (a child born on 29 February has a birthday on 1 March in
 * other years), not by dividing days by 365.
 */
export const AGE_BANDS = ['0-27_days', '28-364_days', '1-4_years', '5-9_years', '10-14_years', '15-17_years'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

interface AgeAtDeath {
  days: number;
  band: AgeBand;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parts(date: string): [number, number, number] {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`not a date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Completed years between two calendar dates. */
export function completedYears(dateOfBirth: string, dateOfDeath: string): number {
  const [by, bm, bd] = parts(dateOfBirth);
  const [dy, dm, dd] = parts(dateOfDeath);
  let years = dy - by;
  if (dm < bm || (dm === bm && dd < bd)) years--;
  return Math.max(0, years);
}

export function daysBetween(dateOfBirth: string, dateOfDeath: string): number {
  const [by, bm, bd] = parts(dateOfBirth);
  const [dy, dm, dd] = parts(dateOfDeath);
  return Math.round((Date.UTC(dy, dm - 1, dd) - Date.UTC(by, bm - 1, bd)) / 86_400_000);
}

function ageBand(days: number, years: number): AgeBand {
  if (years >= 15) return '15-17_years';
  if (years >= 10) return '10-14_years';
  if (years >= 5) return '5-9_years';
  if (years >= 1) return '1-4_years';
  return days >= 28 ? '28-364_days' : '0-27_days';
}

export function ageAtDeath(dateOfBirth: string, dateOfDeath: string, storedDays?: number): AgeAtDeath {
  const days = storedDays ?? daysBetween(dateOfBirth, dateOfDeath);
  return { days, band: ageBand(days, completedYears(dateOfBirth, dateOfDeath)) };
}
