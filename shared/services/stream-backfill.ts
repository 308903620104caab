import { timeframeMs, type Candle, type Timeframe } from '../domain/candle.js';

/**
 * Closed candles by REST (the exchange's kline endpoint): the market stream fills its gaps with it and the
 * signal function reads through it in degraded mode. A port; the ccxt implementation is in
 * shared/adapters/ccxt-backfill.ts.
 */
export interface CandleFetcher {
  /** Closed candles with openTime in [from, to) (epoch ms), oldest first; holes where the exchange has none. Throws StratusError. */
  fetchClosedCandles(symbol: string, timeframe: Timeframe, from: number, to: number): Promise<Candle[]>;
}

/** How the market stream backfills by REST. */
export interface BackfillOptions {
  readonly fetcher: CandleFetcher;
  /** With nothing stored for a symbol, fetch this many candles back from now. Default 1000 (one Binance request). */
  readonly initialCandles?: number;
  /** Never fetch more than this many candles in one gap; older ones stay missing. Default 10 080 (a week of 1m). */
  readonly maxCandles?: number;
  /** A candle that closed less than this long ago is left to the websocket (REST may still be settling it). Default 2000 ms. */
  readonly settleMs?: number;
}

/** A range of open times [from, to) to fetch, and how many candles were left out because of maxCandles. */
export interface BackfillRange {
  readonly from: number;
  readonly to: number;
  readonly truncated: number;
}

/**
 * The gap after `lastSeen` (newest open time stored or judged; undefined = nothing stored) up to the newest
 * candle that had closed by `now - settleMs`, or up to `before` (exclusive) when a live candle revealed the
 * gap. Undefined when nothing is missing.
 */
export function backfillRange(
  lastSeen: number | undefined, now: number, timeframe: Timeframe, options: BackfillOptions, before?: number,
): BackfillRange | undefined {
  const tf = timeframeMs(timeframe);
  const closedBoundary = Math.floor((now - (options.settleMs ?? 2_000)) / tf) * tf;
  const to = Math.min(before ?? Infinity, closedBoundary);
  const start = lastSeen === undefined ? to - (options.initialCandles ?? 1_000) * tf : lastSeen + tf;
  if (!(start < to)) return undefined;
  const max = options.maxCandles ?? 10_080;
  const from = Math.max(start, to - max * tf);
  return { from, to, truncated: (from - start) / tf };
}

/** The candles of a fetch that belong to the range, symbol and timeframe, oldest first, one per open time. */
export function inRange(candles: readonly Candle[], symbol: string, timeframe: Timeframe, range: { from: number; to: number }): Candle[] {
  const seen = new Set<number>();
  return candles
    .filter((c) => c.symbol === symbol && c.timeframe === timeframe && c.openTime >= range.from && c.openTime < range.to)
    .sort((a, b) => a.openTime - b.openTime)
    .filter((c) => !seen.has(c.openTime) && seen.add(c.openTime));
}
