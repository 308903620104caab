import { describe, expect, it } from 'vitest';
import { closeTime } from '../../../shared/domain/candle.js';
import { StratusError, StrategyParamsError, UnknownStrategyError } from '../../../shared/domain/errors.js';
import { intentIdFor } from '../../../shared/domain/intent.js';
import { MOMENTUM_DEFAULTS } from '../../../shared/domain/strategies/momentum.js';
import { getStrategy, makeIntent, strategyNames, type StrategySignal } from '../../../shared/domain/strategy.js';
import { candles } from './fixtures.js';

const momentum = getStrategy('momentum');
/** Closes whose log returns are exactly the given ones (up to float rounding). */
const closesFor = (returns: readonly number[]) => returns.reduce((c, r) => [...c, c.at(-1)! * Math.exp(r)], [100]);
const params = { lookback: 3, entryThreshold: 5.5, exitThreshold: 0 };

describe('strategy registry', () => {
  it('finds momentum by name and lists it', () => {
    expect(momentum.name).toBe('momentum');
    expect(strategyNames()).toContain('momentum');
  });

  it('throws UNKNOWN_STRATEGY for an unknown name', () => {
    expect(() => getStrategy('mean-reversion')).toThrow(UnknownStrategyError);
    expect(() => getStrategy('mean-reversion')).toThrow(expect.objectContaining({ code: 'UNKNOWN_STRATEGY', retryable: false }));
    expect(new UnknownStrategyError('x', [])).toBeInstanceOf(StratusError);
  });
});

describe('momentum', () => {
  it('needs lookback + 1 candles, 31 with the defaults', () => {
    expect(MOMENTUM_DEFAULTS).toEqual({ lookback: 30, entryThreshold: 6, exitThreshold: 0 });
    expect(momentum.requiredCandles({})).toBe(31);
    expect(momentum.requiredCandles({ lookback: 3 })).toBe(4);
  });

  it.each([
    [{ lookbak: 30 }, 'unknown param'],
    [{ lookback: 1 }, 'lookback'],
    [{ lookback: 2.5 }, 'lookback'],
    [{ entryThreshold: 1, exitThreshold: 2 }, 'exceeds'],
  ])('rejects params %o', (bad, message) => {
    expect(() => momentum.requiredCandles(bad)).toThrow(StrategyParamsError);
    expect(() => momentum.requiredCandles(bad)).toThrow(message);
  });

  // returns 0.01, 0.02, 0.03: sum 0.06, sample stdev 0.01, so M = 6
  it('enters when flat and M = 6 exceeds entryThreshold 5.5', () => {
    const s = momentum.evaluate({ candles: candles(closesFor([0.01, 0.02, 0.03])), holding: false, params });
    expect(s).toMatchObject({ side: 'buy', kind: 'entry' });
    expect(s?.score).toBeCloseTo(6, 9);
  });

  it('does not enter when M = 6 is below the threshold, nor when already holding', () => {
    const c = candles(closesFor([0.01, 0.02, 0.03]));
    expect(momentum.evaluate({ candles: c, holding: false, params: { ...params, entryThreshold: 6.5 } })).toBeUndefined();
    expect(momentum.evaluate({ candles: c, holding: true, params })).toBeUndefined();
  });

  // returns −0.01, −0.02, −0.03: M = −6
  it('exits when holding and M = −6 is below exitThreshold 0; no signal when flat', () => {
    const c = candles(closesFor([-0.01, -0.02, -0.03]));
    const s = momentum.evaluate({ candles: c, holding: true, params });
    expect(s).toMatchObject({ side: 'sell', kind: 'exit' });
    expect(s?.score).toBeCloseTo(-6, 9);
    expect(momentum.evaluate({ candles: c, holding: false, params })).toBeUndefined();
  });

  it('gives no signal with too few candles', () => {
    expect(momentum.evaluate({ candles: candles(closesFor([0.01, 0.02])), holding: false, params })).toBeUndefined();
  });

  it('uses only the last lookback + 1 candles', () => {
    const c = candles(closesFor([-0.5, 0.01, 0.02, 0.03]));
    expect(momentum.evaluate({ candles: c, holding: false, params })?.score).toBeCloseTo(6, 9);
  });

  it('gives no signal when the returns have zero spread (flat or perfectly geometric prices)', () => {
    expect(momentum.evaluate({ candles: candles([100, 100, 100, 100]), holding: true, params })).toBeUndefined();
    // equal returns whose float stdev is ~1e-16, not 0: still counts as zero spread
    const geometric = [0, 0.01, 0.02, 0.03].map((x) => 100 * Math.exp(x));
    expect(momentum.evaluate({ candles: candles(geometric), holding: false, params })).toBeUndefined();
  });

  it('enters on a steady 30-candle trend with the default params', () => {
    const trend = closesFor(Array.from({ length: 30 }, (_, i) => (i % 2 ? 0.001 : 0.002)));
    expect(momentum.evaluate({ candles: candles(trend), holding: false, params: {} })?.kind).toBe('entry');
  });
});

describe('makeIntent', () => {
  const signal: StrategySignal = { side: 'buy', kind: 'entry', score: 6.2, reason: 'M=6.2' };
  const last = candles([100, 64250.1])[1]!;

  it('keys the intent by strategy, symbol, side and the candle close time', () => {
    const i = makeIntent(signal, 'momentum', 'BTC/USDT', last, closeTime(last) + 5, 'ph', 4);
    expect(i).toMatchObject({
      strategy: 'momentum', symbol: 'BTC/USDT', side: 'buy', kind: 'entry', candleCloseTime: 120_000,
      referencePrice: '64250.1', score: 6.2, reason: 'M=6.2', createdAt: 120_005, policyHash: 'ph', policyVersion: 4,
    });
    expect(i.intentId).toBe(intentIdFor('momentum', 'BTC/USDT', 'buy', 120_000));
    expect(makeIntent(signal, 'momentum', 'BTC/USDT', last, 999_999, 'other', 5).intentId).toBe(i.intentId);
  });

  it('refuses a candle that had not closed, or one for another symbol', () => {
    expect(() => makeIntent(signal, 'momentum', 'BTC/USDT', last, closeTime(last) - 1, 'ph', 1)).toThrow(RangeError);
    expect(() => makeIntent(signal, 'momentum', 'ETH/USDT', last, closeTime(last), 'ph', 1)).toThrow(RangeError);
  });
});
