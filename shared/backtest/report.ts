import type { Candle } from '../domain/candle.js';
import { money } from '../domain/money.js';
import { computeMetrics } from './metrics.js';
import type { BacktestReport, BacktestRun } from './types.js';

/** What the report states about the run besides its results. */
export interface ReportContext {
  readonly config: Readonly<Record<string, unknown>>;
  /** The period, [from, to) epoch ms. */
  readonly from: number;
  readonly to: number;
  readonly candles: Readonly<Record<string, readonly Candle[]>>;
}

/** The --json document: config, metrics (computeMetrics), trades, equity curve and rejection counts. */
export function buildReport(run: BacktestRun, ctx: ReportContext): BacktestReport {
  const marketChange: Record<string, { first: string; last: string }> = {};
  for (const symbol of Object.keys(ctx.candles).sort()) {
    const series = ctx.candles[symbol]!;
    const first = series[0];
    const last = series.at(-1);
    if (first && last) marketChange[symbol] = { first: money(first.close), last: money(last.close) };
  }
  const metrics = computeMetrics({
    trades: run.trades, equity: run.equity, curve: run.curve, startBalance: run.startingCash, from: ctx.from, to: ctx.to, marketChange,
  });
  return {
    config: { ...ctx.config, candles: run.candles, steps: run.steps, unfilledOrders: run.unfilled, openPositions: run.openPositions, killSwitch: run.killSwitch },
    metrics: { ...metrics },
    trades: run.trades,
    equity: run.equity,
    rejections: run.rejections,
    ...(run.regime ? { regime: run.regime } : {}),
  };
}

/** The report as JSON text (2-space indent, trailing newline); the same report always gives the same bytes. */
export function reportJson(report: BacktestReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
