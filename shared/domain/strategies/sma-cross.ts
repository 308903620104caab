import { StrategyParamsError } from '../errors.js';
import type { SignalScreen, Strategy, StrategyInput, StrategyParams, StrategySignal } from '../strategy.js';
import { RollingWindow } from './rolling.js';

/**
 * SMA-cross params (policy `strategies[].params`):
 * - fast: period of the fast SMA of closes (integer ≥ 1). Default 20.
 * - slow: period of the slow SMA of closes (integer > fast). Default 50.
 * Needs slow + 1 closed candles: the cross compares this candle's SMAs with the previous candle's.
 */
export const SMA_CROSS_DEFAULTS = { fast: 20, slow: 50 } as const;

type SmaCrossParams = { -readonly [K in keyof typeof SMA_CROSS_DEFAULTS]: number };

/** Params with defaults filled in; throws StrategyParamsError on unknown names or unusable values. */
export function smaCrossParams(params: StrategyParams): SmaCrossParams {
  const problems = Object.keys(params)
    .filter((k) => !(k in SMA_CROSS_DEFAULTS))
    .map((k) => `unknown param "${k}" (known: ${Object.keys(SMA_CROSS_DEFAULTS).join(', ')})`);
  const p: SmaCrossParams = { ...SMA_CROSS_DEFAULTS, ...params };
  if (!Number.isInteger(p.fast) || p.fast < 1) problems.push(`fast must be an integer ≥ 1, got ${p.fast}`);
  if (!Number.isInteger(p.slow) || p.slow < 2) problems.push(`slow must be an integer ≥ 2, got ${p.slow}`);
  if (p.fast >= p.slow) problems.push(`fast ${p.fast} must be below slow ${p.slow}`);
  if (problems.length) throw new StrategyParamsError('sma-cross', problems);
  return p;
}

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
export const smaCross: Strategy = {
  name: 'sma-cross',
  requiredCandles(params: StrategyParams): number {
    return smaCrossParams(params).slow + 1;
  },
  evaluate({ candles, holding, params }: StrategyInput): StrategySignal | undefined {
    const p = smaCrossParams(params);
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
};

/** Relative tolerance between the running-sum SMAs and evaluate()'s summed ones (float rounding is ~1e-15). */
const SCREEN_TOLERANCE = 1e-9;

/**
 * evaluate()'s cross test on running sums: may signal when the SMAs are within tolerance of the crossing
 * conditions, so a near-tie is always left to evaluate(); certainly quiet otherwise.
 */
function smaCrossScreen(params: StrategyParams): SignalScreen {
  const { fast, slow } = smaCrossParams(params);
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
