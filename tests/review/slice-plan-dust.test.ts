/**
 * slicePlan on a market that reports no minimums (minAmount 0, minNotional 0) and a coarse amount step: equal children
 * floored to the step can be 0, which the exchange refuses — and a refused first child stops the whole parent (an exit
 * that never goes out). A plan never holds a zero child: fewer children are tried, else the order is not sliced.
 */
import { describe, expect, it } from 'vitest';
import type { MarketInfo } from '../../shared/domain/market.js';
import { slicePlan, type SlicingConfig } from '../../shared/domain/slicing.js';

const NO_MINIMUMS: MarketInfo = {
  symbol: 'XYZ/USDT', base: 'XYZ', quote: 'USDT', priceStep: '0.01', amountStep: '1', minAmount: '0', minNotional: '0', takerFeeRate: '0.001', makerFeeRate: '0.001',
};
const TWAP: SlicingConfig = { enabled: true, thresholdPctOfRecentVolume: 5, mode: 'twap', slices: 4, intervalSeconds: 60, maxParticipationPct: 5, volumeCandles: 5 };

describe('slicePlan never plans a zero-quantity child', () => {
  it('uses fewer children when four equal ones would floor to 0', () => {
    expect(slicePlan(TWAP, '3', '10', '1', NO_MINIMUMS)).toEqual(['1', '1', '1']);
  });

  it('does not slice an order of one step', () => {
    expect(slicePlan(TWAP, '1', '10', '1', NO_MINIMUMS)).toBeUndefined();
  });

  it('caps participation children at no zero child either', () => {
    const plan = slicePlan({ ...TWAP, mode: 'participation', maxParticipationPct: 1 }, '2', '10', '1', NO_MINIMUMS);
    expect(plan === undefined || plan.every((q) => Number(q) > 0)).toBe(true);
  });
});

describe('slicePlan leaves room for the price to move between children', () => {
  const MARKET: MarketInfo = { ...NO_MINIMUMS, symbol: 'BTC/USDT', base: 'BTC', amountStep: '0.001', minAmount: '0.001', minNotional: '5' };

  it('does not slice into children at the very minimum notional (a 1 % fall would make the exchange refuse the next one)', () => {
    // 0.1 at 100 = 10: two children of 0.05 are exactly 5 at the decision price, 4.95 after a 1 % fall
    expect(slicePlan(TWAP, '0.1', '100', '1', MARKET)).toBeUndefined();
    // with 10 % headroom they are planned
    expect(slicePlan(TWAP, '0.12', '100', '1', MARKET)).toEqual(['0.06', '0.06']);
  });
});
