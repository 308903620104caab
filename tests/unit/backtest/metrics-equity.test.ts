import { describe, expect, it } from 'vitest';
import { cagr, dailyReturns, drawdown, equityCurve, exposurePct, marketChangePct, sharpe, sortino } from '../../../shared/backtest/metrics-equity.js';
import { dayKey, monthKey } from '../../../shared/backtest/metrics-math.js';
import { Decimal } from '../../../shared/domain/money.js';
import { DAY, H, T0, trade } from './metrics-fixtures.js';

const start = new Decimal(1000);
const nums = (xs: readonly Decimal[]) => xs.map((x) => x.toNumber());
const curveOf = (pts: [number, string][]) => equityCurve(pts.map(([time, equity]) => ({ time, equity })), start, T0);

describe('daily resampling of the equity curve', () => {
  it('uses the last mark of each UTC day and carries it over empty days: 1050 (+5%), none (0%), 945 (-10%)', () => {
    const curve = curveOf([[T0 + 6 * H, '1010'], [T0 + 18 * H, '1050'], [T0 + 2 * DAY + H, '945']]);
    expect(nums(dailyReturns(curve, start, T0, T0 + 3 * DAY))).toEqual([0.05, 0, -0.1]);
  });

  it('prepends startBalance at `from` only when the curve starts later', () => {
    expect(curveOf([[T0 + H, '1']]).map((m) => m.time)).toEqual([T0, T0 + H]);
    expect(curveOf([[T0, '999'], [T0 + H, '1']]).map((m) => m.equity.toFixed())).toEqual(['999', '1']);
  });

  it('does not count the day that begins exactly at `to`, but counts a partial last day', () => {
    expect(dailyReturns(curveOf([]), start, T0, T0 + 2 * DAY)).toHaveLength(2);
    expect(dailyReturns(curveOf([]), start, T0 + 12 * H, T0 + 2 * DAY + 1)).toHaveLength(3);
  });
});

describe('Sharpe and Sortino', () => {
  it('Sharpe of (.05, 0, -.1): mean -1/60, sample stdev sqrt(0.035/6) (deviations 1/15, 1/60, -1/12)', () => {
    const r = [0.05, 0, -0.1].map((x) => new Decimal(x));
    expect(sharpe(r)).toBeCloseTo((-1 / 60 / Math.sqrt(0.035 / 6)) * Math.sqrt(365), 10);
  });

  it('Sortino of (.05, 0, -.1): downside dev sqrt(0.01/3) over all 3 days', () => {
    const r = [0.05, 0, -0.1].map((x) => new Decimal(x));
    expect(sortino(r)).toBeCloseTo((-1 / 60 / Math.sqrt(0.01 / 3)) * Math.sqrt(365), 10);
  });

  it('is null with fewer than two days, zero stdev, or (Sortino) no down day', () => {
    const d = (xs: number[]) => xs.map((x) => new Decimal(x));
    expect([sharpe(d([0.1])), sharpe(d([0.1, 0.1])), sortino(d([0.1])), sortino(d([0.1, 0.2]))]).toEqual([null, null, null, null]);
    expect(sortino(d([0.1, -0.1]))).not.toBeNull();
  });
});

describe('CAGR', () => {
  it('is 10% when 1000 grows to 1210 over 730 days', () => {
    expect(cagr(start, new Decimal(1210), T0, T0 + 730 * DAY)!.toNumber()).toBeCloseTo(0.1, 15);
  });

  it('is -100% on a wiped account and null when undefined (empty period, start <= 0, negative final)', () => {
    expect(cagr(start, new Decimal(0), T0, T0 + DAY)!.toNumber()).toBe(-1);
    expect([cagr(start, start, T0, T0), cagr(new Decimal(0), start, T0, T0 + DAY), cagr(start, new Decimal(-1), T0, T0 + DAY)]).toEqual([null, null, null]);
  });
});

describe('max drawdown', () => {
  it('picks the largest % fall (120 -> 90 = 25% beats 100 -> 80 = 20%) and reports no recovery when equity never regains the peak', () => {
    const r = drawdown(curveOf([[T0, '100'], [T0 + H, '80'], [T0 + 2 * H, '100'], [T0 + 3 * H, '120'], [T0 + 5 * H, '90'], [T0 + 6 * H, '119']]));
    expect(r.stats).toEqual({
      maxDrawdownAbs: '30', maxDrawdownPct: 25, drawdownStart: T0 + 3 * H, drawdownEnd: T0 + 5 * H, drawdownDurationMs: 2 * H, drawdownRecoveredAt: null,
    });
    expect(r.ratio!.toNumber()).toBe(0.25);
  });

  it('is zero with null times on a curve that never falls', () => {
    const r = drawdown(curveOf([[T0, '100'], [T0 + H, '100'], [T0 + 2 * H, '101']]));
    expect(r).toEqual({ stats: { maxDrawdownAbs: '0', maxDrawdownPct: 0, drawdownStart: null, drawdownEnd: null, drawdownDurationMs: null, drawdownRecoveredAt: null }, ratio: null });
  });
});

describe('exposure and market change', () => {
  it('counts overlapping positions once and clips to the period: [0,10h]∪[5h,15h]∪[20h,30h] ∪ [-5h,2h] over 40h = 25h = 62.5%', () => {
    const trades = [[0, 10], [5, 15], [20, 30], [-5, 2], [45, 50]].map(([a, b]) => trade({ pnl: '0', entryTime: T0 + a! * H, exitTime: T0 + b! * H }));
    expect(exposurePct(trades, T0, T0 + 40 * H)).toBe(62.5);
  });

  it('averages buy-and-hold over symbols, skipping non-positive first prices, null when none', () => {
    expect(marketChangePct({ A: { first: '10', last: '15' }, B: { first: '4', last: '3' }, C: { first: '0', last: '1' } })).toBeCloseTo(12.5, 12);
    expect([marketChangePct(undefined), marketChangePct({})]).toEqual([null, null]);
  });
});

describe('UTC calendar keys', () => {
  it.each([
    [Date.UTC(2024, 1, 29, 23, 59, 59, 999), '2024-02-29', '2024-02'],
    [Date.UTC(2000, 2, 1), '2000-03-01', '2000-03'],
    [Date.UTC(1969, 11, 31, 12), '1969-12-31', '1969-12'],
    [Date.UTC(2100, 11, 31), '2100-12-31', '2100-12'],
  ])('formats %d as %s / %s', (ms, day, month) => {
    expect([dayKey(ms), monthKey(ms)]).toEqual([day, month]);
  });

  it('agrees with Date#toISOString for every day of 1970-2200', () => {
    const bad: number[] = [];
    for (let ms = 0; ms < Date.UTC(2200, 0, 1); ms += DAY) if (dayKey(ms + 17 * H) !== new Date(ms).toISOString().slice(0, 10)) bad.push(ms);
    expect(bad).toEqual([]);
  });
});
