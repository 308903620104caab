// The walk-forward plan: stage 1 = every valid combo on every train window (window-major, grid order), stage 2 = each
// window's best train params on its test window; the report is `stratus walk-forward --json`'s, the text its stdout.
import type { BacktestValues } from '../cli/backtest-command.js';
import { iso, table } from '../cli/cli-context.js';
import { required, runOptions } from '../cli/cli-args.js';
import { timeframeMs } from '../domain/candle.js';
import type { StrategyParams } from '../domain/strategy.js';
import type { KillSwitchTrip } from '../backtest/kill-switch-report.js';
import type { SweepJob, SweepResult } from '../backtest/sweep-pool-job.js';
import { sweepTripBanner } from '../backtest/sweep-report.js';
import { parseDuration, parseGrid, rollingWindows, type WalkForwardWindow } from '../backtest/walk-forward-plan.js';
import {
  describeParams, OBJECTIVES, scoreOf, selectBest, summarize, validCombos, type Objective, type WalkForwardResult, type WindowResult,
} from '../backtest/walk-forward.js';

/** Options of `stratus walk-forward` as parseArgs returns them, plus the policy's params for the strategy. */
export interface WalkForwardOptions extends BacktestValues {
  train?: string; test?: string; step?: string; grid?: string; objective?: string; workers?: string;
  baseParams?: StrategyParams;
}

/** How every window's runs warm up, stated in the JSON. */
export const WARMUP = 'each run first loads requiredCandles(params) candles before its period (fewer where the data starts later); '
  + 'they are neither traded nor scored, so the strategy may decide at the period\'s first close';

/** The --json report of `stratus walk-forward`; killSwitch is present only when a test window tripped. */
export interface WalkForwardReport {
  readonly config: Readonly<Record<string, unknown>>;
  readonly windows: readonly WindowResult[];
  readonly summary: WalkForwardResult['summary'];
  readonly killSwitch?: { readonly testWindows: readonly (KillSwitchTrip | null)[]; readonly trainTrips: number; readonly trainRuns: number };
}

/** The checked options: windows, valid combos (merged over baseParams), objective and the backtest options. */
export function walkForwardSpec(options: WalkForwardOptions) {
  const { strategy, timeframe, from, to } = runOptions(options);
  const train = parseDuration(required(options.train, '--train'), '--train');
  const test = parseDuration(required(options.test, '--test'), '--test');
  const step = options.step === undefined ? test : parseDuration(options.step, '--step');
  const bar = timeframeMs(timeframe);
  for (const [name, ms] of [['--from', from], ['--train', train], ['--test', test], ['--step', step]] as const) {
    if (ms % bar !== 0) throw new Error(`${name} must fall on ${timeframe} candle boundaries`);
  }
  const grid = parseGrid(required(options.grid, '--grid'));
  const objective = (options.objective ?? 'sharpe') as Objective;
  if (!OBJECTIVES.includes(objective)) throw new Error(`--objective must be one of ${OBJECTIVES.join(', ')}, got ${options.objective}`);
  const { valid, skipped } = validCombos(strategy, options.baseParams ?? {}, grid.combos);
  if (valid.length === 0) throw new Error(`no valid param combination in --grid for ${strategy} (${skipped} refused)`);
  const windows = rollingWindows({ from, to, train, test, step });
  const { symbols, data, policy, seed } = options;
  const values = { strategy, symbols, timeframe, data, policy, seed, 'fee-bps': options['fee-bps'], 'slippage-bps': options['slippage-bps'] };
  return { strategy, timeframe, from, to, windows, combos: valid, skipped, objective, values };
}

type Spec = ReturnType<typeof walkForwardSpec>;

const job = (spec: Spec, label: string, params: StrategyParams, from: number, to: number): SweepJob => ({
  label: `${label} ${describeParams(params)}`, values: { ...spec.values, from: iso(from), to: iso(to) }, params, warmup: true,
});

/** Stage 1: every combo on every train window. */
export function walkForwardTrainJobs(spec: Spec): SweepJob[] {
  return spec.windows.flatMap((w, i) => spec.combos.map((c) => job(spec, `window ${i + 1} train`, c, w.trainFrom, w.trainTo)));
}

/** Each window's best combo by the objective (ties to the earliest in grid order) and its train score. */
function chosen(spec: Spec, train: readonly SweepResult[]) {
  const n = spec.combos.length;
  return spec.windows.map((_, i) => {
    const scores = train.slice(i * n, (i + 1) * n).map((r) => scoreOf(r, spec.objective));
    const best = selectBest(scores);
    return { params: spec.combos[best]!, trainScore: scores[best]! };
  });
}

