import { describe, expect, it } from 'vitest';
import type { SweepJob, SweepResult } from '../../../shared/backtest/sweep-pool-job.js';
import { parseDuration, parseGrid, rollingWindows } from '../../../shared/backtest/walk-forward-plan.js';
import {
  scoreOf, selectBest, summarize, validCombos, walkForward, type WindowResult,
} from '../../../shared/backtest/walk-forward.js';

const DAY = 86_400_000;
const T0 = Date.parse('2021-01-01T00:00:00Z');

describe('parseDuration', () => {
  it.each([['90d', 90 * DAY], ['12h', 12 * 3_600_000], ['30m', 30 * 60_000], ['2w', 14 * DAY], [' 7d ', 7 * DAY]])('reads %j', (text, ms) => {
    expect(parseDuration(text, '--train')).toBe(ms);
  });
  it.each(['', '0d', '90', 'd', '1.5d', '-3d', '3y'])('refuses %j, naming the option', (text) => {
    expect(() => parseDuration(text, '--test')).toThrow(/--test must be a duration/);
  });
});

describe('parseGrid', () => {
  it('expands the cartesian product with the first param varying slowest', () => {
    const grid = parseGrid('fast=10,20,30;slow=50,100');
    expect(grid.names).toEqual(['fast', 'slow']);
    expect(grid.combos).toEqual([
      { fast: 10, slow: 50 }, { fast: 10, slow: 100 }, { fast: 20, slow: 50 }, { fast: 20, slow: 100 }, { fast: 30, slow: 50 }, { fast: 30, slow: 100 },
    ]);
  });
  it('accepts one param, spaces and a trailing semicolon', () => {
    expect(parseGrid(' lookback = 10, 20 ; ').combos).toEqual([{ lookback: 10 }, { lookback: 20 }]);
    expect(parseGrid('entryThreshold=1.5,-2').combos).toEqual([{ entryThreshold: 1.5 }, { entryThreshold: -2 }]);
  });
  it.each(['', 'fast', 'fast=', '=10', 'fast=10,x', 'fast=10,,20', 'fast=10,10', 'fast=10;fast=20'])('refuses %j', (text) => {
    expect(() => parseGrid(text)).toThrow(RangeError);
  });
});

describe('rollingWindows', () => {
  it('rolls train then test by the step, keeping only windows whose test ends by `to`', () => {
    const windows = rollingWindows({ from: T0, to: T0 + 100 * DAY, train: 30 * DAY, test: 20 * DAY, step: 20 * DAY });
    expect(windows.map((w) => [w.trainFrom, w.trainTo, w.testFrom, w.testTo].map((t) => (t - T0) / DAY))).toEqual([
      [0, 30, 30, 50], [20, 50, 50, 70], [40, 70, 70, 90],
    ]);
  });
  it('keeps a window ending exactly at `to` and allows a step shorter than the test (overlapping tests)', () => {
    const windows = rollingWindows({ from: T0, to: T0 + 40 * DAY, train: 30 * DAY, test: 10 * DAY, step: 5 * DAY });
    expect(windows).toHaveLength(1);
    expect(windows[0]!.testTo).toBe(T0 + 40 * DAY);
    expect(rollingWindows({ from: T0, to: T0 + 50 * DAY, train: 30 * DAY, test: 10 * DAY, step: 5 * DAY })).toHaveLength(3);
  });
  it('throws when no window fits or a duration is not positive', () => {
    expect(() => rollingWindows({ from: T0, to: T0 + 39 * DAY, train: 30 * DAY, test: 10 * DAY, step: 10 * DAY })).toThrow(/no walk-forward window/);
    expect(() => rollingWindows({ from: T0, to: T0 + 99 * DAY, train: 30 * DAY, test: 10 * DAY, step: 0 })).toThrow(RangeError);
  });
});

describe('selectBest', () => {
  it.each([
    ['the highest score', [1, 3, 2], 1],
    ['the first of tied scores (grid order)', [1, 3, 3, 2], 1],
    ['a number over null, wherever it is', [null, null, -5], 2],
    ['a negative number over an earlier null', [null, -1, null], 1],
    ['the first combo when no score is defined', [null, null], 0],
  ] as const)('picks %s', (_, scores, index) => {
    expect(selectBest(scores)).toBe(index);
  });
});

const result = (r: Partial<SweepResult>): SweepResult => ({ trades: 1, sharpe: null, totalReturnPct: null, profitFactor: null, finalBalance: '0', ...r });

describe('scoreOf', () => {
  it('reads the metric the objective names', () => {
    const r = result({ sharpe: 1.5, totalReturnPct: -2, profitFactor: 0.8 });
    expect([scoreOf(r, 'sharpe'), scoreOf(r, 'return'), scoreOf(r, 'profit-factor')]).toEqual([1.5, -2, 0.8]);
  });
});

