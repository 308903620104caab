import { describe, expect, it } from 'vitest';
import { atr } from '../../../shared/domain/indicators.js';
import { dec } from '../../../shared/domain/money.js';
import { assess, minNotionalFor } from '../../../shared/domain/risk/context.js';
import { evaluateRisk } from '../../../shared/domain/risk/evaluate.js';
import { BTC, book, exitCtx, held, ledger, pending, policyWith, rctx } from './risk-fixtures.js';

const volTarget = (risk: Record<string, unknown> = {}) => policyWith({ risk: { sizing: 'volatility-target', riskPerTradePct: 0.5, atrStopMultiple: 2, maxPositionPct: 10, ...risk } });
const sized = (input: ReturnType<typeof rctx>) => {
  const a = assess(input);
  return { quantity: a.quantity.toFixed(), notional: a.notional.toFixed(), method: a.method, shrunk: a.shrunk };
};

describe('fixed-fraction sizing', () => {
  it.each([
    ['2% of 10 000 at 30 000 floors 0.0066666… to 0.00666', rctx({ price: dec('30000') }), '0.00666', '199.8'],
    ['2.5% of 10 000 at 50 000 is exactly 0.005', rctx({ policy: policyWith({ risk: { stakePct: 2.5 } }) }), '0.005', '250'],
    ['a whole-unit step floors to 0', rctx({ market: { ...BTC, amountStep: '1' } }), '0', '0'],
    ['negative equity sizes to 0', rctx({ ledger: ledger({ cash: dec('-5') }) }), '0', '0'],
    ['no price sizes to 0', rctx({ price: dec(0) }), '0', '0'],
  ])('%s', (_label, input, quantity, notional) => {
    expect(sized(input)).toMatchObject({ quantity, notional, method: 'fixed-fraction', shrunk: false });
  });

  it('sells the whole position on exit, floored to the step', () => {
    const input = exitCtx({ price: dec('40000'), ledger: book([held('BTC/USDT', '0.0123456789', '500')]) });
    expect(sized(input)).toMatchObject({ quantity: '0.01234', notional: '493.6', method: 'position' });
    expect(assess(input).cost.toFixed()).toBe('0');
  });
});

describe('volatility-target sizing', () => {
  it('risks riskPerTradePct of equity over atrStopMultiple ATRs: 50 / (2 × 2 500) = 0.01 BTC', () => {
    expect(sized(rctx({ policy: volTarget(), atr: dec('2500') }))).toEqual({ quantity: '0.01', notional: '500', method: 'volatility-target', shrunk: false });
  });

  it('sizes smaller when volatility is higher', () => {
    expect(sized(rctx({ policy: volTarget(), atr: dec('5000') }))).toMatchObject({ quantity: '0.005', notional: '250' });
  });

  it.each([
    ['no ATR', undefined],
    ['a zero ATR', dec(0)],
  ])('falls back to fixed-fraction with %s', (_label, value) => {
    expect(sized(rctx({ policy: volTarget(), atr: value }))).toEqual({ quantity: '0.004', notional: '200', method: 'fixed-fraction', shrunk: false });
  });
});

