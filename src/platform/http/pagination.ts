import { isCalendarDate, isDateTime } from './formats';
import { badRequest } from './problem';

/**
 * Keyset pagination. The cursor is the sort key of the last row of the
 * previous page, base64url-encoded; clients treat it as opaque.
 */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

const invalidCursor = () =>
  badRequest('The cursor is not valid; start again from the first page.', [{ field: 'query.cursor', message: 'invalid cursor' }]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks for the keys of a cursor, for `decodeCursorOf`. */
export const cursorKey = {
  uuid: (k: string) => UUID.test(k),
  date: isCalendarDate,
  dateTime: isDateTime,
  /** A date, or 'infinity' (the key of a row without one, sorted last). */
  dateOrInfinity: (k: string) => k === 'infinity' || isCalendarDate(k),
  /** A timestamp as `to_char(… 'YYYY-MM-DD"T"HH24:MI:SS.US')` writes it (compared as text, never cast). */
  microsecondKey: (k: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/.test(k),
} as const;

/**
 * A cursor of string keys, each passing its check (one per key, in order): a key SQL would cast (a date, a uuid, an
 * instant) is checked before it reaches a query, so a forged cursor is a 400, never a database error.
 */
export function decodeCursorOf(cursor: string | undefined, checks: readonly ((k: string) => boolean)[]): string[] | undefined {
  const key = decodeCursor(cursor, checks.length);
  if (key && !key.every((k, i) => typeof k === 'string' && checks[i]!(k))) throw invalidCursor();
  return key as string[] | undefined;
}

export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === arity && key.every((k) => typeof k === 'string' || typeof k === 'number')) {
      return key;
    }
  } catch {
    // fall through
  }
  throw invalidCursor();
}

/** Given limit+1 rows, returns the page and the cursor for the next one. */
export function toPage<Row, T>(rows: Row[], limit: number, key: (r: Row) => (string | number)[], map: (r: Row) => T): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { items: pageRows.map(map), nextCursor: hasMore && last ? encodeCursor(key(last)) : null };
}
