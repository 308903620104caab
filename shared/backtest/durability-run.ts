import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { backtestSetup, runBacktestCommand, type BacktestValues } from '../cli/backtest-command.js';
import type { CliContext } from '../cli/cli-context.js';
import { loadCandles } from '../cli/cli-args.js';
import { readDocumentFile } from '../cli/policy-files.js';
import { timeframeMs } from '../domain/candle.js';
import { durabilityScore, type CapacityInput, type CostInput, type Durability, type DurabilityInputs, type OosInput, type Unavailable } from '../domain/durability.js';
import { dec } from '../domain/money.js';
import { regimeCandlesNeeded } from '../domain/regime.js';
import { regimeParams } from '../domain/regime-policy.js';
import type { StrategyParams } from '../domain/strategy.js';
import { costSweep } from './cost-sweep.js';
import { gapOf, type RecordedTrade } from './durability-gap.js';
import { stabilityOf } from './durability-stability.js';
import type { SweepJob, SweepResult } from './sweep-pool-job.js';
import type { WalkForwardWindow } from './walk-forward-plan.js';
import { walkForward } from './walk-forward.js';

const DAY = 86_400_000;

/** What `stratus durability` measures: the base backtest options, the walk-forward plan, cost levels, stake multiples, recorded trades. */
export interface DurabilitySpec {
  readonly values: BacktestValues;
  readonly windows: readonly WalkForwardWindow[];
  /** Walk-forward combos (merged over the policy's params); `[{}]` runs the policy's own params in every window. */
  readonly combos: readonly StrategyParams[];
  /** Cost levels, bps on fee and slippage each (cost-sweep). */
  readonly levels: readonly number[];
  /** Stake multiples of the capacity runs, 1 first (startingCash × multiple, Almgren–Chriss impact). */
  readonly multiples: readonly number[];
  /** The deployment's recorded closed trades (paper or live ledger) for the gap, or why there are none to read. */
  readonly recorded: readonly RecordedTrade[] | Unavailable;
  /** Folder for the capacity runs' policy documents (the caller creates and removes it). */
  readonly scratchDir: string;
}

/** The measurements, the score and the number of pool jobs run. */
export interface DurabilityResult {
  readonly inputs: DurabilityInputs;
  readonly durability: Durability;
  readonly jobs: number;
}

/** Pool jobs a spec runs (for a progress bar): walk-forward train and test runs, cost levels, capacity runs. */
export function durabilityJobs(spec: Pick<DurabilitySpec, 'windows' | 'combos' | 'levels' | 'multiples'>): number {
  return spec.windows.length * (spec.combos.length + 1) + new Set(spec.levels).size + spec.multiples.length;
}

/**
 * Runs the base backtest in this thread (trades for stability, fee for the cost floor), then every other run as a job
 * on `submit` (a sweep pool): walk-forward (objective return), cost sweep, capacity; then scores the measurements.
 */
export async function runDurability(ctx: Pick<CliContext, 'readText'>, spec: DurabilitySpec, submit: (job: SweepJob) => Promise<SweepResult>): Promise<DurabilityResult> {
  const { values } = spec;
  const document = values.policy ? await readDocumentFile(ctx, values.policy) : {};
  const { policy, from, to, symbols, timeframe, data } = backtestSetup(values, document);
  const base = await runBacktestCommand(ctx, values);
  const run = (jobs: readonly SweepJob[]) => Promise.all(jobs.map((j) => submit(j)));
  const [wf, sweep, capacity] = await Promise.all([
    walkForward({ values, windows: spec.windows, combos: spec.combos, objective: 'return' }, run),
    costSweep(spec.levels, async (bps) => {
      const o = await submit({ label: `cost ${bps} bps`, values: { ...values, 'fee-bps': String(bps), 'slippage-bps': String(bps) } });
      return { bps, sharpe: o.sharpe, totalReturnPct: o.totalReturnPct, trades: o.trades };
    }),
    Promise.all(spec.multiples.map(async (multiple) => {
      const path = join(spec.scratchDir, `capacity-${multiple}x.json`);
      const scaled = {
        ...document, paper: { ...(document.paper as object | undefined), startingCash: dec(policy.paper.startingCash).times(multiple).toFixed() },
        execution: { ...(document.execution as object | undefined), impactModel: 'almgren-chriss' },
      };
      await writeFile(path, JSON.stringify(scaled));
      const o = await submit({ label: `capacity ${multiple}x`, values: { ...values, policy: path } });
      return { multiple, returnPct: o.totalReturnPct };
    })),
  ]);
  const perDay = (pct: number | null, from: number, to: number) => (pct ?? 0) / ((to - from) / DAY);
  const mean = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  const oos: OosInput = {
    inSamplePerDayPct: mean(wf.windows.map((w) => perDay(w.trainScore, w.trainFrom, w.trainTo))),
    outOfSamplePerDayPct: mean(wf.windows.map((w) => perDay(w.test.totalReturnPct, w.testFrom, w.testTo))),
    compoundedOosReturnPct: wf.summary.compoundedReturnPct,
  };
  const cost: CostInput = {
    breakEvenBps: sweep.breakEvenBps, maxLevelBps: sweep.levels.at(-1)!.bps,
    lowestLevelReturnPct: sweep.levels[0]!.totalReturnPct, feeBps: policy.paper.takerFeeBps,
  };
  const inputs: DurabilityInputs = {
    trades: base.report.trades.length, oos, cost,
    // The regime detector warms up on the candles before --from, so trades from the first close get a regime.
    stability: stabilityOf(policy, await loadCandles(data, symbols, timeframe, from - regimeCandlesNeeded(regimeParams(policy.regime)) * timeframeMs(timeframe), to), base.report.trades),
    capacity: { runs: capacity } satisfies CapacityInput,
    gap: 'unavailable' in spec.recorded ? spec.recorded : gapOf(spec.recorded, base.report.trades, {
      strategy: policy.strategies[0]!.name, symbols: policy.symbols, from, to, startingCash: policy.paper.startingCash,
    }),
  };
  return { inputs, durability: durabilityScore(inputs), jobs: durabilityJobs(spec) };
}
