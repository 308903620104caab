import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { exitMaybe, type PositionView } from '../../../shared/backtest/screens.js';
import type { Candle } from '../../../shared/domain/candle.js';
import { exitSignal } from '../../../shared/domain/exits.js';
import { dec } from '../../../shared/domain/money.js';
import { validatePolicy } from '../../../shared/domain/policy.js';
import { getStrategy, type StrategyParams } from '../../../shared/domain/strategy.js';
import { RollingWindow } from '../../../shared/domain/strategies/rolling.js';
import { readCandleDir, replayDataDir } from '../../../shared/local/candle-files.js';

// The screens may only skip work that cannot signal: wherever evaluate() / exitSignal() would act, the
// screen must say "maybe". Checked on real candles and on series built to defeat float running sums.

const CASES: readonly [string, StrategyParams][] = [
  ['sma-cross', {}], ['sma-cross', { fast: 3, slow: 7 }], ['momentum', {}], ['momentum', { lookback: 5, entryThreshold: 1, exitThreshold: -0.5 }],
  ['rsi-reversion', {}], ['rsi-reversion', { period: 3, oversold: 20, exitLevel: 70 }],
];

function candlesOf(closes: readonly number[]): Candle[] {
  return closes.map((close, i) => ({ symbol: 'X/USDT', timeframe: '1m', openTime: i * 60_000, open: close, high: close, low: close, close, volume: 1 }));
}

/** Signals of evaluate() the screen hid, and how often it said maybe, over every prefix and both holding states. */
function audit(name: string, params: StrategyParams, closes: readonly number[]): { hidden: string[]; signals: number; maybes: number } {
  const strategy = getStrategy(name);
  const need = strategy.requiredCandles(params);
  const candles = candlesOf(closes);
  const hidden: string[] = [];
  let signals = 0;
  let maybes = 0;
  for (const holding of [false, true]) {
    const screen = strategy.screen!(params);
    for (let i = 0; i < candles.length; i++) {
      screen.push(candles[i]!.close);
      const signal = i + 1 >= need ? strategy.evaluate({ candles: candles.slice(i + 1 - need, i + 1), holding, params }) : undefined;
      const maybe = screen.maybe(holding);
      if (signal) signals++;
      if (maybe) maybes++;
      if (signal && !maybe) hidden.push(`${name} ${JSON.stringify(params)} holding=${holding} at ${i}: ${signal.reason}`);
    }
  }
  return { hidden, signals, maybes };
}

describe('strategy screens never hide a signal', () => {
  let real: Record<string, Candle[]>;
  beforeAll(async () => {
    real = await readCandleDir(replayDataDir(), ['BTC/USDT', 'SOL/USDT'], '1m', { from: Date.UTC(2021, 4, 19), to: Date.UTC(2021, 4, 19, 12) });
  });

  it('on real 1m candles, and is selective there', () => {
    for (const [name, params] of CASES) {
      for (const series of Object.values(real)) {
        const { hidden, signals, maybes } = audit(name, params, series.map((c) => c.close));
        expect(hidden).toEqual([]);
        expect(signals).toBeGreaterThan(0);
        expect(maybes).toBeLessThan(series.length * 2 * 0.6);
      }
    }
  });

  it('on flat, alternating, tiny-step and gapping series (ties and cancellation)', () => {
    const flat = Array.from({ length: 300 }, () => 100.1);
    const zigzag = Array.from({ length: 300 }, (_, i) => (i % 2 ? 100.3 : 100.1));
    const creep = Array.from({ length: 2500 }, (_, i) => 0.1 + Math.floor(i / 40) * 1e-9 + (i % 7 === 0 ? 3e-10 : 0));
    const jumps = Array.from({ length: 600 }, (_, i) => (Math.floor(i / 60) % 2 ? 43_000.5 : 0.00041));
    for (const [name, params] of CASES) {
      for (const series of [flat, zigzag, creep, jumps]) expect(audit(name, params, series).hidden).toEqual([]);
    }
  });

  it('on random walks (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: -30, max: 30 }), { minLength: 60, maxLength: 400 }), fc.constantFrom(...CASES),
      (steps, [name, params]) => {
        let p = 1000;
        const closes = steps.map((s) => (p = Math.max(1, p + s / 4)));
        expect(audit(name, params, closes).hidden).toEqual([]);
      },
    ), { numRuns: 150 });
  });

  it('RollingWindow keeps exact-enough sums across its periodic resum and rejects spans beyond its size', () => {
    const w = new RollingWindow(5, [2, 5]);
    const values = Array.from({ length: 3000 }, (_, i) => Math.sin(i) * 1e4);
    values.forEach((v) => w.push(v));
    const last5 = values.slice(-5).reduce((a, b) => a + b, 0);
    expect(Math.abs(w.sum(1) - last5)).toBeLessThan(1e-6);
    expect(Math.abs(w.sum(0) - (values.at(-1)! + values.at(-2)!))).toBeLessThan(1e-6);
    expect(() => new RollingWindow(3, [4])).toThrow(RangeError);
  });
});

describe('exit screen never hides an exit', () => {
  it('whenever exitSignal is due, exitMaybe says maybe (property)', () => {
    fc.assert(fc.property(
      fc.record({
        quantity: fc.integer({ min: 1, max: 10_000 }), average: fc.integer({ min: 100, max: 100_000 }), move: fc.integer({ min: -600, max: 600 }),
        hwmUp: fc.option(fc.integer({ min: 0, max: 800 })), heldMinutes: fc.integer({ min: 0, max: 600 }),
        stop: fc.option(fc.integer({ min: -500, max: -1 })), take: fc.option(fc.integer({ min: 1, max: 500 })),
        trail: fc.boolean(), roiPct: fc.integer({ min: 0, max: 300 }), timeStop: fc.integer({ min: 0, max: 600 }),
      }),
      (x) => {
        const policy = validatePolicy({
          exits: {
            stopLossPct: x.stop === null ? null : x.stop / 100, takeProfitPct: x.take === null ? null : x.take / 100,
            trailingStop: { enabled: x.trail, activationPct: 0.5, trailPct: 1 }, roi: [{ afterMinutes: 30, pct: x.roiPct / 100 }], timeStopMinutes: x.timeStop,
          },
        });
        if (!policy.ok) return;
        const average = dec(x.average).div(100);
        const price = average.mul(dec(10_000).add(x.move)).div(10_000).toDecimalPlaces(2);
        const hwm = x.hwmUp === null ? undefined : average.mul(dec(10_000).add(x.hwmUp)).div(10_000).toDecimalPlaces(2);
        const quantity = dec(x.quantity).div(1000);
        const position = { symbol: 'X/USDT', quantity, costBasis: average.mul(quantity), openedAt: 0, ...(hwm ? { highWaterMark: hwm } : {}) };
        const now = x.heldMinutes * 60_000;
        const view: PositionView = {
          symbol: 'X/USDT', slot: 0, quantity: quantity.toNumber(), costBasis: position.costBasis.toNumber(),
          average: position.costBasis.toNumber() / quantity.toNumber(), highWaterMark: hwm?.toNumber(), openedAt: 0,
        };
        if (exitSignal(position, price, now, policy.policy)) expect(exitMaybe(view, price.toNumber(), now, policy.policy.exits)).toBe(true);
      },
    ), { numRuns: 2000 });
  });
});
