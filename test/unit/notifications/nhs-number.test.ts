import { formatNhsNumber, isValidNhsChecksum, parseNhsNumber } from '../../../src/modules/notifications/nhs-number';

describe('parseNhsNumber', () => {
  it.each([
    ['9434765919', '9434765919'],
    ['943 476 5919', '9434765919'],
    ['  943 476 5919 ', '9434765919'],
    ['4010232137', '4010232137'],
  ])('when %p is given, then it is valid as %p', (input, digits) => {
    expect(parseNhsNumber(input)).toEqual({ ok: true, value: digits });
  });

  it.each([
    ['9434765918', 'checksum'], // wrong check digit
    ['1000000010', 'checksum'], // remainder gives 10: never valid
    ['943-476-5919', 'format'],
    ['94347659191', 'format'],
    ['943476591', 'format'],
    ['943476591O', 'format'],
    ['', 'format'],
    ['９４３４７６５９１９', 'format'], // full-width digits are not digits here
  ])('when %p is given, then it is refused for %p', (input, reason) => {
    expect(parseNhsNumber(input)).toEqual({ ok: false, reason });
  });

  it.each(Array.from({ length: 10 }, (_, d) => String(d).repeat(10)))('when all ten digits are the same (%p), then it is refused', (n) => {
    const r = parseNhsNumber(n);
    expect(r).toEqual({ ok: false, reason: isValidNhsChecksum(n) ? 'not_issuable' : 'checksum' });
  });

  it('when 0000000000 (which passes Modulus 11) is given, then it is refused as not issuable', () => {
    expect(parseNhsNumber('0000000000')).toEqual({ ok: false, reason: 'not_issuable' });
    expect(parseNhsNumber('000 000 0000')).toEqual({ ok: false, reason: 'not_issuable' });
  });

  it('when a number in the 999 test range is given, then it is refused unless test numbers are accepted', () => {
    expect(parseNhsNumber('9990000018', { acceptTestRange: false })).toEqual({ ok: false, reason: 'test_range' });
    expect(parseNhsNumber('9990000018', { acceptTestRange: true })).toEqual({ ok: true, value: '9990000018' });
  });

  it.each([
    ['4010232137', 'England and Wales'],
    ['6000000014', 'England and Wales'],
    ['3200000015', "Northern Ireland's Health and Care"],
    ['0101001002', "Scotland's CHI"],
    ['5000000013', 'unallocated today'],
  ])('when %p (%s) is given, then it is accepted even where test numbers are not', (n) => {
    expect(parseNhsNumber(n, { acceptTestRange: false })).toEqual({ ok: true, value: n });
  });

  it('when shown, then it is grouped 3-3-4', () => {
    expect(formatNhsNumber('9434765919')).toBe('943 476 5919');
  });
});
