import { writeFile } from 'node:fs/promises';
import { paperMarkets } from '../adapters/paper-markets.js';
import { renderHtmlReport } from '../backtest/html/html-report.js';
import { buildReport, reportJson } from '../backtest/report.js';
import { runBacktest } from '../backtest/engine.js';
import { strategyPlots } from '../backtest/html/overlays.js';
import { NO_PROGRESS, progressBar, wantsProgress } from '../backtest/progress-bar.js';
import { formatBacktestReport } from '../backtest/terminal-report.js';
import type { BacktestReport } from '../backtest/types.js';
import type { Candle, Timeframe } from '../domain/candle.js';
import { policyHash, validatePolicy, type Policy } from '../domain/policy.js';
import { getStrategy, type StrategyParams } from '../domain/strategy.js';
import type { CliContext } from './cli-context.js';
import { readDocumentFile } from './policy-files.js';
import { COST_OPTION_SPECS, loadCandles, numberOption, RUN_OPTION_SPECS, runOptions, type RunOptions } from './cli-args.js';
import { UsageError, type CommandSpec } from './command-spec.js';

/** The options of `stratus backtest` as parseArgs returns them. */
export interface BacktestValues {
  strategy?: string; symbols?: string; timeframe?: string; from?: string; to?: string; data?: string; policy?: string;
  'fee-bps'?: string; 'slippage-bps'?: string; seed?: string; json?: string; html?: string;
  /** Draw progress bars on stderr even when it is not a terminal. */
  progress?: boolean | string;
}

/** The --progress option of backtest, cost-sweep and walk-forward. */
export const PROGRESS_OPTION = {
  type: 'boolean', description: 'Progress bar on stderr even when stderr is not a terminal (default: only on a terminal)',
} as const;

/** A finished backtest: its report and the candles it ran on (for the HTML price charts). */
export interface BacktestOutcome {
  readonly report: BacktestReport;
  readonly candles: Readonly<Record<string, readonly Candle[]>>;
  readonly timeframe: Timeframe;
}

/**
 * `stratus backtest`: reads the candles and the policy, runs the engine, writes the JSON report to --json and/or
 * the self-contained HTML report to --html (prints the JSON to stdout when neither is given). Prints the terminal
 * report (tables, summary metrics, kill-switch banner) to stdout, or to stderr when stdout carries the JSON, then a
 * one-line summary to stderr; a progress bar on stderr for runs over 2 s when stderr is a terminal (or --progress).
 */
export async function backtestCommand(ctx: CliContext, values: BacktestValues): Promise<number> {
  const bar = wantsProgress(values.progress, ctx.errIsTty) ? progressBar(ctx.err, 'backtest') : NO_PROGRESS;
  const { report, candles, timeframe } = await runBacktestCommand(ctx, values, bar.update);
  bar.end();
  const text = reportJson(report);
  // `--json -` is stdout, as for status/report/cost; no --json and no --html also prints the JSON.
  const jsonToStdout = values.json === '-' || (!values.json && !values.html);
  if (values.json && values.json !== '-') await writeFile(values.json, text);
  if (values.html) {
    const strategy = String(report.config.strategy);
    const { plots, problems } = report.config.strategies ? { plots: {}, problems: ['plot lines are drawn for a run of one strategy (--strategy)'] }
      : strategyPlots(getStrategy(strategy), report.config.params as StrategyParams, candles);
    await writeFile(values.html, renderHtmlReport({ report, candles, timeframe, plots, notes: problems }));
  }
  if (jsonToStdout) ctx.out(text);
  (jsonToStdout ? ctx.err : ctx.out)(`${formatBacktestReport(report)}\n`);
  const m = report.metrics as { finalBalance?: string; totalProfitPct?: number | null };
  const written = [values.json === '-' ? undefined : values.json, values.html].filter(Boolean).join(' and ');
  ctx.err(`backtest: ${report.trades.length} trades, final balance ${m.finalBalance ?? report.equity.at(-1)?.equity ?? '-'}`
    + `${written ? `, report written to ${written}` : ''}\n`);
  return 0;
}

/** Parses the options, loads data and policy, runs the engine and builds the report (no output written). */
export async function backtestReport(
  ctx: Pick<CliContext, 'readText'>, values: BacktestValues, onProgress?: (done: number, total: number) => void,
): Promise<BacktestReport> {
  return (await runBacktestCommand(ctx, values, onProgress)).report;
}

/** The run a `stratus backtest` invocation describes: its options checked and the policy built. */
export interface BacktestSetup extends RunOptions {
  readonly policy: Policy;
}

/**
 * Checks the options and builds the policy: the policy document (its own entry for the strategy, if any),
 * PAPER mode, the options' symbols and timeframe, --fee-bps / --slippage-bps / --seed over its paper section,
 * the one strategy enabled. Throws a clear error on a missing or bad option and on an invalid policy.
 */
