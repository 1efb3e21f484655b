import type { Request } from 'express';
import { fieldErrors, toFieldPath } from '../../src/platform/http/error-handler';
import { etagOf, requireIfMatch } from '../../src/platform/http/etag';
import { cursorKey, decodeCursor, decodeCursorOf, encodeCursor, toPage } from '../../src/platform/http/pagination';
import { AppError } from '../../src/platform/http/problem';

describe('field paths', () => {
  it.each([
    ['/body/name', 'body.name'],
    ['/body/localAuthorities/0/code', 'body.localAuthorities[0].code'],
    ['.query.limit', 'query.limit'],
    ['/headers/if-match', 'headers.if-match'],
  ])('when the validator reports %s, then the field is %s', (from, to) => {
    expect(toFieldPath(from)).toBe(to);
  });

  it('when a property is unknown, then the field names the property itself', () => {
    expect(fieldErrors([{ path: '/body', message: "must NOT have additional properties, but found 'nhsNumber'" }])).toEqual([
      { field: 'body.nhsNumber', message: 'unknown property' },
    ]);
  });
});

describe('ETags', () => {
  const req = (ifMatch?: string) => ({ get: (h: string) => (h.toLowerCase() === 'if-match' ? ifMatch : undefined) }) as unknown as Request;
  const status = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as AppError).status;
    }
    return 200;
  };

  it('when the header carries the version, then it is read back', () => {
    expect(requireIfMatch(req(etagOf(7)))).toBe(7);
    expect(requireIfMatch(req('W/"v3"'))).toBe(3);
  });

  it('when the header is missing, then 428; when it is a wildcard or garbage, then 412', () => {
    expect(status(() => requireIfMatch(req()))).toBe(428);
    for (const h of ['*', 'v1', '"1"', '"v1", "v2"', '"v99999999999"']) expect(status(() => requireIfMatch(req(h)))).toBe(412);
  });
});

describe('keyset cursors', () => {
  it('when a key is encoded, then it decodes to the same key', () => {
    const key = ['Worcestershire CDOP', '3b241101-e2bb-4255-8caf-4136c566a962'];
    expect(decodeCursor(encodeCursor(key), 2)).toEqual(key);
    expect(decodeCursor(undefined, 2)).toBeUndefined();
  });

  it('when the cursor is forged or of the wrong shape, then 400 names query.cursor', () => {
    for (const c of ['%%%', Buffer.from('{"a":1}').toString('base64url'), encodeCursor(['only-one'])]) {
      expect(() => decodeCursor(c, 2)).toThrow(AppError);
    }
  });

  it('when a key SQL would cast is not a real date, instant or uuid, then 400 before any query', () => {
    const id = '3b241101-e2bb-4255-8caf-4136c566a962';
    expect(decodeCursorOf(encodeCursor(['2026-02-28', id]), [cursorKey.dateOrInfinity, cursorKey.uuid])).toEqual(['2026-02-28', id]);
    expect(decodeCursorOf(encodeCursor(['infinity', id]), [cursorKey.dateOrInfinity, cursorKey.uuid])).toEqual(['infinity', id]);
    for (const bad of [
      ['2026-02-31', id],
      ['2026-02-28', 'not-a-uuid'],
      [20260228, id],
    ]) {
      expect(() => decodeCursorOf(encodeCursor(bad), [cursorKey.dateOrInfinity, cursorKey.uuid])).toThrow(AppError);
    }
    expect(() => decodeCursorOf(encodeCursor(['2026-11-30T25:00:00Z', id]), [cursorKey.dateTime, cursorKey.uuid])).toThrow(AppError);
    expect(() => decodeCursorOf(encodeCursor(['2026-11-30T22:00:00.12Z', id]), [cursorKey.microsecondKey, cursorKey.uuid])).toThrow(
      AppError,
    );
  });

  it('when there is one row more than the limit, then the page has a next cursor from the last kept row', () => {
    const rows = [1, 2, 3].map((n) => ({ n }));
    const page = toPage(
      rows,
      2,
      (r) => [r.n],
      (r) => r.n * 10,
    );
    expect(page.items).toEqual([10, 20]);
    expect(decodeCursor(page.nextCursor!, 1)).toEqual([2]);
    expect(
      toPage(
        rows,
        3,
        (r) => [r.n],
        (r) => r.n,
      ).nextCursor,
    ).toBeNull();
  });
});
