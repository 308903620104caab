/**
 * KlineSource over a ccxt exchange's REST API: the market list from loadMarkets (spot only) and pages of
 * `fetchOHLCV(symbol, tf, since, limit, { until })`, throttled by ccxt's own rate limiter (enableRateLimit)
 * and with failures translated by ccxt-errors.ts (429/418 carry the exchange's Retry-After). Values keep the
 * exchange's decimal strings: ccxt parses klines into floats, so each row is taken from the JSON response
 * ccxt keeps (enableLastJsonResponse) when it lines up, and from the float's shortest form otherwise.
 */
import type { Exchange as CcxtClient, OHLCV } from 'ccxt';
import type { Timeframe } from '../domain/candle.js';
import { dec } from '../domain/money.js';
import type { CandleRow } from '../domain/resample.js';
import type { KlineSource } from '../local/data-download.js';
import { fromCcxtError, hardenClient } from './ccxt-errors.js';
import { createCcxtClient, type CcxtClientOptions } from './ccxt-exchange.js';

/** Reads candles through one ccxt client (public endpoints, no keys). */
export class CcxtKlineSource implements KlineSource {
  constructor(private readonly client: CcxtClient) {
    hardenClient(client);
    client.enableLastJsonResponse = true;
  }

  /** A source on a new public client of `exchangeId` (throws for an exchange Stratus does not wire). */
  static create(exchangeId: string, options: CcxtClientOptions = {}): CcxtKlineSource {
    return new CcxtKlineSource(createCcxtClient(exchangeId, undefined, options));
  }

  async symbols(): Promise<string[]> {
    try {
      const markets = await this.client.loadMarkets();
      return Object.values(markets).filter((m) => m?.spot).map((m) => m!.symbol).sort();
    } catch (error) {
      throw fromCcxtError(error, `${this.client.id} loadMarkets`);
    }
  }

  async fetchPage(symbol: string, timeframe: Timeframe, since: number, until: number, limit: number): Promise<CandleRow[]> {
    let rows: OHLCV[];
    try {
      rows = await this.client.fetchOHLCV(symbol, timeframe, since, limit, { until });
    } catch (error) {
      throw fromCcxtError(error, `fetchOHLCV ${symbol} ${timeframe} from ${new Date(since).toISOString()}`);
    }
    const raw = rawRows(this.client.last_json_response);
    return rows.map((row) => toRow(row, raw.get(row[0] as number)));
  }
}

/** The response's kline arrays by open time (Binance: [openTime, "open", "high", "low", "close", "volume", ...]). */
function rawRows(json: unknown): Map<number, readonly unknown[]> {
  const byTime = new Map<number, readonly unknown[]>();
  if (Array.isArray(json)) for (const r of json) if (Array.isArray(r) && typeof r[0] === 'number') byTime.set(r[0], r);
  return byTime;
}

/** One row in decimal strings: the raw string when it denotes the same number ccxt parsed, else the float's shortest form. */
function toRow(row: OHLCV, raw: readonly unknown[] | undefined): CandleRow {
  const value = (i: number): string => {
    const n = row[i];
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new Error(`kline at ${String(row[0])}: field ${i} is not a number`);
    const s = raw?.[i];
    return typeof s === 'string' && Number(s) === n ? dec(s).toFixed() : dec(n).toFixed();
  };
  return { openTime: row[0] as number, open: value(1), high: value(2), low: value(3), close: value(4), volume: value(5) };
}
