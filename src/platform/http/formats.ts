import { parseLocalDate } from '../time/london-time';

/**
 * The contract's `date` and `date-time` formats, checked against the calendar
 * for every operation at once (the validator's own "fast" formats only look at
 * the shape, so 2026-02-30 passed and failed later, in deadline code or in
 * PostgreSQL, as a 500). A value these accept is one the time code
 * (platform/time) and PostgreSQL accept too.
 */
export function isCalendarDate(value: string): boolean {
  try {
    parseLocalDate(value);
    return true;
  } catch {
    return false;
  }
}

// RFC 3339 date-time: a full date, a time to the second (fraction optional) and an offset, never a bare local time.
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[Tt]([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(\.\d{1,9})?([Zz]|[+-]([01]\d|2[0-3]):([0-5]\d))$/;

/** An RFC 3339 date-time on a real calendar day (no leap second: 23:59:60 cannot be stored). */
export function isDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  return Boolean(m && isCalendarDate(m[1]!) && Number.isFinite(Date.parse(value.toUpperCase())));
}

/** For express-openapi-validator's `formats` (ajv format definitions). */
export const CONTRACT_FORMATS = {
  date: { type: 'string', validate: isCalendarDate },
  'date-time': { type: 'string', validate: isDateTime },
} as const;
