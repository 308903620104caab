import * as z from 'zod';
import type { Candle } from '../candle.js';
import { logReturns, sampleStdev } from '../indicators.js';
import type { PlotLine, SignalScreen, StrategySignal } from '../strategy.js';
import { defineStrategy, type ParamsOf } from '../strategy-define.js';
import { RollingWindow } from './rolling.js';

/**
 * Momentum params (policy `strategies[].params`):
 * - lookback: N, closed candles whose log returns are summed (integer 2..999; needs N + 1 candles). Default 30.
 * - entryThreshold: buy when flat and M > this (in [-1000, 1000]). Default 6.
 * - exitThreshold: sell when holding and M < this (in [-1000, 1000], not above entryThreshold). Default 0.
 * M = sum of the last N log returns / their sample stdev = √N × t-statistic of the mean return. For iid
 * returns M ≈ N(0, √N): with N = 30 (σ ≈ 5.5) a threshold of 6 fires only on sustained trends.
 */
export const MOMENTUM_DEFAULTS = { lookback: 30, entryThreshold: 6, exitThreshold: 0 } as const;

/** Below this the returns count as constant (stdev zero): no signal. 1m crypto returns have σ ≈ 1e-4..1e-3. */
const MIN_STDEV = 1e-12;

type Thresholds = { entryThreshold: number; exitThreshold: number };

const params = z.strictObject({
  lookback: z.number().int().min(2).max(999).default(MOMENTUM_DEFAULTS.lookback).describe('log returns summed'),
  entryThreshold: z.number().min(-1000).max(1000).default(MOMENTUM_DEFAULTS.entryThreshold).describe('buy when flat and M is above'),
  exitThreshold: z.number().min(-1000).max(1000).default(MOMENTUM_DEFAULTS.exitThreshold).describe('sell when holding and M is below'),
}).refine((p) => p.exitThreshold <= p.entryThreshold, {
  path: ['exitThreshold'],
  error: (i) => `exitThreshold ${(i.input as Thresholds).exitThreshold} exceeds entryThreshold ${(i.input as Thresholds).entryThreshold}`,
});

type MomentumParams = ParamsOf<typeof params>;

/** The log returns of the lookback + 1 closes ending before candles[end] (logReturns of them, without the intermediate arrays). */
function windowReturns(candles: readonly { readonly close: number }[], lookback: number, end: number): number[] {
  const from = end - lookback - 1;
  const closes: number[] = new Array<number>(lookback + 1);
  for (let i = 0; i <= lookback; i++) closes[i] = candles[from + i]!.close;
  return logReturns(closes);
}

/** M over the lookback + 1 candles ending before candles[end], or undefined when their returns have no spread. */
function statistic(candles: readonly Candle[], lookback: number, end = candles.length): number | undefined {
  const returns = windowReturns(candles, lookback, end);
  const sd = sampleStdev(returns);
  if (!(sd > MIN_STDEV)) return undefined;
  let total = 0;
  for (const r of returns) total += r;
  return total / sd;
}

/** Time-series momentum on closes: enter on a strong risk-adjusted trend, exit when it turns. Long only. */
export const momentum = defineStrategy({
  name: 'momentum',
  summary: 'trend: buy when the summed log returns over their stdev (M) is above entryThreshold, sell below exitThreshold',
  params,
  requiredCandles: (p) => p.lookback + 1,
  evaluate({ candles, holding, params: p }): StrategySignal | undefined {
    if (candles.length < p.lookback + 1) return undefined;
    const m = statistic(candles, p.lookback);
    if (m === undefined) return undefined;
    const stat = `M=${m.toFixed(3)} over ${p.lookback} returns`;
    if (!holding && m > p.entryThreshold) {
      return { side: 'buy', kind: 'entry', score: m, reason: `${stat} > entryThreshold ${p.entryThreshold}` };
    }
    if (holding && m < p.exitThreshold) {
      return { side: 'sell', kind: 'exit', score: m, reason: `${stat} < exitThreshold ${p.exitThreshold}` };
    }
    return undefined;
  },
  screen: momentumScreen,
  plot: (candles, p): PlotLine[] => [{
    name: `M ${p.lookback}`,
    values: candles.map((_, i) => (i >= p.lookback ? statistic(candles, p.lookback, i + 1) ?? null : null)),
  }],
});

/** Params with defaults filled in; throws StrategyParamsError on unknown names or unusable values. */
export function momentumParams(raw: Readonly<Record<string, number>>): MomentumParams {
  return momentum.parseParams(raw);
}

/** Tolerance on M between the running sums and evaluate()'s two-pass statistics (relative, plus absolute). */
const SCREEN_TOLERANCE = 1e-6;

/**
 * evaluate()'s thresholds on running sums of the log returns and their squares: may signal within
 * tolerance of a threshold, whenever the one-pass variance has lost precision (near-constant returns,
 * stdev near MIN_STDEV) and whenever the window holds a close evaluate() would reject; else quiet.
 */
function momentumScreen(p: MomentumParams): SignalScreen {
  const n = p.lookback;
  const returns = new RollingWindow(n, [n]);
  const squares = new RollingWindow(n, [n]);
  let last = Number.NaN;
  let candles = 0;
  let badUntil = -1;
  return {
    push(close) {
      candles += 1;
      if (!(close > 0 && Number.isFinite(close))) badUntil = candles + n;
      if (candles > 1) {
        const r = last > 0 && close > 0 ? Math.log(close / last) : 0;
        returns.push(Number.isFinite(r) ? r : 0);
        squares.push(Number.isFinite(r) ? r * r : 0);
      }
      last = close;
    },
    maybe(holding) {
      if (candles < n + 1) return false;
      if (candles <= badUntil) return true;
      const sum = returns.sum(0);
      const sumSq = squares.sum(0);
      const variance = (sumSq - (sum * sum) / n) / (n - 1);
      if (!(variance > 1e-8 * (sumSq / n)) || !(variance > (MIN_STDEV * 1e3) ** 2)) return true;
      const m = sum / Math.sqrt(variance);
      const tol = SCREEN_TOLERANCE * (1 + Math.abs(m));
      return holding ? m < p.exitThreshold + tol : m > p.entryThreshold - tol;
    },
  };
}
