import { StrategyParamsError } from '../domain/errors.js';
import { getStrategy, type StrategyParams } from '../domain/strategy.js';
import type { BacktestValues } from '../cli/backtest-command.js';
import { iso } from '../cli/cli-context.js';
import type { SweepJob, SweepResult } from './sweep-pool-job.js';
import type { WalkForwardWindow } from './walk-forward-plan.js';

/** What the train runs are ranked by. */
export type Objective = 'sharpe' | 'return' | 'profit-factor';
export const OBJECTIVES: readonly Objective[] = ['sharpe', 'return', 'profit-factor'];

/** What a walk-forward runs: the backtest options (from/to are set per window), valid param combos, windows, objective. */
export interface WalkForwardSpec {
  readonly values: BacktestValues;
  readonly windows: readonly WalkForwardWindow[];
  /** Valid combos in grid order (see validCombos), merged over the policy's params by each job. */
  readonly combos: readonly StrategyParams[];
  readonly objective: Objective;
}

/** Runs jobs, results in job order (a sweep pool's run, or a sequential loop); threadId when a worker ran the job. */
export type JobRunner = (jobs: readonly SweepJob[]) => Promise<readonly (SweepResult & { threadId?: number })[]>;

/** A window's chosen params, their train score and their out-of-sample (test) results. */
export interface WindowResult extends WalkForwardWindow {
  readonly params: StrategyParams;
  readonly trainScore: number | null;
  readonly test: { readonly totalReturnPct: number | null; readonly sharpe: number | null; readonly trades: number; readonly profitFactor: number | null };
}

/** The test windows stitched together (each test starts from the policy's starting cash; returns are compounded). */
export interface WalkForwardSummary {
  readonly windows: number;
  readonly compoundedReturnPct: number;
  readonly totalTrades: number;
  /** Over the windows whose test Sharpe is defined (windowsWithSharpe); null when none is. */
  readonly meanTestSharpe: number | null;
  readonly medianTestSharpe: number | null;
  readonly windowsWithSharpe: number;
  readonly profitableWindowsPct: number;
}

/** Everything a walk-forward reports: only out-of-sample results, plus which worker threads ran the jobs. */
export interface WalkForwardResult {
  readonly windows: readonly WindowResult[];
  readonly summary: WalkForwardSummary;
  readonly jobs: number;
  /** Distinct worker thread ids that ran jobs, ascending (empty when run in this thread). */
  readonly threadIds: readonly number[];
}

/** The combos the strategy accepts (merged over `base`), in grid order, and how many it refused (e.g. fast ≥ slow). */
export function validCombos(strategy: string, base: StrategyParams, combos: readonly StrategyParams[]): { valid: StrategyParams[]; skipped: number } {
  const s = getStrategy(strategy);
  const valid = combos.filter((combo) => {
    try {
      s.requiredCandles({ ...base, ...combo });
      return true;
    } catch (error) {
      if (error instanceof StrategyParamsError) return false;
      throw error;
    }
  });
  return { valid, skipped: combos.length - valid.length };
}

/** The run's score under the objective; null (cannot rank) when the metric is undefined, e.g. Sharpe with no variance. */
export function scoreOf(result: SweepResult, objective: Objective): number | null {
  if (objective === 'sharpe') return result.sharpe;
  if (objective === 'return') return result.totalReturnPct;
  return result.profitFactor;
}

/** The index of the highest score; ties go to the earliest (grid order); null never beats a number; all null → 0. */
export function selectBest(scores: readonly (number | null)[]): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) {
    const s = scores[i]!;
    const b = scores[best]!;
    if (s !== null && (b === null || s > b)) best = i;
  }
  return best;
}

/** Stitches the test windows: compounded return, total trades, mean/median test Sharpe, share of profitable windows. */
export function summarize(windows: readonly WindowResult[]): WalkForwardSummary {
  const growth = windows.reduce((g, w) => g * (1 + (w.test.totalReturnPct ?? 0) / 100), 1);
  const sharpes = windows.map((w) => w.test.sharpe).filter((s): s is number => s !== null).sort((a, b) => a - b);
  const mid = Math.floor(sharpes.length / 2);
  return {
    windows: windows.length,
    compoundedReturnPct: (growth - 1) * 100,
    totalTrades: windows.reduce((n, w) => n + w.test.trades, 0),
    meanTestSharpe: sharpes.length === 0 ? null : sharpes.reduce((a, s) => a + s, 0) / sharpes.length,
    medianTestSharpe: sharpes.length === 0 ? null : sharpes.length % 2 ? sharpes[mid]! : (sharpes[mid - 1]! + sharpes[mid]!) / 2,
    windowsWithSharpe: sharpes.length,
    profitableWindowsPct: windows.length === 0 ? 0 : (windows.filter((w) => (w.test.totalReturnPct ?? 0) > 0).length / windows.length) * 100,
  };
}

/**
 * Every combo on every train window (one batch), the best per window by the objective, then each window's choice on its
 * test window (a second batch). Every run loads requiredCandles candles before its period to warm up and is scored on
 * its period only, so a test run trades from the first test candle and never on train data.
 */
export async function walkForward(spec: WalkForwardSpec, run: JobRunner): Promise<WalkForwardResult> {
  const { values, windows, combos, objective } = spec;
  if (combos.length === 0) throw new RangeError('no valid param combination in the grid');
  const job = (label: string, params: StrategyParams, from: number, to: number): SweepJob => ({
    label: `${label} ${describeParams(params)}`, values: { ...values, from: iso(from), to: iso(to) }, params, warmup: true,
  });
  const trainJobs = windows.flatMap((w, i) => combos.map((c) => job(`window ${i + 1} train`, c, w.trainFrom, w.trainTo)));
  const train = await run(trainJobs);
  const chosen = windows.map((_, i) => {
    const scores = train.slice(i * combos.length, (i + 1) * combos.length).map((r) => scoreOf(r, objective));
    const best = selectBest(scores);
    return { params: combos[best]!, trainScore: scores[best]! };
  });
  const test = await run(windows.map((w, i) => job(`window ${i + 1} test`, chosen[i]!.params, w.testFrom, w.testTo)));
  const results: WindowResult[] = windows.map((w, i) => {
    const t = test[i]!;
    return { ...w, ...chosen[i]!, test: { totalReturnPct: t.totalReturnPct, sharpe: t.sharpe, trades: t.trades, profitFactor: t.profitFactor } };
  });
  const threadIds = [...new Set([...train, ...test].flatMap((r) => (r.threadId === undefined ? [] : [r.threadId])))].sort((a, b) => a - b);
  return { windows: results, summary: summarize(results), jobs: trainJobs.length + windows.length, threadIds };
}

/** `fast=10,slow=50`. */
export function describeParams(params: StrategyParams): string {
  return Object.entries(params).map(([k, v]) => `${k}=${v}`).join(',');
}
