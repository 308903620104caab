import { describe, expect, it } from 'vitest';
import {
  ceilToStep, dustOf, fillMarketOrder, limitPriceFor, marketFillPrice, matchLimitOrder, orderRuleViolation, paperRandom,
  participationCap, slippageFraction, takeLiquidity, takerFee, type FillConfig,
} from '../../../shared/domain/fill-model.js';
import type { MarketInfo } from '../../../shared/domain/market.js';

const market = (symbol: string, priceStep: string, amountStep: string): MarketInfo => {
  const [base = '', quote = ''] = symbol.split('/');
  return { symbol, base, quote, priceStep, amountStep, minAmount: amountStep, minNotional: '5', takerFeeRate: '0.001', makerFeeRate: '0.001' };
};
const BTC = market('BTC/USDT', '0.01', '0.00001');
const DOGE = market('DOGE/USDT', '0.00001', '1');
const XRP = market('XRP/USDT', '0.0001', '0.1');

describe('fillMarketOrder', () => {
  // Every expectation below is worked by hand in the comment beside it.
  it.each([
    {
      name: 'buys at the ask plus slippage, rounded up to the tick',
      side: 'buy', quantity: '0.002', bid: '50000.00', ask: '50000.10', slippageBps: 5, m: BTC,
      // 50000.10 x 1.0005 = 50025.10005 -> up to 50025.11; 50025.11 x 0.002 = 100.05022; x 0.001 = 0.10005022
      price: '50025.11', fee: '0.10005022',
    },
    {
      name: 'sells at the bid minus slippage, already on a tick',
      side: 'sell', quantity: '0.0015', bid: '50000.00', ask: '50000.10', slippageBps: 5, m: BTC,
      // 50000 x 0.9995 = 49975 (on tick); 49975 x 0.0015 = 74.9625; x 0.001 = 0.0749625
      price: '49975', fee: '0.0749625',
    },
    {
      name: 'sells at the bid minus slippage, rounded down to the tick',
      side: 'sell', quantity: '100', bid: '0.12345', ask: '0.12346', slippageBps: 5, m: DOGE,
      // 0.12345 x 0.9995 = 0.123388275 -> down to 0.12338; x 100 = 12.338; x 0.001 = 0.012338
      price: '0.12338', fee: '0.012338',
    },
    {
      name: 'buys at the ask itself when there is no slippage',
      side: 'buy', quantity: '0.001', bid: '3000.00', ask: '3000.05', slippageBps: 0, m: BTC,
      // 3000.05 x 0.001 = 3.00005; x 0.001 = 0.00300005
      price: '3000.05', fee: '0.00300005',
    },
    {
      name: 'rounds a half-tick slipped buy price up, against us',
      side: 'buy', quantity: '0.1', bid: '99.99', ask: '100.00', slippageBps: 0.5, m: BTC,
      // 100 x 1.00005 = 100.005 -> up to 100.01; x 0.1 = 10.001; x 0.001 = 0.010001
      price: '100.01', fee: '0.010001',
    },
  ] as const)('$name', ({ side, quantity, bid, ask, slippageBps, m, price, fee }) => {
    const fill = fillMarketOrder({ side, quantity, book: { bid, ask }, slippageBps, feeRate: '0.001', market: m });
    expect(fill.price.toFixed()).toBe(price);
    expect(fill.quantity.eq(quantity)).toBe(true);
    expect(fill.fee.toFixed()).toBe(fee);
    expect(fill.feeCurrency).toBe('USDT');
    expect(fill.liquidity).toBe('taker');
  });

  it('ignores the side of the book it does not trade against', () => {
    const a = fillMarketOrder({ side: 'buy', quantity: '1', book: { bid: '1', ask: '2.0000' }, slippageBps: 0, feeRate: '0', market: XRP });
    const b = fillMarketOrder({ side: 'buy', quantity: '1', book: { bid: '1.9', ask: '2.0000' }, slippageBps: 0, feeRate: '0', market: XRP });
    expect(a.price.toFixed()).toBe('2');
    expect(b.price.toFixed()).toBe('2');
  });

  it.each([
    { name: 'a zero quantity', quantity: '0', bid: '1', ask: '1', slippageBps: 0, side: 'buy' },
    { name: 'a buy with no ask', quantity: '1', bid: '1', ask: '0', slippageBps: 0, side: 'buy' },
    { name: 'a sell with no bid', quantity: '1', bid: '0', ask: '1', slippageBps: 0, side: 'sell' },
    { name: 'negative slippage', quantity: '1', bid: '1', ask: '1', slippageBps: -1, side: 'buy' },
  ] as const)('refuses $name', ({ quantity, bid, ask, slippageBps, side }) => {
    expect(() => fillMarketOrder({ side, quantity, book: { bid, ask }, slippageBps, feeRate: '0.001', market: XRP })).toThrow(RangeError);
  });

  it('refuses a sell whose slipped price rounds down to zero', () => {
    // 0.00001 x 0.9995 = 0.0000099950 -> down to 0 at a 0.00001 tick
    expect(() => fillMarketOrder({ side: 'sell', quantity: '1', book: { bid: '0.00001', ask: '0.00002' }, slippageBps: 5, feeRate: '0', market: DOGE }))
      .toThrow(/rounds to 0/);
  });
});

