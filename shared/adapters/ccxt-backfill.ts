/**
 * CandleFetcher over a ccxt exchange's REST klines (`fetchOHLCV`): the market stream's gap filler and the
 * signal function's degraded-mode candle source. Pages of up to 1000 candles, `until` bounded so the
 * exchange never returns the candle that is still forming; failures are translated by ccxt-errors.ts.
 */
import type { Exchange as CcxtClient, OHLCV } from 'ccxt';
import { timeframeMs, type Candle, type Timeframe } from '../domain/candle.js';
import type { CandleFetcher } from '../services/stream-backfill.js';
import { fromCcxtError } from './ccxt-errors.js';
import { createCcxtClient, type CcxtClientOptions } from './ccxt-exchange.js';

/** The part of a ccxt exchange the fetcher uses (a REST client or a ccxt.pro instance both fit). */
export type OhlcvClient = Pick<CcxtClient, 'id' | 'fetchOHLCV'>;

/** Paging of CcxtCandleFetcher. */
export interface CcxtCandleFetcherOptions {
  /** Candles per request (Binance spot allows 1000). Default 1000. */
  readonly pageLimit?: number;
  /** Requests per fetchClosedCandles call at most (a week of 1m candles is 11). Default 20. */
  readonly maxPages?: number;
}

/** Closed candles from a ccxt client's fetchOHLCV, paged forward from `from` until `to` or an empty page. */
export class CcxtCandleFetcher implements CandleFetcher {
  constructor(private readonly client: OhlcvClient, private readonly options: CcxtCandleFetcherOptions = {}) {}

  async fetchClosedCandles(symbol: string, timeframe: Timeframe, from: number, to: number): Promise<Candle[]> {
    const tf = timeframeMs(timeframe);
    const limit = this.options.pageLimit ?? 1000;
    const out: Candle[] = [];
    let since = from;
    for (let page = 0; page < (this.options.maxPages ?? 20) && since < to; page++) {
      let rows: OHLCV[];
      try {
        rows = await this.client.fetchOHLCV(symbol, timeframe, since, limit, { until: to - 1 });
      } catch (error) {
        throw fromCcxtError(error, `fetchOHLCV ${symbol} ${timeframe} from ${new Date(since).toISOString()}`);
      }
      const candles = rows.map((row) => toCandle(symbol, timeframe, row)).filter((c) => c.openTime >= since && c.openTime < to);
      if (candles.length === 0) break;
      out.push(...candles);
      since = candles.at(-1)!.openTime + tf;
      if (rows.length < limit) break;
    }
    return out;
  }
}

/** Fetchers by ccxt exchange id, each built on first use over createCcxtClient (public REST, no keys). */
export function ccxtCandleFetcherFor(
  clientOptions: CcxtClientOptions = {}, fetcherOptions: CcxtCandleFetcherOptions = {},
): (exchangeId: string) => CandleFetcher {
  const fetchers = new Map<string, CandleFetcher>();
  return (exchangeId) => {
    let fetcher = fetchers.get(exchangeId);
    if (!fetcher) {
      fetcher = new CcxtCandleFetcher(createCcxtClient(exchangeId, undefined, clientOptions), fetcherOptions);
      fetchers.set(exchangeId, fetcher);
    }
    return fetcher;
  };
}

function toCandle(symbol: string, timeframe: Timeframe, [t, o, h, l, c, v]: OHLCV): Candle {
  const n = (x: number | undefined) => (typeof x === 'number' ? x : NaN);
  return { symbol, timeframe, openTime: n(t), open: n(o), high: n(h), low: n(l), close: n(c), volume: n(v) };
}
