import { describe, expect, it } from 'vitest';
import { needsVolume, slippageFraction, takeLiquidity, type FillConfig } from '../../../shared/domain/fill-model.js';
import { almgrenChrissFraction, recentVolatility, volatilityCloses } from '../../../shared/domain/impact.js';
import type { MarketInfo } from '../../../shared/domain/market.js';
import { PolicySchema } from '../../../shared/domain/policy.js';
import { sanityProblems } from '../../../shared/domain/policy-sanity.js';

const MARKET: MarketInfo = {
  symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', priceStep: '0.01', amountStep: '0.00001', minAmount: '0.00001',
  minNotional: '5', takerFeeRate: '0.001', makerFeeRate: '0.001',
};
const AC: FillConfig = {
  slippageBps: 5, impactCoefficient: 0.1, takerFeeRate: '0.001', makerFeeRate: '0.001', seed: 1,
  impactModel: 'almgren-chriss', almgrenChriss: { permanentGamma: 0.26, temporaryEta: 0.05 },
};

describe('recentVolatility', () => {
  it('is the sample standard deviation of the log returns, to 12 significant digits', () => {
    const closes = [100, 101, 100, 102];
    const r = [Math.log(1.01), Math.log(100 / 101), Math.log(1.02)];
    const mean = (r[0]! + r[1]! + r[2]!) / 3;
    const sd = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / 2);
    expect(recentVolatility(closes).toFixed()).toBe(Number(sd.toPrecision(12)).toString());
  });

  it('is 0 with fewer than two returns and refuses a non-positive close', () => {
    expect(recentVolatility([100, 101]).toFixed()).toBe('0');
    expect(() => recentVolatility([100, 0, 100])).toThrow(RangeError);
  });

  it('reads the last lookback + 1 closes', () => {
    expect(volatilityCloses([{ close: 1 }, { close: 2 }, { close: 3 }, { close: 4 }], 2)).toEqual([2, 3, 4]);
  });
});

describe('Almgren–Chriss impact', () => {
  it('is γ·σ·X/V + η·σ·x/V, X including what the parent executed before', () => {
    const params = { permanentGamma: 0.26, temporaryEta: 0.05 };
    // σ 0.004, V 100: x 2 → 0.004 × (0.26 × 2 + 0.05 × 2) / 100 = 0.0000248
    expect(almgrenChrissFraction({ params, volatility: '0.004', quantity: '2', volume: '100' }).toFixed()).toBe('0.0000248');
    // 3 executed before: 0.004 × (0.26 × 5 + 0.05 × 2) / 100 = 0.000056
    expect(almgrenChrissFraction({ params, volatility: '0.004', quantity: '2', executedBefore: '3', volume: '100' }).toFixed()).toBe('0.000056');
  });

  it('replaces the square-root part in the slippage when selected, and needs σ', () => {
    // 5 bps + 0.004 × 0.31 × 10 / 1000 = 0.0005 + 0.0000124
    expect(slippageFraction(AC, '10', '1000', { volatility: '0.004' }).toFixed()).toBe('0.0005124');
    expect(() => slippageFraction(AC, '10', '1000')).toThrow(/volatility/);
    const sqrt = { ...AC, impactModel: 'sqrt' as const };
    expect(slippageFraction(sqrt, '10', '1000').toFixed()).toBe(slippageFraction({ ...sqrt, impactModel: undefined }, '10', '1000').toFixed());
    expect(needsVolume({ ...AC, impactCoefficient: 0 })).toBe(true);
  });

  it('fills a buy at ask × (1 + slip) rounded up to the tick and a sell at bid × (1 − slip) rounded down', () => {
    const book = { bid: '50000', ask: '50000.10' };
    const input = { quantity: '10', book, volume: '1000', volatility: '0.004', config: AC, market: MARKET };
    // 50000.10 × 1.0005124 = 50025.7205124 → 50025.73
    expect(takeLiquidity({ ...input, side: 'buy' })?.price.toFixed()).toBe('50025.73');
    // 50000 × 0.9994876 = 49974.38 exactly
    expect(takeLiquidity({ ...input, side: 'sell' })?.price.toFixed()).toBe('49974.38');
    // a later child pays the permanent shift of the earlier ones: 0.004 × (0.26 × 40 + 0.05 × 10) / 1000 = 0.0000436
    expect(takeLiquidity({ ...input, side: 'buy', executedBefore: '30' })?.price.toFixed()).toBe('50027.29'); // 50000.10 × 1.0005436 = 50027.28005436
  });
});

describe('policy execution.impactModel', () => {
  it('defaults to sqrt with the calibrated Almgren–Chriss parameters beside it', () => {
    const p = PolicySchema.parse({});
    expect(p.execution.impactModel).toBe('sqrt');
    expect(p.execution.almgrenChriss).toEqual({ permanentGamma: 0.26, temporaryEta: 0.05, volatilityCandles: 60 });
  });

  it('refuses Almgren–Chriss parameters outside their sane range', () => {
    const p = PolicySchema.parse({ execution: { impactModel: 'almgren-chriss', almgrenChriss: { permanentGamma: 11, temporaryEta: -1, volatilityCandles: 1 } } });
    const paths = sanityProblems(p, {}).filter((f) => f.code === 'OUT_OF_RANGE').map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining([
      'execution.almgrenChriss.permanentGamma', 'execution.almgrenChriss.temporaryEta', 'execution.almgrenChriss.volatilityCandles',
    ]));
  });
});
