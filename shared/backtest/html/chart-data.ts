import type { Candle, Timeframe } from '../../domain/candle.js';
import type { PlotLine } from '../../domain/strategy.js';
import type { BacktestReport } from '../types.js';
import { aggregateCandles, equityWithDrawdown, type ChartBar, type ChartEquityPoint } from './downsample.js';
import { buyAndHold, plotOnBars, type ChartPlotLine } from './overlays.js';

/** A trade marker as lightweight-charts' createSeriesMarkers takes it (time in epoch seconds). */
export interface ChartMarker {
  readonly time: number;
  readonly position: 'belowBar' | 'aboveBar';
  readonly shape: 'arrowUp' | 'arrowDown';
  readonly color: string;
  readonly text?: string;
}

/**
 * Everything the page's script draws, in columns (about half the bytes of one object per point); times in epoch
 * seconds (lightweight-charts' UTCTimestamp); equity in quote currency to 2 places, drawdown in % (≤ 0) to 4.
 */
export interface ChartData {
  readonly curve: { time: number[]; equity: number[]; drawdownPct: number[] };
  /** Buy-and-hold equity at each curve time (overlays.ts buyAndHold). */
  readonly buyHold: number[];
  readonly symbols: {
    symbol: string; bars: { time: number[]; open: number[]; high: number[]; low: number[]; close: number[] }; markers: ChartMarker[];
    /** The strategy's plot() lines on the bars; empty when it has none. */
    plots: ChartPlotLine[];
  }[];
  /** Human-readable notes on what was thinned or aggregated (empty when the charts show every point). */
  readonly notes: string[];
}

/** Limits for the charts; the defaults keep a page light even for a year of 1m candles. */
export interface ChartLimits {
  readonly maxBarsPerSymbol: number;
  readonly maxEquityPoints: number;
  /** Marker labels (B / exit reason) are drawn only when a symbol has at most this many trades. */
  readonly maxLabelledTrades: number;
}

export const DEFAULT_LIMITS: ChartLimits = { maxBarsPerSymbol: 5000, maxEquityPoints: 5000, maxLabelledTrades: 150 };

const COLORS = { entry: '#2563eb', win: '#16a34a', loss: '#dc2626' };
const sec = (ms: number) => Math.floor(ms / 1000);
const round = (x: number, dp: number) => Number(x.toFixed(dp));

/** The open time of the last bar at or before `ms` (the first bar when `ms` precedes them all). */
function snap(bars: readonly ChartBar[], ms: number): number {
  let lo = 0, hi = bars.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (bars[mid]!.time <= ms) lo = mid; else hi = mid - 1;
  }
  return bars[lo]!.time;
}

function barLabel(ms: number): string {
  const m = ms / 60_000;
  return m % 1440 === 0 ? `${m / 1440}d` : m % 60 === 0 ? `${m / 60}h` : `${m}m`;
}

/**
 * The chart payload of a report: equity and drawdown (thinned) with buy and hold, OHLC per symbol (aggregated) with
 * entry/exit markers and the strategy's plot lines (`plots`, per symbol, one value per candle).
 */
export function buildChartData(
  report: BacktestReport, candles: Readonly<Record<string, readonly Candle[]>>, timeframe: Timeframe, limits: ChartLimits = DEFAULT_LIMITS,
  plots: Readonly<Record<string, readonly PlotLine[]>> = {},
): ChartData {
  const notes: string[] = [];
  const curve: ChartEquityPoint[] = equityWithDrawdown(report.equity, limits.maxEquityPoints);
  if (curve.length < report.equity.length) {
    notes.push(`Equity and drawdown charts show ${curve.length.toLocaleString('en-US')} of ${report.equity.length.toLocaleString('en-US')} marks `
      + '(per bucket the highest, lowest and deepest-drawdown mark are kept).');
  }
  const symbols = Object.keys(candles).sort().map((symbol) => {
    const agg = aggregateCandles(candles[symbol]!, timeframe, limits.maxBarsPerSymbol);
    if (agg.bars.length < agg.sourceCount) {
      notes.push(`${symbol}: ${agg.sourceCount.toLocaleString('en-US')} ${timeframe} candles aggregated to ${agg.bars.length.toLocaleString('en-US')} `
        + `${barLabel(agg.barMs)} bars (OHLC); trade markers sit on the bar that contains the fill.`);
    }
    const trades = report.trades.filter((t) => t.symbol === symbol);
    const labelled = trades.length <= limits.maxLabelledTrades;
    const markers: ChartMarker[] = agg.bars.length === 0 ? [] : trades.flatMap((t): ChartMarker[] => [
      { time: sec(snap(agg.bars, t.entryTime)), position: 'belowBar', shape: 'arrowUp', color: COLORS.entry, ...(labelled ? { text: 'B' } : {}) },
      { time: sec(snap(agg.bars, t.exitTime)), position: 'aboveBar', shape: 'arrowDown', color: Number(t.pnl) >= 0 ? COLORS.win : COLORS.loss,
        ...(labelled ? { text: t.exitReason } : {}) },
    ]).sort((a, b) => a.time - b.time);
    const bars = {
      time: agg.bars.map((b) => sec(b.time)), open: agg.bars.map((b) => b.open), high: agg.bars.map((b) => b.high),
      low: agg.bars.map((b) => b.low), close: agg.bars.map((b) => b.close),
    };
    return { symbol, bars, markers, plots: plotOnBars(plots[symbol] ?? [], candles[symbol]!, agg.bars.map((b) => b.time), agg.barMs) };
  });
  const cash = Number((report.config.startingCash ?? (report.metrics as { startBalance?: string }).startBalance) as string | undefined);
  return {
    curve: {
      time: curve.map((p) => sec(p.time)), equity: curve.map((p) => round(p.equity, 2)), drawdownPct: curve.map((p) => round(p.drawdownPct, 4)),
    },
    buyHold: buyAndHold(candles, timeframe, cash, curve.map((p) => p.time)),
    symbols,
    notes,
  };
}
