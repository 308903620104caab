// Research plans (issue 15): what a research command runs, as SweepJobs, and how their results become its report and
// its terminal text — one code path for the local worker pool and the AWS research stack (shared/research/contract.ts).
//   stage 1 = planResearch(kind, options)                       run them (any order, any machine), results in job order
//   stage 2 = nextStage(kind, options, stage1Results)           [] when the kind has one stage (cost-sweep)
//   report  = reduceResearch(kind, options, [...stage1, ...stage2])   the object `--json` writes
//   text    = renderResearch(kind, report)                      exactly what the local command prints on stdout
// Every function is pure and deterministic: the same options give the same jobs in the same order. `options` is the
// command's parsed options (ResearchOptions) plus `baseParams`, the policy's params for the strategy, which the caller
// resolves (the policy file is read once, before planning) so that planning needs no I/O.
import type { SweepJob, SweepResult } from '../backtest/sweep-pool-job.js';
import type { StrategyParams } from '../domain/strategy.js';
import type { ResearchKind } from './contract.js';

export type { ResearchKind } from './contract.js';

/** A research command's parsed options (parseArgs strings), plus the policy's params for the strategy. */
export interface ResearchOptions {
  readonly [option: string]: string | boolean | undefined | StrategyParams;
  /** The policy file's params for --strategy ({} without --policy); resolved by the caller (see paramsOf). */
  readonly baseParams?: StrategyParams;
}

/** What reduceResearch returns: the command's --json report (its shape depends on the kind). */
export type ResearchReport = Readonly<Record<string, unknown>>;

/** Stage 1 of the command's plan: every job that depends on nothing but the options, in a fixed order. */
export function planResearch(kind: ResearchKind, options: ResearchOptions): SweepJob[] {
  void kind; void options;
  throw new Error('planResearch: not implemented yet');
}

/** Stage 2, from stage 1's results (in job order): walk-forward's test windows, optimize's holdout run; [] for cost-sweep. */
export function nextStage(kind: ResearchKind, options: ResearchOptions, stage1: readonly SweepResult[]): SweepJob[] {
  void kind; void options; void stage1;
  throw new Error('nextStage: not implemented yet');
}

/** The command's --json report from every result (stage 1 then stage 2, each in job order). */
export function reduceResearch(kind: ResearchKind, options: ResearchOptions, results: readonly SweepResult[]): ResearchReport {
  void kind; void options; void results;
  throw new Error('reduceResearch: not implemented yet');
}

/** Exactly the text the local command prints on stdout, from its report alone. */
export function renderResearch(kind: ResearchKind, report: ResearchReport): string {
  void kind; void report;
  throw new Error('renderResearch: not implemented yet');
}
