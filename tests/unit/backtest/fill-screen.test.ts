import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { screenedMarketFillPrice, screenedTakeLiquidity } from '../../../shared/backtest/fill-screen.js';
import { marketFillPrice, takeLiquidity, type FillConfig, type TakeInput } from '../../../shared/domain/fill-model.js';
import type { Side } from '../../../shared/domain/intent.js';
import type { MarketInfo } from '../../../shared/domain/market.js';
import { dec } from '../../../shared/domain/money.js';

// The screened fill must be the fill model's, digit for digit, whatever the order: random orders on every
// tick size, and orders built so the slipped price lands exactly on a tick (where float rounding could pick
// the neighbouring tick, so the screen has to hand over to the decimal model).

const market = (priceStep: string, amountStep: string): MarketInfo => ({
  symbol: 'X/USDT', base: 'X', quote: 'USDT', priceStep, amountStep, minAmount: amountStep, minNotional: '5', takerFeeRate: '0.001', makerFeeRate: '0.001',
});
const MARKETS = [market('0.01', '0.00001'), market('0.0001', '0.1'), market('0.00001', '1'), market('0.5', '0.001'), market('0.01', '0.001')];
const config = (slippageBps: number, impactCoefficient: number, maxVolumeParticipationPct?: number): FillConfig => ({
  slippageBps, impactCoefficient, takerFeeRate: '0.001', makerFeeRate: '0.001', seed: 1,
  ...(maxVolumeParticipationPct === undefined ? {} : { maxVolumeParticipationPct }),
});

/** What a fill model call gives, as strings: the fill, undefined, or the error it throws. */
function outcome(f: () => ReturnType<typeof takeLiquidity>): string {
  try {
    const x = f();
    return x === undefined ? 'none' : [x.price.toFixed(), x.quantity.toFixed(), x.fee.toFixed(), x.feeCurrency, x.liquidity].join(' ');
  } catch (e) {
    return `throws ${(e as Error).message}`;
  }
}

function sameFill(input: TakeInput): void {
  expect(outcome(() => screenedTakeLiquidity(input))).toBe(outcome(() => takeLiquidity(input)));
}

const order = fc.record({
  side: fc.constantFrom<Side>('buy', 'sell'),
  m: fc.constantFrom(...MARKETS),
  ticks: fc.integer({ min: 1, max: 2 ** 40 }),
  steps: fc.integer({ min: 1, max: 10_000_000 }),
  volume: fc.oneof(fc.double({ min: 0, max: 1e7, noNaN: true }), fc.constant(0), fc.integer({ min: 1, max: 1000 })),
  bps: fc.oneof(fc.constantFrom(0, 0.5, 5, 10), fc.double({ min: 0, max: 200, noNaN: true })),
  coef: fc.constantFrom(0, 0.05, 0.1, 0.3),
  pct: fc.constantFrom(undefined, 1, 10, 100),
});

describe('screenedTakeLiquidity gives the fill model\'s fill', () => {
  it('on random market orders (both sides, five tick and lot sizes, impact, participation cap, empty candles)', () => {
    fc.assert(fc.property(order, ({ side, m, ticks, steps, volume, bps, coef, pct }) => {
      const quote = dec(ticks).mul(m.priceStep).toFixed();
      const quantity = dec(steps).mul(m.amountStep);
      sameFill({ side, quantity, book: { bid: quote, ask: quote }, volume, config: config(bps, coef, pct), market: m });
    }), { numRuns: 3000, seed: 12 });
  });

  it('at prices that land exactly on a tick: no slippage, 1.0005 × 2000·n ticks, an exact square-root impact', () => {
    const cases: TakeInput[] = [];
    for (const m of MARKETS) {
      for (let n = 1; n <= 400; n++) {
        const t = n * 7919 + n * n * 104_729;
        const on = dec(t).mul(m.priceStep);
        const q = dec(n).mul(m.amountStep);
        for (const side of ['buy', 'sell'] as const) {
          // slip 0: the price is the quote itself, on its tick.
          cases.push({ side, quantity: q, book: { bid: on, ask: on }, config: config(0, 0), market: m });
          // 5 bps: 2000·n ticks × 1.0005 = 2001·n ticks (buy); × 0.9995 = 1999·n ticks (sell).
          const fixed = dec(2000 * t).mul(m.priceStep);
          cases.push({ side, quantity: q, book: { bid: fixed, ask: fixed }, config: config(5, 0), market: m });
          // 5 bps + 0.1 × √(q / (100 q)) = 0.0105: 2000·n ticks × 1.0105 = 2021·n ticks (buy), × 0.9895 = 1979·n (sell).
          cases.push({ side, quantity: q, book: { bid: fixed, ask: fixed }, volume: q.mul(100).toNumber(), config: config(5, 0.1), market: m });
        }
      }
    }
    for (const c of cases) sameFill(c);
  });

  it('when the participation cap is close to the order or binds, and when the model refuses the order', () => {
    const m = MARKETS[0]!;
    const q = dec('0.1');
    // 10 % of 1 is 0.1: the cap equals the order; of 0.99 it binds (0.099); of 1.0001 it is one step above.
    for (const volume of [1, 0.99, 1.0001, 1.00001, 0.5]) sameFill({ side: 'buy', quantity: q, book: { bid: '100.01', ask: '100.01' }, volume, config: config(5, 0.1, 10), market: m });
    // Off the lot step: 0.0995 under a cap of 10 % × 0.999 = 0.0999, which floors to 0.099 and binds.
    sameFill({ side: 'buy', quantity: '0.0995', book: { bid: '100.01', ask: '100.01' }, volume: 0.999, config: config(5, 0.1, 10), market: MARKETS[4]! });
    for (const cfg of [config(-1, 0.1), config(5, -0.1), config(5, 0.1, 0), config(5, 0.1, 101)]) sameFill({ side: 'buy', quantity: q, book: { bid: '1', ask: '1' }, volume: 100, config: cfg, market: m });
    sameFill({ side: 'buy', quantity: q, book: { bid: '1', ask: '1' }, config: config(5, 0.1), market: m });
    sameFill({ side: 'buy', quantity: '0', book: { bid: '1', ask: '1' }, volume: 100, config: config(5, 0.1), market: m });
    sameFill({ side: 'sell', quantity: q, book: { bid: '0.01', ask: '0.01' }, volume: 100, config: config(5, 0.1), market: m });
    sameFill({ side: 'buy', quantity: q, book: { bid: '100', ask: '100' }, volume: 100, limitPrice: '100.02', config: config(5, 0.1), market: m });
  });
});

describe('screenedMarketFillPrice gives marketFillPrice\'s price', () => {
  it('on random quotes and on quotes whose slipped price is exactly a tick', () => {
    fc.assert(fc.property(order, ({ side, m, ticks, bps }) => {
      const quote = dec(ticks).mul(m.priceStep).toFixed();
      const exact = dec(2000 * (ticks % 1_000_000_000)).mul(m.priceStep).toFixed();
      for (const [q, b] of [[quote, bps], [quote, 0], [exact, 5]] as const) {
        expect(screenedMarketFillPrice(side, { bid: q, ask: q }, b, m.priceStep).toFixed()).toBe(marketFillPrice(side, { bid: q, ask: q }, b, m.priceStep).toFixed());
      }
    }), { numRuns: 3000, seed: 7 });
  });
});