describe('takerFee', () => {
  it.each([
    // 1.51782 x 0.00075 = 0.001138365: exactly half at the 9th place -> even (…36)
    { notional: '1.51782', rate: '0.00075', fee: '0.00113836' },
    // 1.51783 x 0.00075 = 0.0011383725 -> 0.00113837
    { notional: '1.51783', rate: '0.00075', fee: '0.00113837' },
    // 1.51786 x 0.00075 = 0.001138395: exactly half -> even (…40)
    { notional: '1.51786', rate: '0.00075', fee: '0.0011384' },
  ])('charges $fee on $notional at $rate (8 dp, half-even)', ({ notional, rate, fee }) => {
    expect(takerFee(notional, rate).toFixed()).toBe(fee);
  });
});

describe('marketFillPrice and ceilToStep', () => {
  it('rounds up only when off the tick', () => {
    expect(ceilToStep('100.01', '0.01').toFixed()).toBe('100.01');
    expect(ceilToStep('100.001', '0.01').toFixed()).toBe('100.01');
  });

  it('moves the price against us by exactly the slippage on each side', () => {
    expect(marketFillPrice('buy', { bid: '0', ask: '2000' }, 10, '0.01').toFixed()).toBe('2002');
    expect(marketFillPrice('sell', { bid: '2000', ask: '0' }, 10, '0.01').toFixed()).toBe('1998');
  });
});

describe('orderRuleViolation', () => {
  it.each([
    { name: 'a quantity off the lot step', quantity: '0.000015', price: '50000', rule: 'AMOUNT_STEP' },
    { name: 'a zero quantity', quantity: '0', price: '50000', rule: 'POSITIVE_QUANTITY' },
    // 0.00009 x 50000 = 4.5 < 5
    { name: 'a notional below the minimum', quantity: '0.00009', price: '50000', rule: 'MIN_NOTIONAL' },
  ])('reports $name', ({ quantity, price, rule }) => {
    expect(orderRuleViolation(BTC, quantity, price)?.rule).toBe(rule);
  });

  it('reports an amount under minAmount even when it is on the step', () => {
    const coarse = { ...XRP, minAmount: '1' };
    expect(orderRuleViolation(coarse, '0.5', '100')?.rule).toBe('MIN_AMOUNT');
  });

  it('passes an order exactly at the minimum notional', () => {
    // 0.0001 x 50000 = 5
    expect(orderRuleViolation(BTC, '0.0001', '50000')).toBeUndefined();
  });
});

/** v2 parameters: 5 bps fixed, impact 0.1, 10 % participation, taker 10 bps, maker 2 bps, seed 1. */
const V2: FillConfig = { slippageBps: 5, impactCoefficient: 0.1, maxVolumeParticipationPct: 10, takerFeeRate: '0.001', makerFeeRate: '0.0002', seed: 1 };
const SOL = market('SOL/USDT', '0.01', '0.001');

describe('slippageFraction (fixed + square-root impact)', () => {
  it.each([
    // 5 / 10 000 = 0.0005; 0.1 x sqrt(0.4 / 1000) = 0.1 x 0.02 = 0.002; total 0.0025
    { quantity: '0.4', volume: '1000', slip: '0.0025' },
    // 0.1 x sqrt(9 / 100) = 0.1 x 0.3 = 0.03; + 0.0005
    { quantity: '9', volume: '100', slip: '0.0305' },
    // quantity 4x larger -> impact 2x larger: 0.1 x sqrt(1.6 / 1000) = 0.004; + 0.0005
    { quantity: '1.6', volume: '1000', slip: '0.0045' },
  ])('is $slip for $quantity against a candle volume of $volume', ({ quantity, volume, slip }) => {
    expect(slippageFraction(V2, quantity, volume).toFixed()).toBe(slip);
  });

  it('is the fixed part alone when the impact coefficient is 0, with no volume needed', () => {
    expect(slippageFraction({ ...V2, impactCoefficient: 0 }, '5').toFixed()).toBe('0.0005');
  });

  it('refuses to guess a missing or zero volume when impact is on', () => {
    expect(() => slippageFraction(V2, '1')).toThrow(/volume/);
    expect(() => slippageFraction(V2, '1', 0)).toThrow(RangeError);
  });
});

