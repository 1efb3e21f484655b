import fc from 'fast-check';
import { lockKeyOf, lockOrder } from '../../src/platform/db/advisory-locks';

describe('advisory lock keys', () => {
  it('when names are locked, then their keys are distinct, ascending and signed 64-bit, whatever order they came in', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 30 }), (names) => {
        const keys = lockOrder(names);
        expect(new Set(keys).size).toBe(keys.length);
        for (let i = 1; i < keys.length; i++) expect(keys[i - 1]! < keys[i]!).toBe(true);
        expect(keys.every((k) => k >= -(2n ** 63n) && k < 2n ** 63n)).toBe(true);
        expect(lockOrder([...names].reverse())).toEqual(keys);
      }),
    );
  });

  it('when the same name is given twice, then it is one key, and a name always maps to the same key', () => {
    expect(lockOrder(['death:2025-03-14:2026-11-02', 'death:2025-03-14:2026-11-02'])).toHaveLength(1);
    expect(lockKeyOf('nhs:9434765919')).toBe(lockKeyOf('nhs:9434765919'));
    expect(lockKeyOf('nhs:9434765919')).not.toBe(lockKeyOf('nhs:9434765870'));
  });
});
