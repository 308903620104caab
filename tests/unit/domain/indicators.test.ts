import { describe, expect, it } from 'vitest';
import { logReturns, mean, sampleStdev, sma } from '../../../shared/domain/indicators.js';

describe('indicators', () => {
  it('logReturns gives ln of each consecutive ratio', () => {
    const r = logReturns([100, 110, 121, 60.5]);
    expect(r).toHaveLength(3);
    expect(r[0]).toBeCloseTo(Math.log(1.1), 12);
    expect(r[1]).toBeCloseTo(Math.log(1.1), 12);
    expect(r[2]).toBeCloseTo(Math.log(0.5), 12);
    expect(logReturns([5])).toEqual([]);
  });

  it('logReturns refuses non-positive or non-finite prices', () => {
    expect(() => logReturns([100, 0])).toThrow(RangeError);
    expect(() => logReturns([100, Number.NaN])).toThrow(RangeError);
  });

  it('mean and sampleStdev match hand-computed values', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(sampleStdev([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(sampleStdev([3, 3, 3])).toBe(0);
  });

  it('mean and sampleStdev refuse too few values', () => {
    expect(() => mean([])).toThrow(RangeError);
    expect(() => sampleStdev([1])).toThrow(RangeError);
  });

  it('sma gives one mean per full window, aligned to the window end', () => {
    expect(sma([1, 2, 3, 4, 5], 3)).toEqual([2, 3, 4]);
    expect(sma([1, 2], 3)).toEqual([]);
    expect(() => sma([1, 2], 0)).toThrow(RangeError);
  });
});