describe('takeLiquidity (market orders, v2)', () => {
  it('buys at the ask moved up by fixed plus impact slippage, rounded up to the tick, taker fee', () => {
    const f = takeLiquidity({ side: 'buy', quantity: '0.4', book: { bid: '50000', ask: '50000.10' }, volume: '1000', config: V2, market: BTC })!;
    // slip 0.0025 (above); 50000.10 x 1.0025 = 50125.10025 -> up to 50125.11; x 0.4 = 20050.044; x 0.001 = 20.050044
    expect([f.price.toFixed(), f.quantity.toFixed(), f.fee.toFixed(), f.liquidity]).toEqual(['50125.11', '0.4', '20.050044', 'taker']);
  });

  it('fills at most maxVolumeParticipationPct of the candle volume, with impact on the part that fills', () => {
    const cfg = { ...V2, slippageBps: 0, maxVolumeParticipationPct: 4 };
    const f = takeLiquidity({ side: 'sell', quantity: '3', book: { bid: '2000', ask: '2000.01' }, volume: '25', config: cfg, market: SOL })!;
    // cap 25 x 4 % = 1; impact 0.1 x sqrt(1 / 25) = 0.02; 2000 x 0.98 = 1960; 1960 x 1 x 0.001 = 1.96
    expect([f.quantity.toFixed(), f.price.toFixed(), f.fee.toFixed()]).toEqual(['1', '1960', '1.96']);
  });

  it('fills nothing when the cap rounds to zero (an empty candle)', () => {
    expect(takeLiquidity({ side: 'buy', quantity: '1', book: { bid: '1', ask: '1' }, volume: '0.005', config: V2, market: SOL })).toBeUndefined();
    expect(takeLiquidity({ side: 'buy', quantity: '1', book: { bid: '1', ask: '1' }, volume: 0, config: { ...V2, impactCoefficient: 0 }, market: SOL }))
      .toBeUndefined();
  });

  it('never fills a marketable limit order beyond its limit', () => {
    const f = takeLiquidity({
      side: 'buy', quantity: '0.4', book: { bid: '50000', ask: '50000.10' }, volume: '1000', limitPrice: '50010', config: V2, market: BTC,
    })!;
    // slipped 50125.11 > 50010: the limit wins
    expect(f.price.toFixed()).toBe('50010');
  });

  it('reproduces the v1 model through fillMarketOrder (no impact, no cap)', () => {
    const f = fillMarketOrder({ side: 'buy', quantity: '1000', book: { bid: '1', ask: '2' }, slippageBps: 0, feeRate: '0', market: XRP });
    expect([f.price.toFixed(), f.quantity.toFixed()]).toEqual(['2', '1000']);
  });

  it.each([
    { name: 'a participation of 0', cfg: { ...V2, maxVolumeParticipationPct: 0 } },
    { name: 'a participation above 100', cfg: { ...V2, maxVolumeParticipationPct: 101 } },
    { name: 'a negative impact coefficient', cfg: { ...V2, impactCoefficient: -0.1 } },
    { name: 'negative fixed slippage', cfg: { ...V2, slippageBps: -1 } },
  ])('refuses $name', ({ cfg }) => {
    expect(() => takeLiquidity({ side: 'buy', quantity: '1', book: { bid: '1', ask: '1' }, volume: '100', config: cfg, market: SOL })).toThrow(RangeError);
  });
});

