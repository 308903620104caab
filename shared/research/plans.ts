// Research plans (issue 15): what a research command runs, as SweepJobs, and how their results become its report and
// its terminal text — one code path for the local worker pool and the AWS research stack (shared/research/contract.ts).
//   stage 1 = planResearch(kind, options)                       run them (any order, any machine), results in job order
//   stage 2 = nextStage(kind, options, stage1Results)           [] when the kind has one stage (cost-sweep)
//   report  = reduceResearch(kind, options, [...stage1, ...stage2])   the object `--json` writes
//   text    = renderResearch(kind, report)                      exactly what the local command prints on stdout
// Every function is pure and deterministic: the same options give the same jobs in the same order. `options` is the
// command's parsed options (ResearchOptions) plus `baseParams`, the policy's params for the strategy, which the caller
// resolves (the policy file is read once, before planning) so that planning needs no I/O.
// Stages per kind: walk-forward 1 = every valid combo on every train window (window-major, grid order), 2 = each
// window's best train combo on its test window; optimize 1 = every combo (or the seeded sample) in-sample, 2 = the
// in-sample winner on the holdout (one job); cost-sweep 1 = one job per distinct level, ascending, no stage 2.
import { holdoutJob, inSampleJobs, optimizeSpec, type OptimizeValues } from '../backtest/optimize.js';
import { formatOptimize, optimizeReport, optimizeScore, rankOrder, windowOf, type OptimizeReport } from '../backtest/optimize-report.js';
import type { SweepJob, SweepResult } from '../backtest/sweep-pool-job.js';
import type { StrategyParams } from '../domain/strategy.js';
import type { ResearchKind } from './contract.js';
import { costSweepJobs, costSweepReport, renderCostSweep, type CostSweepOptions, type CostSweepReport } from './plans-cost-sweep.js';
import {
  renderWalkForward, walkForwardReport, walkForwardSpec, walkForwardTestJobs, walkForwardTrainJobs, WARMUP,
  type WalkForwardOptions, type WalkForwardReport,
} from './plans-walk-forward.js';

export type { ResearchKind } from './contract.js';

/**
 * A research command's parsed options (parseArgs strings, JSON-safe: the AWS manifest stores them), plus `baseParams`:
 * the policy file's params for --strategy ({} without --policy), resolved by the caller (see paramsOf).
 */
export type ResearchOptions = Readonly<Record<string, unknown>> & { readonly baseParams?: StrategyParams };

/** What reduceResearch returns: the command's --json report (its shape depends on the kind). */
export type ResearchReport = Readonly<Record<string, unknown>>;

const wf = (options: ResearchOptions) => options as unknown as WalkForwardOptions;
const cs = (options: ResearchOptions) => options as unknown as CostSweepOptions;
const op = (options: ResearchOptions) => options as unknown as OptimizeValues;

/** Stage 1 of the command's plan: every job that depends on nothing but the options, in a fixed order. */
export function planResearch(kind: ResearchKind, options: ResearchOptions): SweepJob[] {
  if (kind === 'walk-forward') return walkForwardTrainJobs(walkForwardSpec(wf(options)));
  if (kind === 'cost-sweep') return costSweepJobs(cs(options));
  return inSampleJobs(optimizeSpec(op(options)));
}

/** Stage 2, from stage 1's results (in job order): walk-forward's test windows, optimize's holdout run; [] for cost-sweep. */
export function nextStage(kind: ResearchKind, options: ResearchOptions, stage1: readonly SweepResult[]): SweepJob[] {
  if (kind === 'walk-forward') return walkForwardTestJobs(walkForwardSpec(wf(options)), stage1);
  if (kind === 'cost-sweep') return [];
  const spec = optimizeSpec(op(options));
  const best = rankOrder(spec.combos.map((_, i) => optimizeScore(stage1[i]!, spec.objective)))[0]!;
  return [holdoutJob(spec, spec.combos[best]!)];
}

/** The command's --json report from every result (stage 1 then stage 2, each in job order). */
export function reduceResearch(kind: ResearchKind, options: ResearchOptions, results: readonly SweepResult[]): ResearchReport {
  if (kind === 'walk-forward') return walkForwardReport(walkForwardSpec(wf(options)), wf(options), results) as unknown as ResearchReport;
  if (kind === 'cost-sweep') return costSweepReport(cs(options), results) as unknown as ResearchReport;
  const spec = optimizeSpec(op(options));
  const v = op(options);
  const config = {
    strategy: spec.values.strategy, symbols: v.symbols, timeframe: spec.values.timeframe, from: windowOf(spec.from, spec.to).from,
    to: windowOf(spec.from, spec.to).to, data: v.data, policy: v.policy ?? null, grid: v.grid, random: spec.random, seed: spec.seed,
    objective: spec.objective, holdout: `${spec.holdoutPct}%`, top: spec.top, inSample: windowOf(spec.from, spec.cut),
    holdoutWindow: windowOf(spec.cut, spec.to), space: spec.space, validCombos: spec.space - spec.skipped, skippedCombos: spec.skipped,
    runs: spec.combos.length, warmup: WARMUP,
  };
  const n = spec.combos.length;
  if (results.length !== n + 1) throw new RangeError(`optimize: expected ${n + 1} results (${n} in-sample, 1 holdout), got ${results.length}`);
  return optimizeReport(spec, config, results.slice(0, n), results[n]!) as unknown as ResearchReport;
}

/** Exactly the text the local command prints on stdout, from its report alone. */
export function renderResearch(kind: ResearchKind, report: ResearchReport): string {
  if (kind === 'walk-forward') return renderWalkForward(report as unknown as WalkForwardReport);
  if (kind === 'cost-sweep') return renderCostSweep(report as unknown as CostSweepReport);
  return formatOptimize(report as unknown as OptimizeReport);
}
