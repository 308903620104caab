import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, ratioVersus } from '../../../shared/domain/money.js';

describe('ratioVersus (division-free comparison of a ratio with a bound)', () => {
  it('agrees with numerator.div(denominator).cmp(bound) whenever it calls it (property)', () => {
    fc.assert(fc.property(
      fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), fc.bigInt({ min: 1n, max: 10n ** 18n }), fc.integer({ min: 0, max: 12 }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      (n, d, scale, bound) => {
        const numerator = dec(n.toString()).div(10 ** scale);
        const denominator = dec(d.toString()).div(10 ** (scale % 7));
        const answer = ratioVersus(numerator, denominator, bound);
        if (answer !== 0) expect(answer).toBe(numerator.div(denominator).cmp(bound));
      },
    ), { numRuns: 5000 });
  });

  it('calls exact ties and near-ties too close (0), and clear cases clearly', () => {
    expect(ratioVersus(dec(1), dec(3), dec(1).div(3))).toBe(0);
    expect(ratioVersus(dec(50), dec(100), 0.5)).toBe(0);
    expect(ratioVersus(dec('49.999'), dec(100), 0.5)).toBe(-1);
    expect(ratioVersus(dec('50.001'), dec(100), 0.5)).toBe(1);
    expect(ratioVersus(dec(-2), dec(7), 0)).toBe(-1);
  });
});
