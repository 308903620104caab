import { StrategyParamsError } from '../errors.js';
import { logReturns, sampleStdev } from '../indicators.js';
import type { SignalScreen, Strategy, StrategyInput, StrategyParams, StrategySignal } from '../strategy.js';
import { RollingWindow } from './rolling.js';

/**
 * Momentum params (policy `strategies[].params`):
 * - lookback: N, closed candles whose log returns are summed (integer ≥ 2; needs N + 1 candles). Default 30.
 * - entryThreshold: buy when flat and M > this. Default 6.
 * - exitThreshold: sell when holding and M < this (must not exceed entryThreshold). Default 0.
 * M = sum of the last N log returns / their sample stdev = √N × t-statistic of the mean return. For iid
 * returns M ≈ N(0, √N): with N = 30 (σ ≈ 5.5) a threshold of 6 fires only on sustained trends.
 */
export const MOMENTUM_DEFAULTS = { lookback: 30, entryThreshold: 6, exitThreshold: 0 } as const;

/** Below this the returns count as constant (stdev zero): no signal. 1m crypto returns have σ ≈ 1e-4..1e-3. */
const MIN_STDEV = 1e-12;

type MomentumParams = { -readonly [K in keyof typeof MOMENTUM_DEFAULTS]: number };

/** Params with defaults filled in; throws StrategyParamsError on unknown names or unusable values. */
export function momentumParams(params: StrategyParams): MomentumParams {
  const problems = Object.keys(params)
    .filter((k) => !(k in MOMENTUM_DEFAULTS))
    .map((k) => `unknown param "${k}" (known: ${Object.keys(MOMENTUM_DEFAULTS).join(', ')})`);
  const p: MomentumParams = { ...MOMENTUM_DEFAULTS, ...params };
  if (!Number.isInteger(p.lookback) || p.lookback < 2) problems.push(`lookback must be an integer ≥ 2, got ${p.lookback}`);
  if (!Number.isFinite(p.entryThreshold) || !Number.isFinite(p.exitThreshold)) problems.push('thresholds must be finite');
  if (p.exitThreshold > p.entryThreshold) problems.push(`exitThreshold ${p.exitThreshold} exceeds entryThreshold ${p.entryThreshold}`);
  if (problems.length) throw new StrategyParamsError('momentum', problems);
  return p;
}

/** momentumParams of a params object, kept per object (policy params are read-only). */
const paramsOf = new WeakMap<StrategyParams, MomentumParams>();

function cachedParams(params: StrategyParams): MomentumParams {
  let p = paramsOf.get(params);
  if (!p) { p = momentumParams(params); paramsOf.set(params, p); }
  return p;
}

/** The log returns of the last lookback + 1 closes (logReturns of them, without the intermediate arrays). */
function windowReturns(candles: readonly { readonly close: number }[], lookback: number): number[] {
  const from = candles.length - lookback - 1;
  const closes: number[] = new Array<number>(lookback + 1);
  for (let i = 0; i <= lookback; i++) closes[i] = candles[from + i]!.close;
  return logReturns(closes);
}

/** Time-series momentum on closes: enter on a strong risk-adjusted trend, exit when it turns. Long only. */
export const momentum: Strategy = {
  name: 'momentum',
  requiredCandles(params: StrategyParams): number {
    return cachedParams(params).lookback + 1;
  },
  evaluate({ candles, holding, params }: StrategyInput): StrategySignal | undefined {
    const p = cachedParams(params);
    if (candles.length < p.lookback + 1) return undefined;
    const returns = windowReturns(candles, p.lookback);
    const sd = sampleStdev(returns);
    if (!(sd > MIN_STDEV)) return undefined;
    let total = 0;
    for (const r of returns) total += r;
    const m = total / sd;
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
};

/** Tolerance on M between the running sums and evaluate()'s two-pass statistics (relative, plus absolute). */
const SCREEN_TOLERANCE = 1e-6;

/**
 * evaluate()'s thresholds on running sums of the log returns and their squares: may signal within
 * tolerance of a threshold, whenever the one-pass variance has lost precision (near-constant returns,
 * stdev near MIN_STDEV) and whenever the window holds a close evaluate() would reject; else quiet.
 */
function momentumScreen(params: StrategyParams): SignalScreen {
  const p = momentumParams(params);
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
