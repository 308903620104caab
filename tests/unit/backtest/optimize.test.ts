import { describe, expect, it } from 'vitest';
import { holdoutCut, mulberry32, optimizeSpec, sampleIndices } from '../../../shared/backtest/optimize.js';
import { formatOptimize, rankOrder } from '../../../shared/backtest/optimize-report.js';
import type { SweepResult } from '../../../shared/backtest/sweep-pool-job.js';
import { parseGrid } from '../../../shared/backtest/walk-forward-plan.js';
import { nextStage, planResearch, reduceResearch, renderResearch } from '../../../shared/research/plans.js';

const BASE = { strategy: 'sma-cross', symbols: 'BTC/USDT', timeframe: '1m', from: '2021-05-17', to: '2021-05-19', data: 'shared/local/data' };
const MIN = 60_000;

const result = (over: Partial<SweepResult> = {}): SweepResult => ({
  trades: 3, sharpe: null, totalReturnPct: 0, profitFactor: null, finalBalance: '10000', maxDrawdownPct: 1, calmar: null, killSwitch: null, ...over,
});

describe('parseGrid ranges a..b:step', () => {
  it('expands ranges (inclusive end, step default 1, decimal steps without float noise) next to listed values', () => {
    expect(parseGrid('fast=5..50:5;slow=50..200:10').combos).toHaveLength(10 * 16);
    expect(parseGrid('x=1..3,7').combos.map((c) => c.x)).toEqual([1, 2, 3, 7]);
    expect(parseGrid('x=0.1..0.5:0.1').combos.map((c) => c.x)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(parseGrid('x=1..2:0.3').combos.map((c) => c.x)).toEqual([1, 1.3, 1.6, 1.9]);
    expect(parseGrid('x=1..3,5..6:0.5').combos.map((c) => c.x)).toEqual([1, 2, 3, 5, 5.5, 6]);
  });
  it.each([
    ['x=5..1', /ends before it starts/], ['x=1..5:0', /step .* must be > 0/], ['x=1..5:-1', /must be > 0/],
    ['x=a..5', /expected a range/], ['x=1..', /expected a range/], ['x=..5', /expected a range/], ['x=1..5:', /expected a range/],
    ['x=1..2..3', /expected a range/], ['x=0..100000', /at most 10000/], ['x=1..3,2', /repeats a value/],
  ])('refuses %j naming the param', (text, message) => {
    expect(() => parseGrid(text)).toThrow(RangeError);
    expect(() => parseGrid(text)).toThrow(message);
  });
});

describe('--random sampling', () => {
  it('mulberry32 is the documented generator (first draws of seed 42, as published for mulberry32)', () => {
    const next = mulberry32(42);
    expect([next(), next(), next()].map((x) => x.toFixed(8))).toEqual(['0.60110375', '0.44829056', '0.85246579']);
  });
  it('draws N distinct indices in grid order, the same for the same seed, others for another seed', () => {
    const a = sampleIndices(160, 12, 7);
    expect(a).toEqual(sampleIndices(160, 12, 7));
    expect(new Set(a).size).toBe(12);
    expect(a).toEqual([...a].sort((x, y) => x - y));
    expect(a.every((i) => i >= 0 && i < 160)).toBe(true);
    expect(sampleIndices(160, 12, 8)).not.toEqual(a);
    expect(sampleIndices(5, 9, 1)).toEqual([0, 1, 2, 3, 4]);
  });
  it('plans the same jobs in the same order for the same seed', () => {
    const options = { ...BASE, grid: 'fast=5..50:5;slow=50..200:10', random: '8', seed: '3' };
    const jobs = planResearch('optimize', options);
    expect(jobs).toHaveLength(8);
    expect(planResearch('optimize', options)).toEqual(jobs);
    expect(planResearch('optimize', { ...options, seed: '4' })).not.toEqual(jobs);
  });
});

describe('ranking', () => {
  it('orders by score descending, nulls last, ties in grid order', () => {
    expect(rankOrder([1, null, 3, 3, -2, null, 1])).toEqual([2, 3, 0, 6, 4, 1, 5]);
    expect(rankOrder([null, null])).toEqual([0, 1]);
  });
  it('ranks by the objective, picks the earliest of tied winners for the holdout, and reports top N', () => {
    const options = { ...BASE, grid: 'fast=5,10,15;slow=30', objective: 'calmar', top: '2' };
    const inSample = [result({ calmar: 2 }), result({ calmar: 5 }), result({ calmar: 5 })];
    const [holdout] = nextStage('optimize', options, inSample);
    expect(holdout!.params).toEqual({ fast: 10, slow: 30 });
    const report = reduceResearch('optimize', options, [...inSample, result({ calmar: -1, trades: 9 })]) as any;
    expect(report.ranked.map((r: any) => [r.rank, r.params.fast, r.calmar])).toEqual([[1, 10, 5], [2, 15, 5]]);
    expect(report.best.holdout).toMatchObject({ trades: 9, calmar: -1 });
    const text = renderResearch('optimize', report);
    expect(text).toMatch(/^rank\s+params\s+trades\s+sharpe\s+return %\s+profit factor\s+max dd %\s+calmar\n1\s+fast=10,slow=30/);
    expect(text).toMatch(/top 2 of 3 in-sample runs by calmar/);
    expect(text).toMatch(/\nin-sample\s+2021-05-17\.\.2021-05-18T14:24:00Z\s+3 .*5\.000\nholdout\s+2021-05-18T14:24:00Z\.\.2021-05-19\s+9 .*-1\.000\n$/);
    expect(formatOptimize(report)).toBe(text);
  });
});

describe('holdout window', () => {
  it('cuts the last 20% (to a candle boundary) off the in-sample runs and runs only the winner on it', () => {
    const options = { ...BASE, grid: 'fast=5,10;slow=30' };
    const from = Date.parse('2021-05-17T00:00:00Z');
    const to = Date.parse('2021-05-19T00:00:00Z');
    const cut = from + 0.8 * (to - from);
    const jobs = planResearch('optimize', options);
    expect(jobs.map((j) => [j.values.from, j.values.to])).toEqual([['2021-05-17T00:00:00Z', new Date(cut).toISOString().replace('.000', '')],
      ['2021-05-17T00:00:00Z', new Date(cut).toISOString().replace('.000', '')]]);
    const [holdout] = nextStage('optimize', options, [result(), result()]);
    expect([Date.parse(holdout!.values.from!), Date.parse(holdout!.values.to!)]).toEqual([cut, to]);
    expect(jobs.every((j) => Date.parse(j.values.to!) <= cut)).toBe(true);
    expect(holdoutCut(0, 10 * MIN + 30_000, 20, MIN)).toBe(8 * MIN);
    expect(() => holdoutCut(0, 2 * MIN, 99, MIN)).toThrow(/leaves no candle/);
  });
  it.each(['0%', '100%', '20', 'x%'])('refuses --holdout %s', (holdout) => {
    expect(() => optimizeSpec({ ...BASE, grid: 'fast=5;slow=30', holdout })).toThrow(/--holdout must be a percentage/);
  });
  it('refuses a bad objective, --top, --random and a grid with no valid combo', () => {
    expect(() => optimizeSpec({ ...BASE, grid: 'fast=5;slow=30', objective: 'sortino' })).toThrow(/--objective must be one of sharpe, return, profit-factor, calmar/);
    expect(() => optimizeSpec({ ...BASE, grid: 'fast=5;slow=30', top: '0' })).toThrow(/--top must be an integer/);
    expect(() => optimizeSpec({ ...BASE, grid: 'fast=5;slow=30', random: '1.5' })).toThrow(/--random must be an integer/);
    expect(() => optimizeSpec({ ...BASE, grid: 'fast=50;slow=30' })).toThrow(/no valid param combination/);
  });
});

describe('reduceResearch', () => {
  it('refuses a result count that does not match the plan (a missing AWS result file)', () => {
    const options = { ...BASE, grid: 'fast=5,10;slow=30' };
    expect(() => reduceResearch('optimize', options, [result(), result()])).toThrow(/expected 3 results \(2 in-sample, 1 holdout\), got 2/);
    expect(() => reduceResearch('cost-sweep', { ...BASE, levels: '0,5,5' }, [result()])).toThrow(/expected 2 results \(one per level\), got 1/);
    expect(() => reduceResearch('walk-forward', { ...options, train: '1d', test: '12h' }, [result()])).toThrow(/expected 6 results \(4 train, 2 test\), got 1/);
  });
});
