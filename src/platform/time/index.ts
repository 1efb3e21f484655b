// Dates and times as English law counts them: Europe/London local dates, and working days with England and Wales bank holidays.
export {
  addDays,
  assertValidInstant,
  dayOfWeek,
  endOfLondonDay,
  londonDateOf,
  londonLocalInstant,
  NonexistentLondonTimeError,
  resolveLondonLocalTime,
  type LondonLocalTime,
  parseLocalDate,
  startOfLondonDay,
  type LocalDate,
} from './london-time';
export { addCalendarDays, addCalendarMonths, addWorkingDays, bankHolidays, isWorkingDay } from './working-calendar';