export function backtestSetup(values: BacktestValues, document: Record<string, unknown>): BacktestSetup {
  // No --strategy but a --policy that lists strategies: run them as the policy lists them (enabled flags, budgets, scopes).
  const listed = values.strategy === undefined && values.policy !== undefined && Array.isArray(document.strategies) && document.strategies.length
    ? document.strategies as { name?: unknown; enabled?: unknown }[] : undefined;
  const enabledNames = listed?.filter((s) => s.enabled !== false).map((s) => String(s.name)).join('+');
  const { strategy, symbols, timeframe, from, to, data } = runOptions(listed ? { ...values, strategy: enabledNames || String(listed[0]!.name) } : values);
  const overrides = {
    feeBps: numberOption(values['fee-bps'], '--fee-bps'), slippageBps: numberOption(values['slippage-bps'], '--slippage-bps'),
    seed: numberOption(values.seed, '--seed'),
  };
  const paper = { ...(document.paper as object | undefined) } as Record<string, unknown>;
  if (overrides.feeBps !== undefined) { paper.takerFeeBps = overrides.feeBps; paper.makerFeeBps = overrides.feeBps; }
  if (overrides.slippageBps !== undefined) paper.slippageBps = overrides.slippageBps;
  if (overrides.seed !== undefined) paper.seed = overrides.seed;
  const own = (document.strategies as { name?: string }[] | undefined)?.find((s) => s.name === strategy);
  const checked = validatePolicy({
    ...document, mode: 'PAPER', symbols, timeframe, paper, strategies: listed ?? [{ params: {}, ...own, name: strategy, enabled: true }],
  });
  if (!checked.ok) throw new Error(`policy invalid: ${checked.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return { strategy, symbols, timeframe, from, to, data, policy: checked.policy };
}

/** backtestReport, also returning the candles and timeframe the run used. */
export async function runBacktestCommand(
  ctx: Pick<CliContext, 'readText'>, values: BacktestValues, onProgress?: (done: number, total: number) => void,
): Promise<BacktestOutcome> {
  const document = values.policy ? await readDocumentFile(ctx, values.policy) : {};
  const { strategy, symbols, timeframe, from, to, data, policy } = backtestSetup(values, document);
  const candles = await loadCandles(data, symbols, timeframe, from, to);
  const hash = policyHash(policy);
  const run = runBacktest({ policy, policyHash: hash, candles, markets: paperMarkets(), ...(onProgress ? { onProgress } : {}) });
  const config = {
    strategy, params: policy.strategies[0]!.params, symbols, timeframe, from, to, data,
    ...(policy.strategies.length > 1 ? { strategies: policy.strategies.map(({ name, enabled, params, riskBudgetPct }) => ({ name, enabled, params, riskBudgetPct })) } : {}),
    feeBps: policy.paper.takerFeeBps, slippageBps: policy.paper.slippageBps, seed: policy.paper.seed,
    startingCash: policy.paper.startingCash, policyHash: hash, fillModel: 'paper venue: market at the next open ± (slippageBps + impactCoefficient × √(quantity / decision-candle volume)), volume participation cap, taker fee',
  };
  return { report: buildReport(run, { config, from, to, candles }), candles, timeframe };
}

/** `stratus backtest` as the CLI declares it; `--cost-sweep` runs `stratus cost-sweep` with the same options. */
export const command: CommandSpec = {
  name: 'backtest',
  summary: 'Run a strategy, the risk chain and the paper fill model over recorded candles',
  usage: 'stratus backtest [--strategy NAME] --symbols S[,S] --timeframe TF --from DATE --to DATE --data DIR|FILE [--policy FILE]\n'
    + '                 [--fee-bps N] [--slippage-bps N] [--seed N] [--json FILE] [--html FILE] [--cost-sweep [--levels L] [--workers N]]',
  options: {
    ...RUN_OPTION_SPECS, ...COST_OPTION_SPECS,
    strategy: { ...RUN_OPTION_SPECS.strategy!, description: `${RUN_OPTION_SPECS.strategy!.description}; without it, every strategy of --policy as it lists them (enabled, budgets)` },
    json: { type: 'string', value: 'FILE', description: 'Write the JSON report there; - for stdout (also printed to stdout when neither --json nor --html is given)' },
    html: { type: 'string', value: 'FILE', description: 'Write a self-contained HTML report (charts and tables, opens offline)' },
    'cost-sweep': { type: 'boolean', description: 'Run `stratus cost-sweep` instead (takes --levels, --workers)' },
    levels: { type: 'string', value: '0,5,10,20,40', description: 'With --cost-sweep: cost levels in bps' },
    workers: { type: 'string', value: 'N', description: 'With --cost-sweep: worker threads (default one per core)' },
    progress: PROGRESS_OPTION,
  },
  details: 'Candles are read from gzip or plain CSV; a symbol or timeframe without a file in --data, or a period with no candles, is an error.\n'
    + 'Example: npx stratus backtest --strategy sma-cross --symbols BTC/USDT --timeframe 1m --from 2021-05-18 --to 2021-05-20 --data shared/local/data',
  async run(ctx, values) {
    if (values['cost-sweep']) {
      if (values.html !== undefined) throw new UsageError('--html is not taken with --cost-sweep');
      return (await import('./research-commands.js')).costSweepCommand(ctx, values as BacktestValues);
    }
    for (const name of ['levels', 'workers']) if (values[name] !== undefined) throw new UsageError(`--${name} is only taken with --cost-sweep`);
    return backtestCommand(ctx, values as BacktestValues);
  },
};
