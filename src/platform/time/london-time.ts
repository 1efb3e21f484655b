/**
 * Europe/London local dates, without a date library: Node ships full ICU, so
 * Intl knows the UK's clock changes. Instants stay `Date` (UTC); a local date is
 * a plain 'YYYY-MM-DD' string, so arithmetic on it can never be skewed by the
 * time zone of the machine the service runs on.
 */

const LONDON = 'Europe/London';

/** A calendar date in Europe/London, 'YYYY-MM-DD'. */
export type LocalDate = string;

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

// Reused: building a DateTimeFormat costs far more than formatting with one.
// hourCycle h23, because some ICU versions print midnight as "24" with hour12: false.
const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

interface Ymd {
  year: number;
  month: number; // 1–12
  day: number;
}

export function parseLocalDate(date: LocalDate): Ymd {
  const m = LOCAL_DATE.exec(date);
  if (m) {
    const ymd = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
    // Day 0 of the next month is the last day of this one: rejects 2026-02-30 and friends.
    // (Date.UTC maps years 0–99 to 1900–1999, so those are refused as before.)
    if (
      ymd.year >= 100 &&
      ymd.month >= 1 &&
      ymd.month <= 12 &&
      ymd.day >= 1 &&
      ymd.day <= new Date(Date.UTC(ymd.year, ymd.month, 0)).getUTCDate()
    )
      return ymd;
  }
  throw new RangeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
}

/** Formats the UTC calendar fields of an epoch value; used for day arithmetic only. */
function formatYmd(epochMs: number): LocalDate {
  return new Date(epochMs).toISOString().slice(0, 10);
}

// Day arithmetic runs in UTC on purpose: a UTC day is always 24 hours long,
// so adding days to a date never meets a clock change.
function toUtcDay(date: LocalDate): number {
  const { year, month, day } = parseLocalDate(date);
  return Date.UTC(year, month - 1, day);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return formatYmd(toUtcDay(date) + days * DAY_MS);
}

/** 0 = Sunday … 6 = Saturday, as Date#getDay. */
export function dayOfWeek(date: LocalDate): number {
  return new Date(toUtcDay(date)).getUTCDay();
}

/**
 * London's offset from UTC is constant within any UTC hour (the UK changes its
 * clocks at 01:00 UTC), so it is looked up once per hour through Intl and
 * remembered: formatToParts is by far the slowest step of date handling here
 * and the intake computes several London dates per request.
 */
const HOUR_MS = 3_600_000;
const OFFSET_CACHE_MAX = 50_000;
const offsetByHour = new Map<number, number>();

function offsetOfHour(hour: number): number {
  const cached = offsetByHour.get(hour);
  if (cached !== undefined) return cached;
  const instantMs = hour * HOUR_MS;
  const parts: Record<string, string> = {};
  for (const p of londonParts.formatToParts(instantMs)) parts[p.type] = p.value;
  const wallMs = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  if (offsetByHour.size >= OFFSET_CACHE_MAX) offsetByHour.clear();
  offsetByHour.set(hour, wallMs - instantMs);
  return wallMs - instantMs;
}

function wallClock(instantMs: number): { ymd: LocalDate; wallMs: number } {
  const wallMs = instantMs + offsetOfHour(Math.floor(instantMs / HOUR_MS));
  return { ymd: formatYmd(wallMs), wallMs };
}

/** The London calendar date on which an instant falls (2026-06-30T23:30Z is 1 July in London). */
export function londonDateOf(instant: Date): LocalDate {
  assertValidInstant(instant);
  return wallClock(instant.getTime()).ymd;
}

/** London's offset from UTC at an instant, in ms: 0 in GMT, 3 600 000 in BST. */
function londonOffsetMs(instantMs: number): number {
  return wallClock(instantMs).wallMs - instantMs;
}

/**
 * The instant London's clocks read 00:00 on a date. UK clocks change at 01:00 UTC,
 * so local midnight always exists and is never ambiguous; the second pass makes
 * the answer right even when the first guess lands on the other side of a change.
 */
export function startOfLondonDay(date: LocalDate): Date {
  const wall = toUtcDay(date);
  const guess = wall - londonOffsetMs(wall);
  return new Date(wall - londonOffsetMs(guess));
}

/**
 * A London wall-clock time that never happened: the hour skipped when the
 * clocks go forward (01:00–01:59 on the last Sunday of March). Callers map it
 * to a 400 naming their field; `field` is set when the caller passed one.
 */
export class NonexistentLondonTimeError extends RangeError {
  constructor(
    readonly date: LocalDate,
    readonly time: string,
    readonly field?: string,
  ) {
    super(`${date} ${time} did not exist in London: the clocks went forward an hour`);
    this.name = 'NonexistentLondonTimeError';
  }
}

/** A London wall-clock time resolved to an instant, saying which one when the time happened twice. */
export interface LondonLocalTime {
  instant: Date;
  /** True when the time happened twice (the hour repeated when the clocks go back); `instant` is then the first. */
  ambiguous: boolean;
  /** The UTC offset in force at `instant` ('+00:00' GMT, '+01:00' BST): with the local time it names the instant exactly. */
  utcOffset: '+00:00' | '+01:00';
}

/**
 * The instant London's clocks read `HH:MM` on a date, under one rule:
 * - a time in the hour skipped in spring (2026-03-29 01:30) never happened:
 *   NonexistentLondonTimeError, never a silent shift;
 * - a time in the hour repeated in autumn (2026-10-25 01:30) is taken as the
 *   earlier of the two instants (still BST, +01:00), and `ambiguous` says so, so
 *   the caller can record or show which instant it took.
 * `field` names the input in the error (e.g. `body.death.timeOfDeath`).
 */
export function resolveLondonLocalTime(date: LocalDate, time: string, field?: string): LondonLocalTime {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!m) throw new RangeError('time must be HH:MM (00:00 to 23:59)');
  const wall = toUtcDay(date) + (Number(m[1]) * 60 + Number(m[2])) * 60_000;
  // London changes its clocks at most once a day: the offsets 12 hours either side are the only candidates.
  const offsets = [...new Set([londonOffsetMs(wall - 12 * HOUR_MS), londonOffsetMs(wall + 12 * HOUR_MS)])];
  const instants = offsets
    .map((offset) => wall - offset)
    .filter((instant) => londonOffsetMs(instant) === wall - instant)
    .sort((a, b) => a - b);
  const first = instants[0];
  if (first === undefined) throw new NonexistentLondonTimeError(date, time, field);
  return { instant: new Date(first), ambiguous: instants.length > 1, utcOffset: wall - first === HOUR_MS ? '+01:00' : '+00:00' };
}

/** resolveLondonLocalTime's instant (the earlier one for a repeated time; NonexistentLondonTimeError for a skipped one). */
export function londonLocalInstant(date: LocalDate, time: string, field?: string): Date {
  return resolveLondonLocalTime(date, time, field).instant;
}

/** The last millisecond of a London day, as a UTC instant (22:59:59.999Z in BST, 23:59:59.999Z in GMT). */
export function endOfLondonDay(date: LocalDate): Date {
  return new Date(startOfLondonDay(addDays(date, 1)).getTime() - 1);
}

export function assertValidInstant(instant: Date): void {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
    throw new RangeError('not a valid instant');
  }
}
