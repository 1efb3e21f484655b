/**
 * NHS numbers: 10 digits, shown 3-3-4. The last digit is a Modulus 11 check:
 * weights 10..2 on the first nine digits, 11 - (sum mod 11), where 11 means 0
 * and 10 means the number is invalid.
 *
 * Beyond the check digit, two kinds of number that pass it can never be a
 * real child's and are refused, because a refused number is a question to the
 * sender while a wrong number accepted attaches every later child sent with it
 * to the first child's case:
 * - all ten digits the same (0000000000 passes Modulus 11);
 * - the range reserved for testing, 999 000 0000 to 999 999 9999, outside
 *   development and tests (NHS_TEST_NUMBERS_ACCEPTED).
 *
 * Every other range is accepted. The published allocations (England, Wales and
 * the Isle of Man: 3xx, 400–499 and 600–799; Northern Ireland's Health and Care
 * numbers: 320 000 0010 to 399 999 9999; Scotland's CHI numbers: 010 100 0000
 * to 311 299 9999) together cover most of the space, the remainder is
 * unallocated today rather than invalid, and a child from elsewhere in the UK
 * can die in England: refusing a real child's number would be worse than the
 * rare mis-keyed number Modulus 11 lets through (which the intake's date check
 * catches: NHS_NUMBER_CONFLICT).
 */
type NhsNumberProblem = 'format' | 'checksum' | 'not_issuable' | 'test_range';
type NhsNumberResult = { ok: true; value: string } | { ok: false; reason: NhsNumberProblem };

export interface NhsNumberPolicy {
  /** Accept the 999 test range (development and tests only). */
  acceptTestRange: boolean;
}

export function parseNhsNumber(input: string, policy: NhsNumberPolicy = { acceptTestRange: true }): NhsNumberResult {
  // Spaces are allowed (people type 943 476 5919); anything else is refused, not stripped.
  const trimmed = input.trim();
  if (!/^[0-9 ]+$/.test(trimmed)) return { ok: false, reason: 'format' };
  const digits = trimmed.replace(/ /g, '');
  if (digits.length !== 10) return { ok: false, reason: 'format' };
  if (!isValidNhsChecksum(digits)) return { ok: false, reason: 'checksum' };
  if (/^(\d)\1{9}$/.test(digits)) return { ok: false, reason: 'not_issuable' };
  if (!policy.acceptTestRange && digits.startsWith('999')) return { ok: false, reason: 'test_range' };
  return { ok: true, value: digits };
}

export function isValidNhsChecksum(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

export function formatNhsNumber(digits: string): string {
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

/** What to tell a sender about a refused NHS number. */
export const NHS_NUMBER_PROBLEMS: Record<NhsNumberProblem, string> = {
  format: 'must be 10 digits (spaces allowed)',
  checksum: 'fails the NHS number check digit (Modulus 11)',
  not_issuable: 'cannot be a real NHS number (all ten digits the same)',
  test_range: 'is in the range reserved for testing (999 000 0000 to 999 999 9999)',
};
