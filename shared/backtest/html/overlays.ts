import { timeframeMs, type Candle, type Timeframe } from '../../domain/candle.js';
import type { PlotLine, Strategy, StrategyParams } from '../../domain/strategy.js';

/** Colours of the strategy's plot lines on a price chart, in the order plot() returns them (then repeating). */
export const PLOT_COLORS: readonly string[] = ['#f59e0b', '#7c3aed', '#0d9488', '#db2777', '#0891b2'];

/** A strategy line resampled onto a price chart's bars: one value per bar (null where undefined). */
export interface ChartPlotLine {
  readonly name: string;
  readonly color: string;
  readonly values: (number | null)[];
}

/** Significant digits kept of a plotted indicator value (display only). */
const PLOT_DIGITS = 8;

/**
 * The lines onto the chart's bars: each bar (open time `barTimes[i]`, `barMs` long, epoch-aligned as aggregateCandles
 * makes them) takes the value at its last candle, so an aggregated chart shows the indicator as it stood at each bar's
 * close. `lines` hold one value per candle of `candles`; a line of another length is refused.
 */
export function plotOnBars(lines: readonly PlotLine[], candles: readonly Candle[], barTimes: readonly number[], barMs: number): ChartPlotLine[] {
  return lines.map((line, k) => {
    if (line.values.length !== candles.length) {
      throw new RangeError(`plot line ${line.name}: ${line.values.length} values for ${candles.length} candles`);
    }
    const values: (number | null)[] = barTimes.map(() => null);
    let bar = 0;
    candles.forEach((c, i) => {
      const start = Math.floor(c.openTime / barMs) * barMs;
      while (bar < barTimes.length - 1 && barTimes[bar]! < start) bar++;
      const v = line.values[i];
      if (barTimes[bar] === start) values[bar] = v === null || v === undefined || !Number.isFinite(v) ? null : Number(v.toPrecision(PLOT_DIGITS));
    });
    return { name: line.name, color: PLOT_COLORS[k % PLOT_COLORS.length]!, values };
  });
}

/**
 * Buy and hold with the same starting cash, equal weight per symbol: at each symbol's first candle close, cash / N is
 * put into it at that close (no fee, no slippage); until then that share is cash. The value at each of `times` (epoch
 * ms, ascending) marks each holding at its last close at or before that time. Its final value is
 * startingCash × (1 + the report's marketChangePct / 100). Floats, two decimals: a chart line, not a metric.
 * Empty without candles or a starting cash.
 */
export function buyAndHold(
  candles: Readonly<Record<string, readonly Candle[]>>, timeframe: Timeframe, startingCash: number, times: readonly number[],
): number[] {
  const tf = timeframeMs(timeframe);
  const series = Object.keys(candles).sort().map((s) => candles[s]!).filter((c) => c.length > 0);
  if (series.length === 0 || !Number.isFinite(startingCash)) return [];
  const share = startingCash / series.length;
  const cursor = series.map(() => -1);
  return times.map((t) => {
    let value = 0;
    series.forEach((cs, k) => {
      while (cursor[k]! + 1 < cs.length && cs[cursor[k]! + 1]!.openTime + tf <= t) cursor[k]! += 1;
      value += cursor[k]! < 0 ? share : share * (cs[cursor[k]!]!.close / cs[0]!.close);
    });
    return Number(value.toFixed(2));
  });
}

/**
 * The strategy's plot() lines for each symbol's candles; none when it has no plot(). A plot() that throws or returns
 * lines of the wrong length draws no lines for that symbol, and the problem is returned for the page to state.
 */
export function strategyPlots(
  strategy: Pick<Strategy, 'plot'>, params: StrategyParams, candles: Readonly<Record<string, readonly Candle[]>>,
): { plots: Record<string, readonly PlotLine[]>; problems: string[] } {
  const plots: Record<string, readonly PlotLine[]> = {};
  const problems: string[] = [];
  if (!strategy.plot) return { plots, problems };
  for (const symbol of Object.keys(candles).sort()) {
    try {
      const lines = strategy.plot(candles[symbol]!, params);
      const bad = lines.find((l) => l.values.length !== candles[symbol]!.length);
      if (bad) throw new RangeError(`line ${bad.name} has ${bad.values.length} values for ${candles[symbol]!.length} candles`);
      plots[symbol] = lines;
    } catch (error) {
      problems.push(`${symbol}: the strategy's plot lines could not be drawn (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return { plots, problems };
}