describe('validCombos', () => {
  it('keeps the combos sma-cross accepts, in order, counting the rest (fast ≥ slow), merged over the policy params', () => {
    const { valid, skipped } = validCombos('sma-cross', {}, parseGrid('fast=10,50,60;slow=50,100').combos);
    expect(valid).toEqual([{ fast: 10, slow: 50 }, { fast: 10, slow: 100 }, { fast: 50, slow: 100 }, { fast: 60, slow: 100 }]);
    expect(skipped).toBe(2);
    expect(validCombos('sma-cross', { slow: 30 }, [{ fast: 10 }, { fast: 40 }])).toEqual({ valid: [{ fast: 10 }], skipped: 1 });
  });
  it('throws on an unknown strategy rather than skipping everything', () => {
    expect(() => validCombos('no-such-strategy', {}, [{ fast: 1 }])).toThrow();
  });
});

const window = (testReturn: number | null, sharpe: number | null, trades = 2): WindowResult => ({
  trainFrom: 0, trainTo: 1, testFrom: 1, testTo: 2, params: {}, trainScore: null,
  test: { totalReturnPct: testReturn, sharpe, trades, profitFactor: null },
});

describe('summarize', () => {
  it('compounds test returns, adds trades, takes mean and median of defined Sharpes and the share of profitable windows', () => {
    const s = summarize([window(10, 1), window(-10, null, 3), window(5, 4), window(0, -2, 0)]);
    expect(s.compoundedReturnPct).toBeCloseTo((1.1 * 0.9 * 1.05 - 1) * 100, 12);
    expect(s.totalTrades).toBe(7);
    expect(s.meanTestSharpe).toBeCloseTo(1, 12);
    expect(s.medianTestSharpe).toBe(1);
    expect(s.windowsWithSharpe).toBe(3);
    expect(s.profitableWindowsPct).toBe(50);
    expect(summarize([window(1, 1), window(1, 4)]).medianTestSharpe).toBe(2.5);
    expect(summarize([window(1, null)])).toMatchObject({ meanTestSharpe: null, medianTestSharpe: null, windowsWithSharpe: 0 });
  });
});

describe('walkForward with an in-memory runner', () => {
  /** Scores each job by a table keyed on window start and params, so the choice per window is known in advance. */
  const TRAIN_SHARPE: Record<string, number | null> = {
    '2021-01-01 fast=1': 0.5, '2021-01-01 fast=2': 2, '2021-01-01 fast=3': 2,
    '2021-01-11 fast=1': null, '2021-01-11 fast=2': -1, '2021-01-11 fast=3': -0.5,
  };
  const seen: SweepJob[][] = [];
  const runner = async (jobs: readonly SweepJob[]) => {
    seen.push([...jobs]);
    return jobs.map((j) => {
      const key = `${j.values.from!.slice(0, 10)} fast=${j.params!.fast}`;
      const isTest = j.label.includes('test');
      return result({ sharpe: isTest ? j.params!.fast! : TRAIN_SHARPE[key]!, totalReturnPct: isTest ? j.params!.fast! : 0, trades: 4 });
    });
  };

  it('picks the best train combo per window (first on ties) and reports the test run of that choice on the next period', async () => {
    const windows = rollingWindows({ from: T0, to: T0 + 30 * DAY, train: 10 * DAY, test: 10 * DAY, step: 10 * DAY });
    const r = await walkForward({ values: { strategy: 'sma-cross', symbols: 'BTC/USDT', timeframe: '1h', data: 'x' }, windows,
      combos: [{ fast: 1 }, { fast: 2 }, { fast: 3 }], objective: 'sharpe' }, runner);
    expect(r.windows.map((w) => [w.params, w.trainScore])).toEqual([[{ fast: 2 }, 2], [{ fast: 3 }, -0.5]]);
    expect(r.windows.map((w) => w.test.sharpe)).toEqual([2, 3]);
    expect(r.summary.compoundedReturnPct).toBeCloseTo((1.02 * 1.03 - 1) * 100, 12);
    expect(r.jobs).toBe(8);
    expect(r.threadIds).toEqual([]);
    const [train, test] = seen;
    expect(train).toHaveLength(6);
    expect(test!.map((j) => [j.values.from, j.values.to, j.params, j.warmup])).toEqual([
      ['2021-01-11T00:00:00Z', '2021-01-21T00:00:00Z', { fast: 2 }, true],
      ['2021-01-21T00:00:00Z', '2021-01-31T00:00:00Z', { fast: 3 }, true],
    ]);
    expect(train!.every((j) => j.warmup && j.label.startsWith('window '))).toBe(true);
  });

  it('refuses an empty set of combos', async () => {
    const windows = rollingWindows({ from: T0, to: T0 + 20 * DAY, train: 10 * DAY, test: 10 * DAY, step: 10 * DAY });
    await expect(walkForward({ values: {}, windows, combos: [], objective: 'return' }, runner)).rejects.toThrow(/no valid param/);
  });
});