describe('capping', () => {
  // Each case: a stake that would breach one cap; the order shrinks to the room left (cost = notional × 1.001), floored.
  it.each([
    ['per-asset cap 3% (300): ATR stake 500 → room 300 / 1.001', rctx({ policy: volTarget({ maxPositionPct: 3 }), atr: dec('2500') }), '0.00599', '299.5'],
    ['maxPositionNotional 150', rctx({ policy: policyWith({ risk: { maxPositionNotional: '150' } }) }), '0.00299', '149.5'],
    ['per-asset cap net of an add in flight of 150.15', rctx({ policy: policyWith({ risk: { pyramiding: { enabled: true, maxAdds: 1, addStakeFraction: 1 } } }), ledger: book([], [pending('p', 'BTC/USDT', '150.15')]) }), '0.00299', '149.5'],
    ['strategy budget 1.5% (150)', rctx({ policy: policyWith({ strategies: [{ name: 'momentum', enabled: true, params: {}, riskBudgetPct: 1.5 }] }) }), '0.00299', '149.5'],
    ['free cash 150.15 (exposure cap 100%)', rctx({ policy: policyWith({ risk: { maxTotalExposurePct: 100 } }), ledger: book([], [pending('p', 'ETH/USDT', '9849.85')]) }), '0.003', '150'],
  ])('shrinks to fit: %s', (_label, input, quantity, notional) => {
    expect(sized(input)).toMatchObject({ quantity, notional, shrunk: true });
    expect(evaluateRisk(input).approved).toBe(true);
  });

  it('does not shrink below the fee-adjusted minimum: the stake is kept and the binding cap rejects it', () => {
    const input = rctx({ policy: policyWith({ risk: { maxPositionNotional: '10.5' } }) }); // 10.5 / 1.001 → 0.0002 BTC = 10, the minimum
    expect(sized(input)).toMatchObject({ quantity: '0.0002', notional: '10', shrunk: true });
    const tight = rctx({ policy: policyWith({ risk: { maxPositionNotional: '10.005' } }) }); // 10.005 / 1.001 → 0.00019 BTC = 9.5
    expect(sized(tight)).toMatchObject({ quantity: '0.004', notional: '200', shrunk: false });
    expect(evaluateRisk(tight).reasons.map((r) => r.code)).toEqual(['MAX_POSITION_SIZE']);
  });
});

describe('pyramiding sizing', () => {
  const pyramid = policyWith({ risk: { maxPositionPct: 5, pyramiding: { enabled: true, maxAdds: 2, addStakeFraction: 0.5 } } });

  it('sizes an add at addStakeFraction × the stake', () => {
    const input = rctx({ policy: pyramid, ledger: book([held('BTC/USDT', '0.004', '200')]) });
    expect(sized(input)).toMatchObject({ quantity: '0.002', notional: '100', shrunk: false });
    expect(evaluateRisk(input).approved).toBe(true);
  });

  it('sizes a first entry at the full stake', () => {
    expect(sized(rctx({ policy: pyramid }))).toMatchObject({ quantity: '0.004', notional: '200' });
  });
});

describe('minNotionalFor', () => {
  it.each([
    ['entry: policy minimum 10 above (5 + 0.2%) × 1.1 = 5.511', rctx(), '10'],
    ['entry: (100 + 0.2%) × 1.1 = 110.22 above the policy minimum', rctx({ market: { ...BTC, minNotional: '100' } }), '110.22'],
    ['entry: 20 bps round trip, no buffer', rctx({ market: { ...BTC, minNotional: '100' }, policy: policyWith({ risk: { minNotionalBufferPct: 0 } }) }), '100.2'],
    ['exit: the exchange minimum only', exitCtx({ market: { ...BTC, minNotional: '100' } }), '100'],
  ])('%s', (_label, input, expected) => {
    expect(minNotionalFor(input).toFixed()).toBe(expected);
  });
});

describe('atr', () => {
  const c = (high: number, low: number, close: number) => ({ high, low, close });

  it('seeds with the mean true range, then smooths the Wilder way', () => {
    const candles = [c(10, 8, 9), c(12, 9, 11), c(11, 10, 10.5), c(15, 10, 14)];
    // TR: 2, max(3, 3, 0) = 3, max(1, 0, 1) = 1, max(5, 4.5, 0.5) = 5; seed (2 + 3 + 1) / 3 = 2; then (2 × 2 + 5) / 3 = 3.
    expect(atr(candles.slice(0, 3), 3)).toBeCloseTo(2, 12);
    expect(atr(candles, 3)).toBeCloseTo(3, 12);
  });

  it('counts a gap from the previous close in the true range', () => {
    expect(atr([c(100, 99, 100), c(121, 120, 120)], 1)).toBeCloseTo(21, 12);
  });

  it('is undefined with fewer candles than the period and refuses bad input', () => {
    expect(atr([c(2, 1, 1)], 2)).toBeUndefined();
    expect(() => atr([c(2, 1, 1)], 0)).toThrow(RangeError);
    expect(() => atr([c(1, 2, 1)], 1)).toThrow(RangeError);
    expect(() => atr([c(Number.NaN, 1, 1)], 1)).toThrow(RangeError);
  });
});
