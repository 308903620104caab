import * as z from 'zod';
import type { Candle } from '../candle.js';
import type { PlotLine, SignalScreen, StrategySignal } from '../strategy.js';
import { defineStrategy, type ParamsOf } from '../strategy-define.js';
import { RollingWindow } from './rolling.js';

/**
 * SMA-cross params (policy `strategies[].params`):
 * - fast: period of the fast SMA of closes (integer 1..998). Default 20.
 * - slow: period of the slow SMA of closes (integer 2..999, above fast). Default 50.
 * Needs slow + 1 closed candles: the cross compares this candle's SMAs with the previous candle's.
 */
export const SMA_CROSS_DEFAULTS = { fast: 20, slow: 50 } as const;

type FastSlow = { fast: number; slow: number };

const params = z.strictObject({
  fast: z.number().int().min(1).max(998).default(SMA_CROSS_DEFAULTS.fast).describe('fast SMA period, closes'),
  slow: z.number().int().min(2).max(999).default(SMA_CROSS_DEFAULTS.slow).describe('slow SMA period, closes'),
}).refine((p) => p.fast < p.slow, { path: ['fast'], error: (i) => `fast ${(i.input as FastSlow).fast} must be below slow ${(i.input as FastSlow).slow}` });

type SmaCrossParams = ParamsOf<typeof params>;

/** Mean of closes[end - period, end) (float indicator maths). */
function smaAt(closes: readonly number[], end: number, period: number): number {
  let s = 0;
  for (let i = end - period; i < end; i++) s += closes[i]!;
  return s / period;
}

/**
 * Moving-average crossover on closes, long only, one position per symbol. Buy when flat and the fast SMA
 * crosses above the slow one (fast > slow on this candle, fast ≤ slow on the previous); sell when holding
 * and it crosses below (fast < slow now, fast ≥ slow before). Score is (fast − slow) / slow.
 */
export const smaCross = defineStrategy({
  name: 'sma-cross',
  summary: 'trend: buy when the fast SMA crosses above the slow one, sell when it crosses below',
  params,
  requiredCandles: (p) => p.slow + 1,
  evaluate({ candles, holding, params: p }): StrategySignal | undefined {
    const n = candles.length;
    if (n < p.slow + 1) return undefined;
    const closes = candles.slice(-(p.slow + 1)).map((c) => c.close);
    const m = closes.length;
    const fast = smaAt(closes, m, p.fast);
    const slow = smaAt(closes, m, p.slow);
    const prevFast = smaAt(closes, m - 1, p.fast);
    const prevSlow = smaAt(closes, m - 1, p.slow);
    const score = (fast - slow) / slow;
    const stat = `SMA${p.fast}=${fast.toFixed(6)} SMA${p.slow}=${slow.toFixed(6)} (before ${prevFast.toFixed(6)} / ${prevSlow.toFixed(6)})`;
    if (!holding && fast > slow && prevFast <= prevSlow) return { side: 'buy', kind: 'entry', score, reason: `${stat}: fast crossed above slow` };
    if (holding && fast < slow && prevFast >= prevSlow) return { side: 'sell', kind: 'exit', score, reason: `${stat}: fast crossed below slow` };
    return undefined;
  },
  screen: smaCrossScreen,
  plot: (candles, p) => [smaLine(candles, p.fast), smaLine(candles, p.slow)],
});

/** Params with defaults filled in; throws StrategyParamsError on unknown names or unusable values. */
export function smaCrossParams(raw: Readonly<Record<string, number>>): SmaCrossParams {
  return smaCross.parseParams(raw);
}

/** SMA(period) of closes at each candle, null before `period` candles. */
function smaLine(candles: readonly Candle[], period: number): PlotLine {
  const values: (number | null)[] = [];
  let sum = 0;
  for (let i = 0; i < candles.length; i++) {
    sum += candles[i]!.close - (i >= period ? candles[i - period]!.close : 0);
    values.push(i + 1 >= period ? sum / period : null);
  }
  return { name: `SMA ${period}`, values };
}

/** Relative tolerance between the running-sum SMAs and evaluate()'s summed ones (float rounding is ~1e-15). */
const SCREEN_TOLERANCE = 1e-9;

/**
 * evaluate()'s cross test on running sums: may signal when the SMAs are within tolerance of the crossing
 * conditions, so a near-tie is always left to evaluate(); certainly quiet otherwise.
 */
function smaCrossScreen({ fast, slow }: SmaCrossParams): SignalScreen {
  const w = new RollingWindow(slow + 1, [fast, slow]);
  return {
    push: (close) => w.push(close),
    maybe(holding) {
      if (w.count < slow + 1) return false;
      const newest = w.at(0);
      const sumFast = w.sum(0);
      const sumSlow = w.sum(1);
      const f = sumFast / fast;
      const s = sumSlow / slow;
      const pf = (sumFast - newest + w.at(fast)) / fast;
      const ps = (sumSlow - newest + w.at(slow)) / slow;
      const tol = SCREEN_TOLERANCE * Math.max(Math.abs(s), Math.abs(ps));
      if (!Number.isFinite(f + s + pf + ps)) return true;
      return holding ? f - s < tol && pf - ps > -tol : f - s > -tol && pf - ps < tol;
    },
  };
}
