import { paperMarkets } from '../adapters/paper-markets.js';
import { timeframeMs } from '../domain/candle.js';
import { policyHash } from '../domain/policy.js';
import { getStrategy, type StrategyParams } from '../domain/strategy.js';
import { backtestReport, backtestSetup, type BacktestValues } from '../cli/backtest-command.js';
import { loadCandles, required } from '../cli/cli-args.js';
import { iso } from '../cli/cli-context.js';
import { readDocumentFile } from '../cli/policy-files.js';
import { runBacktest } from './engine.js';
import { killSwitchTrip, reportKillSwitchFacts, type KillSwitchTrip } from './kill-switch-report.js';
import { computeMetrics } from './metrics.js';
import type { BacktestMetrics } from './metrics-types.js';

/** One backtest of a sweep; plain data, so it crosses to a worker thread by structured clone (no candles in it). */
export interface SweepJob {
  /** What the job is (window, params, level), quoted in its error. */
  readonly label: string;
  /** The `stratus backtest` options of the run (--json is ignored); the worker loads the candles from values.data. */
  readonly values: BacktestValues;
  /** Merged over the policy's params for values.strategy (policy `strategies[].params`). */
  readonly params?: StrategyParams;
  /**
   * Load the strategy's requiredCandles(params) candles before values.from, so it can decide from the first close at
   * values.from; metrics are then taken over [from, to) only. A trade entered before `from` fails the job.
   */
  readonly warmup?: boolean;
  /** User strategy modules (absolute paths) the worker loads before the run; the pool fills in its own process's. */
  readonly strategyFiles?: readonly string[];
}

/** What a sweep needs back from one run (a metrics subset, not the report). */
export interface SweepResult {
  readonly trades: number;
  readonly sharpe: number | null;
  readonly totalReturnPct: number | null;
  readonly profitFactor: number | null;
  readonly finalBalance: string;
  /** Largest fall from a peak of the equity, % (BacktestMetrics.maxDrawdownPct; always set by runSweepJob). */
  readonly maxDrawdownPct?: number;
  /** CAGR / max drawdown, both as ratios (BacktestMetrics.calmar): null without a drawdown or a CAGR (always set by runSweepJob). */
  readonly calmar?: number | null;
  /** The run's kill-switch trip (when, why, signals refused after it), or null: it never tripped (always set by runSweepJob). */
  readonly killSwitch?: KillSwitchTrip | null;
}

/** Stands for the job's policy document (the file's, with the job's params) when backtestReport reads it. */
const JOB_POLICY = '<sweep job policy>';

/** Runs one job in this thread (reading files with `readText`): backtestReport on its values and params, or runWarmedUp. */
export async function runSweepJob(job: SweepJob, readText: (path: string) => Promise<string>): Promise<SweepResult> {
  const { values } = job;
  const strategy = required(values.strategy, '--strategy');
  const document = values.policy ? await readDocumentFile({ readText }, values.policy) : {};
  const own = (document.strategies as { name?: string; params?: StrategyParams }[] | undefined)?.find((s) => s.name === strategy);
  const merged = { ...document, strategies: [{ ...own, name: strategy, params: { ...own?.params, ...job.params } }] };
  if (job.warmup) return runWarmedUp(values, merged);
  const ctx = { readText: (path: string) => (path === JOB_POLICY ? Promise.resolve(JSON.stringify(merged)) : readText(path)) };
  const report = await backtestReport(ctx, { ...values, policy: JOB_POLICY });
  return resultOf(report.metrics as unknown as BacktestMetrics, report.trades.length, killSwitchTrip(reportKillSwitchFacts(report)));
}

/**
 * The warm-up run. It builds the policy as backtestReport does (which has no warm-up option) and scores the run itself:
 * the report's equity is sampled on long runs, so the engine's per-step float curve and its exact marks are cut at `from`
 * and go to computeMetrics as buildReport would pass them. Market change is left out (not needed by a sweep).
 */
async function runWarmedUp(values: BacktestValues, document: Record<string, unknown>): Promise<SweepResult> {
  const { strategy, symbols, timeframe, from, to, data, policy } = backtestSetup(values, document);
  const loadFrom = from - getStrategy(strategy).requiredCandles(policy.strategies[0]!.params) * timeframeMs(timeframe);
  const candles = await loadCandles(data, symbols, timeframe, loadFrom, to);
  const run = runBacktest({ policy, policyHash: policyHash(policy), candles, markets: paperMarkets() });
  const early = run.trades.find((t) => t.entryTime < from);
  if (early) throw new Error(`${strategy} entered a trade at ${iso(early.entryTime)}, during the warm-up before ${iso(from)}`);
  let cut = 0;
  while (cut < run.curve.time.length && run.curve.time[cut]! < from) cut++;
  const metrics = computeMetrics({
    trades: run.trades, equity: run.equity.filter((p) => p.time >= from), startBalance: run.startingCash, from, to, marketChange: {},
    curve: { time: run.curve.time.subarray(cut), equity: run.curve.equity.subarray(cut) },
  });
  return resultOf(metrics, run.trades.length, killSwitchTrip(run));
}

function resultOf(m: BacktestMetrics, trades: number, killSwitch: KillSwitchTrip | null): SweepResult {
  return { trades, sharpe: m.sharpe, totalReturnPct: m.totalProfitPct, profitFactor: m.profitFactor, finalBalance: m.finalBalance,
    maxDrawdownPct: m.maxDrawdownPct, calmar: m.calmar, killSwitch };
}
