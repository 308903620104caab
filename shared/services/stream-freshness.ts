import { timeframeMs, type Candle, type Timeframe } from '../domain/candle.js';
import { candleDefect } from '../domain/tick-guard.js';
import type { MarketDataStore } from '../ports.js';
import { HEARTBEAT_SOURCE } from '../resources.js';
import type { CandleFetcher } from './stream-backfill.js';

/** The policy's market-quality limits, seconds. */
export interface FreshnessLimits {
  readonly staleDataSeconds: number;
  readonly degradedAfterSeconds: number;
}

/**
 * How a scheduled function sees the market stream this cycle, and where it reads candles from: the market
 * table normally; the exchange's REST klines in degraded mode (stream down past degradedAfterSeconds, or never
 * up) when a fetcher is wired, so exits keep working while the websocket service is dead.
 */
export interface MarketDataView {
  /** Heartbeat missing or older than staleDataSeconds: no new entries. */
  readonly stale: boolean;
  /** Heartbeat missing or older than degradedAfterSeconds. */
  readonly degraded: boolean;
  /** Age of the heartbeat, ms; undefined when there is none. */
  readonly heartbeatAgeMs?: number;
  readonly candleSource: 'store' | 'rest';
  /** Same contract as MarketDataStore.getRecentClosedCandles; a failed REST read gives [] and failure(symbol). */
  getRecentClosedCandles(symbol: string, timeframe: Timeframe, now: number, count: number): Promise<Candle[]>;
  /** Why the REST read of a symbol failed this cycle, if it did. */
  failure(symbol: string): string | undefined;
  /** Reads up to `count` candles of these symbols in as few requests as the store can; later reads of no more are served from them. */
  prefetch(symbols: readonly string[], timeframe: Timeframe, now: number, count: number): Promise<void>;
}

/** Reads the heartbeat and picks the candle source for one cycle at `now`; the fetcher is only built in degraded mode. */
export async function viewMarketData(
  market: MarketDataStore, fetcherFor: (() => CandleFetcher) | undefined, limits: FreshnessLimits, now: number,
): Promise<MarketDataView> {
  const heartbeat = await market.getHeartbeat(HEARTBEAT_SOURCE);
  const age = heartbeat ? now - heartbeat.time : undefined;
  const beyond = (seconds: number) => age === undefined || age > seconds * 1000;
  const stale = beyond(limits.staleDataSeconds);
  const degraded = beyond(limits.degradedAfterSeconds);
  const base = { stale, degraded, ...(age === undefined ? {} : { heartbeatAgeMs: age }) };
  if (!degraded || !fetcherFor) return { ...base, candleSource: 'store', ...prefetching(market), failure: () => undefined };
  const failures = new Map<string, string>();
  const reads = new Map<string, Promise<Candle[]>>();
  const read = async (symbol: string, timeframe: Timeframe, at: number, count: number): Promise<Candle[]> => {
    const tf = timeframeMs(timeframe);
    const to = Math.floor(at / tf) * tf;
    try {
      const fetched = await fetcherFor().fetchClosedCandles(symbol, timeframe, to - count * tf, to);
      return fetched.filter((c) => c.openTime + tf <= to && !candleDefect(c)).slice(-count);
    } catch (error) {
      failures.set(symbol, error instanceof Error ? error.message : String(error));
      return [];
    }
  };
  return {
    ...base,
    candleSource: 'rest',
    getRecentClosedCandles(symbol, timeframe, at, count) {
      const key = `${symbol}|${timeframe}|${at}|${count}`;
      if (!reads.has(key)) reads.set(key, read(symbol, timeframe, at, count));
      return reads.get(key)!.then((candles) => [...candles]);
    },
    failure: (symbol) => failures.get(symbol),
    prefetch: async () => undefined,
  };
}

/** Store reads with a prefetch: the newest N of a symbol at `now` hold the newest count ≤ N (copies are handed out). */
function prefetching(market: MarketDataStore): Pick<MarketDataView, 'getRecentClosedCandles' | 'prefetch'> {
  const fetched = new Map<string, { count: number; candles: readonly Candle[] }>();
  const key = (symbol: string, timeframe: Timeframe, now: number) => `${symbol}|${timeframe}|${now}`;
  return {
    async prefetch(symbols, timeframe, now, count) {
      if (!market.getRecentClosedCandlesOf || symbols.length === 0 || count <= 0) return;
      const bySymbol = await market.getRecentClosedCandlesOf(symbols, timeframe, now, count);
      for (const symbol of symbols) fetched.set(key(symbol, timeframe, now), { count, candles: bySymbol[symbol] ?? [] });
    },
    async getRecentClosedCandles(symbol, timeframe, now, count) {
      const hit = fetched.get(key(symbol, timeframe, now));
      if (!hit || count > hit.count) return market.getRecentClosedCandles(symbol, timeframe, now, count);
      return count <= 0 ? [] : hit.candles.slice(-count).map((c) => ({ ...c }));
    },
  };
}
