import { formatNhsNumber, parseNhsNumber } from '../../../src/modules/notifications/nhs-number';

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

  it('when shown, then it is grouped 3-3-4', () => {
    expect(formatNhsNumber('9434765919')).toBe('943 476 5919');
  });
});
