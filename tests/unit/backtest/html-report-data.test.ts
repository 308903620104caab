import { describe, expect, it } from 'vitest';
import { buildChartData } from '../../../shared/backtest/html/chart-data.js';
import { aggregateCandles, equityWithDrawdown } from '../../../shared/backtest/html/downsample.js';
import { escapeHtml, inlineScript, scriptJson } from '../../../shared/backtest/html/escape.js';
import { fmtDuration, fmtMoney, fmtPct, fmtTime } from '../../../shared/backtest/html/format.js';
import type { BacktestReport } from '../../../shared/backtest/types.js';
import type { Candle } from '../../../shared/domain/candle.js';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1);

function minuteCandles(n: number, start = T0): Candle[] {
  return Array.from({ length: n }, (_, i) => ({
    symbol: 'BTC/USDT', timeframe: '1m' as const, openTime: start + i * MIN, open: 100 + i, high: 110 + i, low: 90 - i, close: 101 + i, volume: 1,
  }));
}

describe('escaping', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(escapeHtml(null)).toBe('');
  });

  it('embeds JSON with no "<" so a value cannot close the script element, and parses back to the same value', () => {
    const value = { s: '</script><script>alert(1)</script><!-- & \u2028\u2029 >' };
    const text = scriptJson(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('neutralises "</script" inside an inlined script', () => {
    expect(inlineScript('var a = "</SCRIPT>";')).toBe('var a = "<\\/SCRIPT>";');
  });
});

describe('formatting', () => {
  it('rounds money half-even with thousands separators and shows a dash for missing values', () => {
    expect(fmtMoney('1234567.125')).toBe('1,234,567.12');
    expect(fmtMoney('-1234.5', 0)).toBe('-1,234');
    expect(fmtMoney(null)).toBe('—');
    expect(fmtPct(-3.14159)).toBe('-3.14 %');
    expect(fmtPct(null)).toBe('—');
  });

  it('prints UTC times and durations by their two largest units', () => {
    expect(fmtTime(Date.UTC(2021, 4, 19, 13, 5))).toBe('2021-05-19 13:05');
    expect(fmtTime(Date.UTC(2021, 4, 19, 13, 5), true)).toBe('2021-05-19');
    expect(fmtDuration(3 * 86_400_000 + 4 * 3_600_000 + 5 * MIN)).toBe('3d 4h');
    expect(fmtDuration(45 * MIN)).toBe('45m');
    expect(fmtDuration(2 * 3_600_000)).toBe('2h');
    expect(fmtDuration(0)).toBe('0s');
  });
});

describe('aggregateCandles', () => {
  it('returns the candles as bars when they fit', () => {
    const out = aggregateCandles(minuteCandles(4), '1m', 4);
    expect(out.barMs).toBe(MIN);
    expect(out.bars).toEqual(minuteCandles(4).map((c) => ({ time: c.openTime, open: c.open, high: c.high, low: c.low, close: c.close })));
  });

  it('merges into epoch-aligned bars of a readable length: first open, highest high, lowest low, last close', () => {
    // 12 one-minute candles from 00:03; at most 4 bars → 12 / 3 = 4 min needed → 5m bars at 00:00, 00:05, 00:10.
    const out = aggregateCandles(minuteCandles(12, T0 + 3 * MIN), '1m', 4);
    expect(out.barMs).toBe(5 * MIN);
    expect(out.bars).toEqual([
      { time: T0, open: 100, high: 111, low: 89, close: 102 },
      { time: T0 + 5 * MIN, open: 102, high: 116, low: 84, close: 107 },
      { time: T0 + 10 * MIN, open: 107, high: 121, low: 79, close: 112 },
    ]);
  });

  it('never exceeds the bar limit on a long series with a gap', () => {
    const series = [...minuteCandles(20_000), ...minuteCandles(17_000, T0 + 30_000 * MIN)];
    const out = aggregateCandles(series, '1m', 5000);
    expect(out.bars.length).toBeLessThanOrEqual(5000);
    expect(out.bars.length).toBeGreaterThan(1000);
    expect(Math.max(...out.bars.map((b) => b.high))).toBe(Math.max(...series.map((c) => c.high)));
    expect(Math.min(...out.bars.map((b) => b.low))).toBe(Math.min(...series.map((c) => c.low)));
  });
});

describe('equityWithDrawdown', () => {
  it('computes drawdown in % from the running peak', () => {
    const out = equityWithDrawdown([
      { time: 1, equity: '100' }, { time: 2, equity: '120' }, { time: 3, equity: '90' }, { time: 4, equity: '130' }, { time: 5, equity: '117' },
    ], 10);
    expect(out.map((p) => p.equity)).toEqual([100, 120, 90, 130, 117]);
    expect(out.map((p) => p.drawdownPct)).toEqual([0, 0, -25, 0, -10]);
  });

  it('thins a long curve to the limit and keeps its highest, lowest and deepest-drawdown marks', () => {
    const equity = Array.from({ length: 50_000 }, (_, i) => ({ time: i * MIN, equity: String(10_000 + 500 * Math.sin(i / 700) + (i % 97)) }));
    equity[31_234] = { time: 31_234 * MIN, equity: '7000' };
    const full = equityWithDrawdown(equity, Infinity);
    const thin = equityWithDrawdown(equity, 5000);
    expect(thin.length).toBeLessThanOrEqual(5000);
    expect(thin[0]).toEqual(full[0]);
    expect(thin.at(-1)).toEqual(full.at(-1));
    expect(Math.min(...thin.map((p) => p.drawdownPct))).toBe(Math.min(...full.map((p) => p.drawdownPct)));
    expect(Math.max(...thin.map((p) => p.equity))).toBe(Math.max(...full.map((p) => p.equity)));
    expect(thin.some((p) => p.time === 31_234 * MIN)).toBe(true);
    expect(thin.every((p, i) => i === 0 || p.time > thin[i - 1]!.time)).toBe(true);
  });
});

describe('buildChartData', () => {
  const report = (trades: BacktestReport['trades']): BacktestReport => ({
    config: {}, metrics: {}, rejections: {}, trades,
    equity: [{ time: T0 + MIN, equity: '100' }, { time: T0 + 2 * MIN, equity: '99.5' }],
  });
  const trade = { symbol: 'BTC/USDT', side: 'long' as const, entryPrice: '1', exitPrice: '1', quantity: '1', fees: '0', exitReason: 'signal' };

  it('places entry and exit markers on the bar holding the fill, in epoch seconds, sorted, colored by result', () => {
    const data = buildChartData(report([
      { ...trade, entryTime: T0 + 7 * MIN, exitTime: T0 + 11 * MIN, pnl: '-1' },
      { ...trade, entryTime: T0 + 1 * MIN, exitTime: T0 + 2 * MIN, pnl: '2' },
    ]), { 'BTC/USDT': minuteCandles(12) }, '1m', { maxBarsPerSymbol: 4, maxEquityPoints: 10, maxLabelledTrades: 1 });
    const sym = data.symbols[0]!;
    expect(sym.bars.time).toEqual([T0, T0 + 5 * MIN, T0 + 10 * MIN].map((t) => t / 1000));
    expect(sym.markers.map((m) => [m.time, m.shape, m.color])).toEqual([
      [T0 / 1000, 'arrowUp', '#2563eb'], [T0 / 1000, 'arrowDown', '#16a34a'],
      [(T0 + 5 * MIN) / 1000, 'arrowUp', '#2563eb'], [(T0 + 10 * MIN) / 1000, 'arrowDown', '#dc2626'],
    ]);
    expect(sym.markers.every((m) => m.text === undefined)).toBe(true);
    expect(data.notes).toEqual(['BTC/USDT: 12 1m candles aggregated to 3 5m bars (OHLC); trade markers sit on the bar that contains the fill.']);
    expect(data.curve).toEqual({ time: [(T0 + MIN) / 1000, (T0 + 2 * MIN) / 1000], equity: [100, 99.5], drawdownPct: [0, -0.5] });
  });

  it('labels markers and adds no note when nothing was thinned', () => {
    const data = buildChartData(report([{ ...trade, entryTime: T0 + MIN, exitTime: T0 + 3 * MIN, pnl: '0' }]), { 'BTC/USDT': minuteCandles(5) }, '1m');
    expect(data.notes).toEqual([]);
    expect(data.symbols[0]!.markers.map((m) => m.text)).toEqual(['B', 'signal']);
    expect(data.symbols[0]!.bars.time).toHaveLength(5);
  });
});
