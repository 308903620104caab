import { describe, expect, it } from 'vitest';
import { buyAndHold, PLOT_COLORS, plotOnBars, strategyPlots } from '../../../shared/backtest/html/overlays.js';
import { marketChangePct } from '../../../shared/backtest/metrics-equity.js';
import type { Candle } from '../../../shared/domain/candle.js';
import { smaCross } from '../../../shared/domain/strategies/sma-cross.js';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

function candles(symbol: string, closes: readonly number[], start = T0): Candle[] {
  return closes.map((close, i) => ({ symbol, timeframe: '1h' as const, openTime: start + i * H, open: close, high: close, low: close, close, volume: 1 }));
}

describe('buyAndHold', () => {
  it('splits the cash equally at each symbol\'s first close and marks each share at its last close', () => {
    const data = { 'A/USDT': candles('A/USDT', [10, 20, 5]), 'B/USDT': candles('B/USDT', [100, 100, 300]) };
    // Candles close at open + 1h: the first closes at T0 + 1h.
    expect(buyAndHold(data, '1h', 1000, [T0 + H, T0 + 2 * H, T0 + 3 * H])).toEqual([1000, 1500, 1750]);
  });

  it('keeps a symbol\'s share in cash until its first candle closes, and ends at cash × (1 + marketChangePct / 100)', () => {
    const data = { 'A/USDT': candles('A/USDT', [10, 12, 15]), 'B/USDT': candles('B/USDT', [50, 40], T0 + H) };
    const curve = buyAndHold(data, '1h', 2000, [T0 + H, T0 + 2 * H, T0 + 3 * H]);
    expect(curve).toEqual([2000, 1000 * 1.2 + 1000, 1000 * 1.5 + 1000 * 0.8]);
    const change = marketChangePct({ 'A/USDT': { first: '10', last: '15' }, 'B/USDT': { first: '50', last: '40' } })!;
    expect(curve.at(-1)).toBeCloseTo(2000 * (1 + change / 100), 6);
  });

  it('is empty without candles or a starting cash', () => {
    expect(buyAndHold({}, '1h', 1000, [T0])).toEqual([]);
    expect(buyAndHold({ 'A/USDT': candles('A/USDT', [1]) }, '1h', Number.NaN, [T0])).toEqual([]);
  });
});

describe('plotOnBars', () => {
  it('gives each bar the value at its last candle, null where the line is undefined, in the palette\'s order', () => {
    const cs = candles('A/USDT', [1, 2, 3, 4, 5, 6]);
    const lines = plotOnBars([{ name: 'x', values: [null, null, 3, 4, 5, null] }, { name: 'y', values: [1, 2, 3, 4, 5, 6] }], cs,
      [T0, T0 + 2 * H, T0 + 4 * H], 2 * H);
    expect(lines).toEqual([
      { name: 'x', color: PLOT_COLORS[0], values: [null, 4, null] },
      { name: 'y', color: PLOT_COLORS[1], values: [2, 4, 6] },
    ]);
  });

  it('refuses a line whose length is not one value per candle', () => {
    expect(() => plotOnBars([{ name: 'short', values: [1] }], candles('A/USDT', [1, 2]), [T0, T0 + H], H)).toThrow(/short: 1 values for 2 candles/);
  });
});

describe('strategyPlots', () => {
  it('draws sma-cross\'s two SMAs per symbol, none for a strategy without plot(), and states a plot() that failed', () => {
    const data = { 'A/USDT': candles('A/USDT', Array.from({ length: 60 }, (_, i) => 10 + i)) };
    const sma = strategyPlots(smaCross, { fast: 2, slow: 5 }, data);
    expect(sma.problems).toEqual([]);
    expect(sma.plots['A/USDT']!.map((l) => l.values.length)).toEqual([60, 60]);
    expect(sma.plots['A/USDT']![0]!.values.slice(0, 3)).toEqual([null, 10.5, 11.5]);
    expect(strategyPlots({}, {}, data)).toEqual({ plots: {}, problems: [] });
    const broken = strategyPlots({ plot: () => [{ name: 'bad', values: [1] }] }, {}, data);
    expect(broken.plots).toEqual({});
    expect(broken.problems).toEqual(['A/USDT: the strategy\'s plot lines could not be drawn (line bad has 1 values for 60 candles)']);
  });
});