/** Stage 2: each window's chosen params on its test window. */
export function walkForwardTestJobs(spec: Spec, train: readonly SweepResult[]): SweepJob[] {
  const picks = chosen(spec, train);
  return spec.windows.map((w: WalkForwardWindow, i) => job(spec, `window ${i + 1} test`, picks[i]!.params, w.testFrom, w.testTo));
}

/** The report from the train results then the test results (each in job order). */
export function walkForwardReport(spec: Spec, options: WalkForwardOptions, results: readonly SweepResult[]): WalkForwardReport {
  const trainRuns = spec.windows.length * spec.combos.length;
  const expected = trainRuns + spec.windows.length;
  if (results.length !== expected) throw new RangeError(`walk-forward: expected ${expected} results (${trainRuns} train, ${spec.windows.length} test), got ${results.length}`);
  const train = results.slice(0, trainRuns);
  const test = results.slice(trainRuns);
  const picks = chosen(spec, train);
  const windows: WindowResult[] = spec.windows.map((w, i) => {
    const t = test[i]!;
    return { ...w, ...picks[i]!, test: { totalReturnPct: t.totalReturnPct, sharpe: t.sharpe, trades: t.trades, profitFactor: t.profitFactor } };
  });
  const config = {
    strategy: spec.strategy, symbols: options.symbols, timeframe: spec.timeframe, from: spec.from, to: spec.to, data: options.data,
    policy: options.policy ?? null, train: options.train, test: options.test, step: options.step ?? options.test, grid: options.grid,
    objective: spec.objective, validCombos: spec.combos.length, skippedCombos: spec.skipped, warmup: WARMUP,
  };
  const report: WalkForwardReport = { config, windows, summary: summarize(windows) };
  if (!test.some((t) => t.killSwitch)) return report;
  return { ...report, killSwitch: { testWindows: test.map((t) => t.killSwitch ?? null), trainTrips: train.filter((r) => r.killSwitch).length, trainRuns } };
}

/** `stratus walk-forward`'s stdout: the out-of-sample table and summary, then the banner of tripped test windows. */
export function renderWalkForward(report: WalkForwardReport): string {
  const config = report.config as { objective: Objective; skippedCombos: number };
  const text = formatWalkForward({ windows: report.windows, summary: report.summary, jobs: 0, threadIds: [] }, config.objective, config.skippedCombos);
  const k = report.killSwitch;
  if (!k) return text;
  return text + sweepTripBanner('test windows', k.testWindows.map((trip, i) => ({ label: `window ${i + 1} test`, trip })),
    `It also tripped in ${k.trainTrips} of ${k.trainRuns} train runs (their scores picked the params).`);
}

/** The out-of-sample table (one row per window) and the stitched summary. */
export function formatWalkForward(result: WalkForwardResult, objective: Objective, skipped: number): string {
  const num = (n: number | null, digits: number) => (n === null ? '-' : n.toFixed(digits));
  const rows = [['window', 'train', 'test', 'params', `train ${objective}`, 'test return %', 'test sharpe', 'test trades'],
    ...result.windows.map((w, i) => [String(i + 1), `${day(w.trainFrom)}..${day(w.trainTo)}`, `${day(w.testFrom)}..${day(w.testTo)}`,
      describeParams(w.params), num(w.trainScore, 3), num(w.test.totalReturnPct, 3), num(w.test.sharpe, 3), String(w.test.trades)])];
  const s = result.summary;
  return `${table(rows)}\nout-of-sample over ${s.windows} test windows (objective ${objective}; ${skipped} invalid combos skipped):\n`
    + `  compounded return   ${s.compoundedReturnPct.toFixed(3)} %\n`
    + `  total trades        ${s.totalTrades}\n`
    + `  test Sharpe         mean ${num(s.meanTestSharpe, 3)}, median ${num(s.medianTestSharpe, 3)} (${s.windowsWithSharpe} windows with a Sharpe)\n`
    + `  profitable windows  ${s.profitableWindowsPct.toFixed(1)} %\n`;
}

/** A date when the time is midnight UTC, else the ISO time. */
function day(t: number): string {
  const text = iso(t);
  return text.endsWith('T00:00:00Z') ? text.slice(0, 10) : text;
}
