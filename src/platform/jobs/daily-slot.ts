import { addDays, londonDateOf, londonLocalInstant, type LocalDate } from '../time';

/**
 * When a daily job is due: at a London wall-clock time (`HH:MM`) every day.
 * Times between 01:00 and 01:59 are refused: that hour is skipped on the day
 * the clocks go forward and happens twice on the day they go back, so a job
 * there would miss a day or be asked twice. Every other time happens exactly
 * once a day, all year.
 */
export function assertDailyTime(at: string): void {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(at);
  if (!m) throw new RangeError(`a daily time is HH:MM (00:00 to 23:59), not ${JSON.stringify(at)}`);
  if (m[1] === '01') throw new RangeError(`${at}: times from 01:00 to 01:59 do not happen exactly once a day in London; choose another`);
}

interface DailySlot {
  /** The instant the run was due. */
  slot: Date;
  /** Its London date. */
  date: LocalDate;
}

/** The latest instant at or before `now` at which London's clocks read `at`. */
export function latestDailySlot(now: Date, at: string): DailySlot {
  assertDailyTime(at);
  const today = londonDateOf(now);
  const slot = londonLocalInstant(today, at);
  if (slot.getTime() <= now.getTime()) return { slot, date: today };
  const yesterday = addDays(today, -1);
  return { slot: londonLocalInstant(yesterday, at), date: yesterday };
}
