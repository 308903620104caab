// The cost-sweep plan: one stage, one job per distinct level in ascending bps; the report is `stratus cost-sweep --json`'s.
import type { BacktestValues } from '../cli/backtest-command.js';
import { breakEven, formatSweep, parseLevels, type CostSweep } from '../backtest/cost-sweep.js';
import type { KillSwitchTrip } from '../backtest/kill-switch-report.js';
import type { SweepJob, SweepResult } from '../backtest/sweep-pool-job.js';
import { sweepTripBanner } from '../backtest/sweep-report.js';

/** Options of `stratus cost-sweep` as parseArgs returns them. */
export interface CostSweepOptions extends BacktestValues {
  levels?: string;
}

/** The --json report of `stratus cost-sweep`; killSwitch (each level's trip or null) is present only when a level tripped. */
export interface CostSweepReport extends CostSweep {
  readonly killSwitch?: readonly (KillSwitchTrip | null)[];
}

/** The distinct levels, ascending. */
export function costLevels(options: CostSweepOptions): number[] {
  return [...new Set(parseLevels(options.levels))].sort((a, b) => a - b);
}

/** One backtest per level, fee and slippage each at the level. */
export function costSweepJobs(options: CostSweepOptions): SweepJob[] {
  const { strategy, symbols, timeframe, from, to, data, policy, seed } = options;
  return costLevels(options).map((bps) => ({
    label: `${bps} bps fee + ${bps} bps slippage`,
    values: { strategy, symbols, timeframe, from, to, data, policy, seed, 'fee-bps': String(bps), 'slippage-bps': String(bps) },
  }));
}

/** The levels' results (in job order) and the break-even cost. */
export function costSweepReport(options: CostSweepOptions, results: readonly SweepResult[]): CostSweepReport {
  const planned = costLevels(options);
  if (results.length !== planned.length) throw new RangeError(`cost-sweep: expected ${planned.length} results (one per level), got ${results.length}`);
  const levels = planned.map((bps, i) => {
    const o = results[i]!;
    return { bps, sharpe: o.sharpe, totalReturnPct: o.totalReturnPct, trades: o.trades };
  });
  const report = { levels, breakEvenBps: breakEven(levels) };
  return results.some((r) => r.killSwitch) ? { ...report, killSwitch: results.map((r) => r.killSwitch ?? null) } : report;
}

/** `stratus cost-sweep`'s stdout: the table, the break-even line, then the banner of tripped levels. */
export function renderCostSweep(report: CostSweepReport): string {
  const text = formatSweep(report);
  const k = report.killSwitch;
  if (!k) return text;
  return text + sweepTripBanner('cost levels', report.levels.map((l, i) => ({ label: `${l.bps} bps`, trip: k[i] ?? null })),
    'Sharpe and return after a trip are those of a run out of the market.');
}
