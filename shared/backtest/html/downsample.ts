import { timeframeMs, type Candle, type Timeframe } from '../../domain/candle.js';
import type { EquityPoint } from '../metrics-types.js';

/** One OHLC bar for the chart; time in epoch ms (bar open). */
export interface ChartBar {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/** OHLC bars and the bar length they were aggregated to (equal to the timeframe when nothing was merged). */
export interface AggregatedBars {
  readonly bars: ChartBar[];
  readonly barMs: number;
  readonly sourceCount: number;
}

const MINUTE = 60_000;
/** Bar lengths a chart may aggregate to, shortest first (each divides the next day boundary cleanly). */
const NICE_MS = [1, 5, 15, 30, 60, 120, 240, 360, 720, 1440, 2880, 4320, 10080, 20160, 43200].map((m) => m * MINUTE);

/**
 * Candles merged into at most `maxBars` OHLC bars of a readable length (a multiple of the timeframe from
 * 1m … 30d), aligned to epoch multiples of that length: open of the first, max high, min low, close of the last.
 * Returns the candles unchanged (as bars) when they already fit.
 */
export function aggregateCandles(candles: readonly Candle[], timeframe: Timeframe, maxBars: number): AggregatedBars {
  const tf = timeframeMs(timeframe);
  const first = candles[0];
  const last = candles.at(-1);
  const toBar = (c: Candle): ChartBar => ({ time: c.openTime, open: c.open, high: c.high, low: c.low, close: c.close });
  if (!first || !last || candles.length <= maxBars) return { bars: candles.map(toBar), barMs: tf, sourceCount: candles.length };
  const span = last.openTime - first.openTime + tf;
  const need = span / Math.max(1, maxBars - 1);
  const width = NICE_MS.find((w) => w >= need && w % tf === 0) ?? Math.ceil(need / tf) * tf;
  const bars: { time: number; open: number; high: number; low: number; close: number }[] = [];
  for (const c of candles) {
    const time = Math.floor(c.openTime / width) * width;
    const bar = bars.at(-1);
    if (bar && bar.time === time) {
      bar.high = Math.max(bar.high, c.high); bar.low = Math.min(bar.low, c.low); bar.close = c.close;
    } else bars.push({ ...toBar(c), time });
  }
  return { bars, barMs: width, sourceCount: candles.length };
}

/** One equity mark for the charts: equity in quote currency and its drawdown in % from the running peak (≤ 0). */
export interface ChartEquityPoint {
  readonly time: number;
  readonly equity: number;
  readonly drawdownPct: number;
}

/**
 * The equity curve as numbers with drawdown % from the running peak (peaks ≤ 0 give 0, as the README's metric definitions), thinned to
 * at most `maxPoints` when longer: per bucket of consecutive marks it keeps the highest equity, the lowest equity and
 * the deepest drawdown, so peaks, troughs and the maximum drawdown survive. Display only — metrics use decimals.
 */
export function equityWithDrawdown(equity: readonly EquityPoint[], maxPoints: number): ChartEquityPoint[] {
  let peak = -Infinity;
  const full = equity.map((p) => {
    const value = Number(p.equity);
    peak = Math.max(peak, value);
    return { time: p.time, equity: value, drawdownPct: peak > 0 ? ((value - peak) / peak) * 100 : 0 };
  });
  if (full.length <= maxPoints) return full;
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 3));
  const size = Math.ceil(full.length / buckets);
  const keep = new Set<number>([0, full.length - 1]);
  for (let start = 0; start < full.length; start += size) {
    let hi = start, lo = start, deep = start;
    for (let i = start; i < Math.min(full.length, start + size); i++) {
      if (full[i]!.equity > full[hi]!.equity) hi = i;
      if (full[i]!.equity < full[lo]!.equity) lo = i;
      if (full[i]!.drawdownPct < full[deep]!.drawdownPct) deep = i;
    }
    keep.add(hi).add(lo).add(deep);
  }
  return [...keep].sort((a, b) => a - b).map((i) => full[i]!);
}
