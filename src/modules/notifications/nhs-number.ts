/**
 * NHS numbers: 10 digits, shown 3-3-4. The last digit is a Modulus 11 check:
 * weights 10..2 on the first nine digits, 11 - (sum mod 11), where 11 means 0
 * and 10 means the number is invalid.
 */
export type NhsNumberResult = { ok: true; value: string } | { ok: false; reason: 'format' | 'checksum' };

export function parseNhsNumber(input: string): NhsNumberResult {
  // Spaces are allowed (people type 943 476 5919); anything else is refused, not stripped.
  const trimmed = input.trim();
  if (!/^[0-9 ]+$/.test(trimmed)) return { ok: false, reason: 'format' };
  const digits = trimmed.replace(/ /g, '');
  if (digits.length !== 10) return { ok: false, reason: 'format' };
  return isValidNhsChecksum(digits) ? { ok: true, value: digits } : { ok: false, reason: 'checksum' };
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
