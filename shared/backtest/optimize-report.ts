// `stratus optimize` results: ranking the in-sample runs, the --json report, and its terminal text (from the report alone).
import type { StrategyParams } from '../domain/strategy.js';
import { iso, table } from '../cli/cli-context.js';
import type { KillSwitchTrip } from './kill-switch-report.js';
import type { OptimizeObjective, OptimizeSpec } from './optimize.js';
import type { SweepResult } from './sweep-pool-job.js';
import { sweepTripBanner } from './sweep-report.js';
import { describeParams, scoreOf } from './walk-forward.js';

/** One run's row: its params, the objective's score and the metrics the table shows. */
export interface OptimizeRow {
  readonly params: StrategyParams;
  readonly score: number | null;
  readonly trades: number;
  readonly sharpe: number | null;
  readonly totalReturnPct: number | null;
  readonly profitFactor: number | null;
  readonly maxDrawdownPct: number | null;
  readonly calmar: number | null;
}

/** The --json report of `stratus optimize`. */
export interface OptimizeReport {
  readonly config: Readonly<Record<string, unknown>>;
  /** The top runs in-sample, best first, each with its 1-based rank. */
  readonly ranked: readonly (OptimizeRow & { readonly rank: number })[];
  /** The in-sample winner and the same params on the held-out tail. */
  readonly best: { readonly params: StrategyParams; readonly inSample: OptimizeRow; readonly holdout: OptimizeRow };
  /** Present only when a run tripped the kill switch: in-sample runs that tripped, and the holdout run's trip. */
  readonly killSwitch?: { readonly inSampleTrips: number; readonly inSampleRuns: number; readonly holdout: KillSwitchTrip | null };
}

/** The run's score under the objective (null: cannot rank, e.g. calmar without a drawdown). */
export function optimizeScore(result: SweepResult, objective: OptimizeObjective): number | null {
  return objective === 'calmar' ? result.calmar ?? null : scoreOf(result, objective);
}

/** Indices of `scores` best first: higher score first, null after every number, ties in grid (job) order. */
export function rankOrder(scores: readonly (number | null)[]): number[] {
  const key = (s: number | null) => (s === null ? -Infinity : s);
  return scores.map((_, i) => i).sort((a, b) => {
    const [sa, sb] = [scores[a]!, scores[b]!];
    if (sa === null || sb === null) return sa === sb ? a - b : sa === null ? 1 : -1;
    return key(sb) - key(sa) || a - b;
  });
}

/** The row of one result. */
export function rowOf(params: StrategyParams, r: SweepResult, objective: OptimizeObjective): OptimizeRow {
  return { params, score: optimizeScore(r, objective), trades: r.trades, sharpe: r.sharpe, totalReturnPct: r.totalReturnPct,
    profitFactor: r.profitFactor, maxDrawdownPct: r.maxDrawdownPct ?? null, calmar: r.calmar ?? null };
}

/** The report from the in-sample results (in job order) and the holdout result. */
export function optimizeReport(spec: OptimizeSpec, config: Record<string, unknown>, inSample: readonly SweepResult[], holdout: SweepResult): OptimizeReport {
  const rows = spec.combos.map((c, i) => rowOf(c, inSample[i]!, spec.objective));
  const order = rankOrder(rows.map((r) => r.score));
  const ranked = order.slice(0, spec.top).map((i, k) => ({ rank: k + 1, ...rows[i]! }));
  const winner = rows[order[0]!]!;
  const trips = inSample.filter((r) => r.killSwitch).length;
  const report: OptimizeReport = { config, ranked, best: { params: winner.params, inSample: winner, holdout: rowOf(winner.params, holdout, spec.objective) } };
  return trips > 0 || holdout.killSwitch
    ? { ...report, killSwitch: { inSampleTrips: trips, inSampleRuns: inSample.length, holdout: holdout.killSwitch ?? null } }
    : report;
}

const num = (n: number | null, digits: number) => (n === null ? '-' : n.toFixed(digits));
const cells = (r: OptimizeRow) => [String(r.trades), num(r.sharpe, 3), num(r.totalReturnPct, 3), num(r.profitFactor, 3), num(r.maxDrawdownPct, 3), num(r.calmar, 3)];
const METRICS = ['trades', 'sharpe', 'return %', 'profit factor', 'max dd %', 'calmar'];

/** A date when the time is midnight UTC, else the ISO time. */
function day(t: string): string {
  return t.endsWith('T00:00:00Z') ? t.slice(0, 10) : t;
}

/** The ranked table (top N), then the winner in-sample against the same params on the holdout; a kill-switch banner if any run tripped. */
export function formatOptimize(report: OptimizeReport): string {
  const c = report.config as { objective: string; runs: number; inSample: { from: string; to: string }; holdoutWindow: { from: string; to: string } };
  const ranked = table([['rank', 'params', ...METRICS], ...report.ranked.map((r) => [String(r.rank), describeParams(r.params), ...cells(r)])]);
  const b = report.best;
  const versus = table([['window', 'period', ...METRICS],
    ['in-sample', `${day(c.inSample.from)}..${day(c.inSample.to)}`, ...cells(b.inSample)],
    ['holdout', `${day(c.holdoutWindow.from)}..${day(c.holdoutWindow.to)}`, ...cells(b.holdout)]]);
  const k = report.killSwitch;
  const banner = k ? sweepTripBanner('holdout runs', [{ label: 'holdout', trip: k.holdout }],
    `It also tripped in ${k.inSampleTrips} of ${k.inSampleRuns} in-sample runs (their scores ranked the params).`) : '';
  return `${ranked}top ${report.ranked.length} of ${c.runs} in-sample runs by ${c.objective} (no value ranks last; ties in grid order)\n\n`
    + `best in-sample ${describeParams(b.params)}, re-run on the held-out tail:\n${versus}${banner}`;
}

/** ISO bounds of a window, for the config. */
export function windowOf(from: number, to: number): { from: string; to: string } {
  return { from: iso(from), to: iso(to) };
}
