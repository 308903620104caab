// `stratus optimize` planning: the grid (or a seeded sample of it), the in-sample window and the held-out tail, and
// the jobs (stage 1: every combo in-sample; stage 2: the in-sample winner on the holdout). Pure: no I/O, no clock.
import { timeframeMs } from '../domain/candle.js';
import type { StrategyParams } from '../domain/strategy.js';
import type { BacktestValues } from '../cli/backtest-command.js';
import { iso } from '../cli/cli-context.js';
import { required, runOptions } from '../cli/cli-args.js';
import type { SweepJob } from './sweep-pool-job.js';
import { parseGrid } from './walk-forward-plan.js';
import { describeParams, validCombos } from './walk-forward.js';
import { mulberry32 } from '../domain/prng.js';

/** What the in-sample runs are ranked by; calmar is BacktestMetrics.calmar (CAGR / max drawdown, both ratios). */
export type OptimizeObjective = 'sharpe' | 'return' | 'profit-factor' | 'calmar';
/** The objectives --objective accepts, in help order. */
export const OPTIMIZE_OBJECTIVES: readonly OptimizeObjective[] = ['sharpe', 'return', 'profit-factor', 'calmar'];

/** Options of `stratus optimize` as parseArgs returns them (plus the policy's params, resolved by the caller). */
export interface OptimizeValues extends BacktestValues {
  grid?: string; random?: string; objective?: string; holdout?: string; top?: string; workers?: string;
  baseParams?: StrategyParams;
}

/** An optimize run, checked: its backtest options, the combos in grid order, the windows, objective and table size. */
export interface OptimizeSpec {
  readonly values: BacktestValues;
  readonly combos: readonly StrategyParams[];
  /** Combos in the grid's whole space, and how many of them the strategy refused (e.g. fast ≥ slow). */
  readonly space: number;
  readonly skipped: number;
  readonly objective: OptimizeObjective;
  readonly from: number;
  /** Start of the held-out tail: in-sample is [from, cut), the holdout [cut, to). */
  readonly cut: number;
  readonly to: number;
  readonly holdoutPct: number;
  readonly top: number;
  readonly random: number | null;
  readonly seed: number | null;
}

/** The sampling PRNG of --random (fixed for all versions): shared/domain/prng.ts. */
export { mulberry32 };

/**
 * `n` distinct indices of [0, size), drawn by a partial Fisher–Yates shuffle on mulberry32(seed), returned ascending
 * (grid order); all of them when n ≥ size.
 */
export function sampleIndices(size: number, n: number, seed: number): number[] {
  const next = mulberry32(seed);
  const pool = Array.from({ length: size }, (_, i) => i);
  const take = Math.min(n, size);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(next() * (size - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, take).sort((a, b) => a - b);
}

const positiveInt = (text: string | undefined, name: string, fallback: number): number => {
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be an integer ≥ 1, got ${text}`);
  return n;
};

/** The start of the holdout: `from` plus (100 − pct)% of the span, down to a candle boundary; throws when a side is empty. */
export function holdoutCut(from: number, to: number, pct: number, barMs: number): number {
  const cut = from + Math.floor(((to - from) * (100 - pct)) / 100 / barMs) * barMs;
  if (cut <= from || cut >= to) throw new RangeError(`--holdout ${pct}% leaves no candle on one side of ${iso(from)}..${iso(to)}`);
  return cut;
}

/** Checks the options and builds the spec; throws naming the bad option. */
export function optimizeSpec(values: OptimizeValues): OptimizeSpec {
  const { strategy, timeframe, from, to } = runOptions(values);
  const bar = timeframeMs(timeframe);
  if (from % bar !== 0) throw new RangeError(`--from must fall on ${timeframe} candle boundaries`);
  const grid = parseGrid(required(values.grid, '--grid'));
  const objective = (values.objective ?? 'sharpe') as OptimizeObjective;
  if (!OPTIMIZE_OBJECTIVES.includes(objective)) throw new RangeError(`--objective must be one of ${OPTIMIZE_OBJECTIVES.join(', ')}, got ${values.objective}`);
  const holdout = /^(\d+(?:\.\d+)?)%$/.exec((values.holdout ?? '20%').trim());
  const holdoutPct = holdout ? Number(holdout[1]) : NaN;
  if (!(holdoutPct > 0 && holdoutPct < 100)) throw new RangeError(`--holdout must be a percentage between 0 and 100 like 20%, got ${values.holdout}`);
  const top = positiveInt(values.top, '--top', 10);
  const random = values.random === undefined ? null : positiveInt(values.random, '--random', 1);
  const seed = values.seed === undefined ? null : Number(values.seed);
  if (seed !== null && !Number.isInteger(seed)) throw new RangeError(`--seed must be an integer, got ${values.seed}`);
  const { valid, skipped } = validCombos(strategy, values.baseParams ?? {}, grid.combos);
  if (valid.length === 0) throw new RangeError(`no valid param combination in --grid for ${strategy} (${skipped} refused)`);
  const combos = random === null ? valid : sampleIndices(valid.length, random, seed ?? 0).map((i) => valid[i]!);
  const { symbols, data, policy } = values;
  const backtest = { strategy, symbols, timeframe, data, policy, seed: values.seed, 'fee-bps': values['fee-bps'], 'slippage-bps': values['slippage-bps'] };
  return { values: backtest, combos, space: grid.combos.length, skipped, objective, from, cut: holdoutCut(from, to, holdoutPct, bar), to,
    holdoutPct, top, random, seed };
}

/** One warmed-up run of `params` over [from, to) (see SweepJob.warmup). */
function job(spec: OptimizeSpec, label: string, params: StrategyParams, from: number, to: number): SweepJob {
  return { label: `${label} ${describeParams(params)}`, values: { ...spec.values, from: iso(from), to: iso(to) }, params, warmup: true };
}

/** Stage 1: every combo on the in-sample window [from, cut), in grid order. */
export function inSampleJobs(spec: OptimizeSpec): SweepJob[] {
  return spec.combos.map((c) => job(spec, 'in-sample', c, spec.from, spec.cut));
}

/** Stage 2: the in-sample winner on the holdout [cut, to). */
export function holdoutJob(spec: OptimizeSpec, best: StrategyParams): SweepJob {
  return job(spec, 'holdout', best, spec.cut, spec.to);
}
