import { databaseTrouble, isDatabaseUnavailable } from '../../src/platform/db/errors';
import { isCalendarDate, isDateTime } from '../../src/platform/http/formats';
import { clientAddress } from '../../src/platform/http/rate-limit';
import { fingerprint } from '../../src/platform/idempotency/idempotency';
import type { Request } from 'express';

describe('the contract formats', () => {
  it.each(['2026-02-28', '2028-02-29', '2026-04-30', '2026-12-31', '1900-01-01'])(
    'when the date is %s, then it is a calendar date',
    (d) => {
      expect(isCalendarDate(d)).toBe(true);
    },
  );
  it.each(['2026-02-30', '2026-04-31', '2025-02-29', '2100-02-29', '2026-13-01', '2026-00-10', '2026-01-00', '0099-01-01', '2026-1-1', ''])(
    'when the date is %p, then it is refused',
    (d) => {
      expect(isCalendarDate(d)).toBe(false);
    },
  );
  it.each(['2026-03-29T01:30:00Z', '2026-10-25T01:30:00.123456+01:00', '2028-02-29T23:59:59-05:30', '2026-06-01t12:00:00z'])(
    'when the date-time is %s, then it is accepted',
    (v) => {
      expect(isDateTime(v)).toBe(true);
    },
  );
  it.each([
    '2026-02-30T00:00:00Z',
    '2026-04-31T12:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T12:60:00Z',
    '2026-12-31T23:59:60Z',
    '2026-01-01T12:00:00',
    '2026-01-01T12:00Z',
    '2026-01-01T12:00:00+24:00',
    '2026-01-01 12:00:00Z',
  ])('when the date-time is %p, then it is refused', (v) => {
    expect(isDateTime(v)).toBe(false);
  });
});

describe('the idempotency fingerprint of hostile bodies', () => {
  it('when a body is nested 200,000 deep, then it is fingerprinted without exhausting the stack', () => {
    const deep: unknown = JSON.parse(`${'{"a":['.repeat(100_000)}1${']}'.repeat(100_000)}`);
    expect(fingerprint('POST', '/v1/x', deep)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when keys come in another order, then the fingerprint is the same; another value, another fingerprint', () => {
    const a = fingerprint('POST', '/v1/x', { b: [1, { d: null, c: 'x' }], a: true, e: undefined });
    expect(fingerprint('POST', '/v1/x', { a: true, e: undefined, b: [1, { c: 'x', d: null }] })).toBe(a);
    expect(fingerprint('POST', '/v1/x', { a: true, b: [1, { c: 'y', d: null }] })).not.toBe(a);
    expect(fingerprint('POST', '/v1/x', [[], {}, '', 0, null])).not.toBe(fingerprint('POST', '/v1/x', [{}, [], '', 0, null]));
  });
});

describe('database trouble', () => {
  it.each([
    [{ code: '57014' }, 'busy'],
    [{ code: '53300' }, 'busy'],
    [{ code: '53200' }, 'busy'],
    [{ code: '55P03' }, 'busy'],
    [new Error('timeout exceeded when trying to connect'), 'busy'],
    [{ code: '40001' }, 'conflict'],
    [{ code: '40P01' }, 'conflict'],
    [{ code: '57P01' }, 'unavailable'],
    [{ code: '25P03' }, 'unavailable'],
    [{ code: 'ECONNREFUSED' }, 'unavailable'],
    [{ driverError: { code: '57014' } }, 'busy'],
  ])('when the error is %p, then it is %s', (err, kind) => {
    expect(databaseTrouble(err)?.kind).toBe(kind);
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([{ code: '23505' }, { code: '22008' }, new Error('syntax error')])(
    'when the error is %p, then it is the query’s fault',
    (err) => {
      expect(databaseTrouble(err)).toBeUndefined();
    },
  );
});

describe('the client address of rate limits', () => {
  const req = (ip: string) => ({ ip, socket: {} }) as unknown as Request;
  it.each([
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['203.0.113.9', '203.0.113.9'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::99', '2001:db8:1:2::/64'],
    ['2001:0db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('when the address is %s, then it counts as %s', (ip, key) => {
    expect(clientAddress(req(ip))).toBe(key);
  });
});