describe('matchLimitOrder (resting limit orders)', () => {
  const candle = (low: number, high: number, volume = 1000) => ({ openTime: 60_000, low, high, volume });
  const buy = (c: ReturnType<typeof candle>, remaining = '2', cfg: FillConfig = V2) =>
    matchLimitOrder({ side: 'buy', limitPrice: '100', remaining, candle: c, key: 'stx-limit', config: cfg, market: SOL });
  const sell = (c: ReturnType<typeof candle>) =>
    matchLimitOrder({ side: 'sell', limitPrice: '100', remaining: '2', candle: c, key: 'stx-limit', config: V2, market: SOL });

  it('does not fill a buy on a candle that only touches the limit, nor one that stays above it', () => {
    expect(buy(candle(100, 105))).toBeUndefined();
    expect(buy(candle(100.01, 105))).toBeUndefined();
  });

  it('fills a buy at the limit, as maker, when the low trades through it', () => {
    const f = buy(candle(99.99, 105))!;
    // 2 x 100 = 200; maker 0.0002 -> 0.04
    expect([f.price.toFixed(), f.quantity.toFixed(), f.fee.toFixed(), f.liquidity]).toEqual(['100', '2', '0.04', 'maker']);
  });

  it('fills a sell only when the high trades through the limit', () => {
    expect(sell(candle(95, 100))).toBeUndefined();
    expect(sell(candle(95, 100.01))?.price.toFixed()).toBe('100');
  });

  it('fills at most cap x queue share of a candle, the share drawn from the seed, key and candle', () => {
    // sha256("1|stx-limit|60000") starts 03efea30: r = 66054704 / 2^32 = 0.0153795592...; share = 0.5 + r / 2 = 0.5076897796...
    // cap = 100 x 10 % x share = 5.0768977... -> floored to the 0.001 step: 5.076
    expect(paperRandom(1, 'stx-limit', 60_000)).toBe(0x03efea30 / 2 ** 32);
    expect(buy(candle(99, 101, 100), '50')?.quantity.toFixed()).toBe('5.076');
    // seed 7: sha256("7|stx-limit|60000") starts 67f69202: share 0.7030530574... -> 7.0305... -> 7.03
    expect(buy(candle(99, 101, 100), '50', { ...V2, seed: 7 })?.quantity.toFixed()).toBe('7.03');
  });

  it('fills the whole remainder when it is under the cap, whatever the draw', () => {
    expect(buy(candle(99, 101, 100), '2.5')?.quantity.toFixed()).toBe('2.5');
  });
});

describe('paperRandom', () => {
  it('is a pure function of (seed, key, n) in [0, 1)', () => {
    // sha256("1|stxa|0") starts 35794591
    expect(paperRandom(1, 'stxa', 0)).toBe(0x35794591 / 2 ** 32);
    expect(paperRandom(1, 'stxa', 0)).toBe(paperRandom(1, 'stxa', 0));
    const draws = Array.from({ length: 200 }, (_, i) => paperRandom(3, 'k', i));
    expect(draws.every((d) => d >= 0 && d < 1)).toBe(true);
    expect(new Set(draws).size).toBe(200);
  });
});

describe('limitPriceFor', () => {
  it.each([
    // 50000 x (1 - 0.001) = 49950
    { side: 'buy', ref: '50000', bps: 10, price: '49950' },
    // 3000.01 x 0.999 = 2997.00999 -> floored to the tick (never above the intended price)
    { side: 'buy', ref: '3000.01', bps: 10, price: '2997' },
    // 3000.01 x 1.001 = 3003.01001 -> ceiled to the tick (never below the intended price)
    { side: 'sell', ref: '3000.01', bps: 10, price: '3003.02' },
    { side: 'sell', ref: '3000.01', bps: 0, price: '3000.01' },
  ] as const)('$side at $bps bps from $ref is $price', ({ side, ref, bps, price }) => {
    expect(limitPriceFor(side, ref, bps, '0.01').toFixed()).toBe(price);
  });
});

describe('dustOf', () => {
  it.each([
    // 0.0000023 floors to 0 at the 0.00001 step: no order can take it
    { name: 'a sub-step holding', q: '0.0000023', price: undefined, dust: '0.0000023' },
    // floors to 0.00001 (>= minAmount) but 0.00001 x 50 000 = 0.5 < 5 USDT
    { name: 'a holding under the minimum notional at the price', q: '0.0000123', price: '50000', dust: '0.0000123' },
    { name: 'the same holding when no price is given (amount rules only)', q: '0.0000123', price: undefined, dust: undefined },
    // 0.00401 x 50 000 = 200.5: sellable; its 0.0000023 remainder stays until the last sale
    { name: 'a sellable holding', q: '0.0040123', price: '50000', dust: undefined },
  ])('$name', ({ q, price, dust }) => {
    expect(dustOf(BTC, q, price)?.toFixed()).toBe(dust);
  });
});

describe('participationCap', () => {
  it('is pct % of the volume (times a share), floored to the amount step; undefined without a cap', () => {
    // 1234.5 x 10 % = 123.45; x 0.5 = 61.725
    expect(participationCap(V2, '1234.5', '0.001')?.toFixed()).toBe('123.45');
    expect(participationCap(V2, '1234.5', '0.1', '0.5')?.toFixed()).toBe('61.7');
    expect(participationCap({ ...V2, maxVolumeParticipationPct: undefined }, undefined, '0.001')).toBeUndefined();
  });
});
