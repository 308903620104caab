/**
 * The signal function's REST candle fetcher (degraded mode), with ccxt loaded on the first fetch (`await import()`).
 * Its own file: esbuild bundles every import() target of a bundled file, so only functions that fetch candles import it.
 */
import type { CandleFetcher } from '../services/stream-backfill.js';

/** REST candle fetchers by exchange id (the signal function's degraded mode); ccxt-backfill.ts loads on the first fetch. */
export function lazyCandleFetcherFor(): (exchangeId: string) => CandleFetcher {
  let fetcherFor: Promise<(exchangeId: string) => CandleFetcher> | undefined;
  return (exchangeId) => ({
    fetchClosedCandles: async (symbol, timeframe, from, to) => {
      fetcherFor ??= import('../adapters/ccxt-backfill.js').then((m) => m.ccxtCandleFetcherFor());
      return (await fetcherFor)(exchangeId).fetchClosedCandles(symbol, timeframe, from, to);
    },
  });
}
