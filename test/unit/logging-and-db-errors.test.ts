import { isDatabaseUnavailable } from '../../src/platform/db/errors';
import { capturingLogger } from '../support/app';
import { safeErrorSerializer } from '../../src/platform/logger';

describe('safeErrorSerializer', () => {
  it('when a database error quotes values and carries parameters, then only masked, allow-listed fields remain', () => {
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint "agencies_ods_code_key"'), {
      code: '23505',
      detail: 'Key (ods_code)=(9434765919) already exists.',
      constraint: 'agencies_ods_code_key',
      severity: 'ERROR',
    });
    const err = Object.assign(new Error(`invalid input syntax for type uuid: "Jane Doe"`), {
      name: 'QueryFailedError',
      parameters: ['9434765919', 'Jane Doe'],
      driverError,
    });
    const out = JSON.stringify(safeErrorSerializer(err));
    expect(out).not.toContain('9434765919');
    expect(out).not.toContain('Jane Doe');
    expect(out).toContain('23505');
    expect(out).toContain('agencies_ods_code_key');
  });

  it('when an ordinary error is logged, then its message is kept for debugging', () => {
    expect(safeErrorSerializer(new TypeError("Cannot read properties of undefined (reading 'x')")).message).toContain("'x'");
  });
});

describe('redaction', () => {
  it('when a personal field slips into a log call, then it is censored at any of the first three levels', () => {
    const { log, lines } = capturingLogger();
    log.info({ nhsNumber: '9434765919', child: { firstName: 'Jane', address: { postcode: 'WR1 1AA' } } }, 'oops');
    const line = lines.join('');
    expect(line).not.toMatch(/9434765919|Jane|WR1 1AA/);
    expect(line).toContain('[redacted]');
  });
});

describe('isDatabaseUnavailable', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, true],
    [{ code: '57P01' }, true],
    [{ code: '08006' }, true],
    [new Error('Connection terminated unexpectedly'), true],
    [{ driverError: { code: '57P03' } }, true],
    [{ code: '23505' }, false],
    [new Error('syntax error'), false],
  ])('when the error is %p, then unavailable is %p', (err, expected) => {
    expect(isDatabaseUnavailable(err)).toBe(expected);
  });
});
