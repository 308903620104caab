/**
 * GET /api/v3/klines for the fake Binance: per-symbol, per-interval history with Binance's query semantics
 * (symbol and interval required; startTime/endTime inclusive on open time; limit default 500, max 1000;
 * without startTime the newest `limit` rows up to endTime) and its wire rows (arrays, prices as strings).
 * Holes in the history stay holes: Binance returns the candles that exist, not empty ones.
 */
import { BinanceError } from './wire.js';

/** One candle as a test stores it; prices and volume are decimal strings as Binance sends them. */
export interface FakeKlineRow {
  readonly openTime: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
}

/** Binance spot intervals the fake serves, with their length in ms. */
const INTERVAL_MS: Readonly<Record<string, number>> = {
  '1m': 60_000, '3m': 180_000, '5m': 300_000, '15m': 900_000, '30m': 1_800_000, '1h': 3_600_000,
  '2h': 7_200_000, '4h': 14_400_000, '6h': 21_600_000, '8h': 28_800_000, '12h': 43_200_000, '1d': 86_400_000,
};

/** The klines the fake serves, by Binance symbol (BTCUSDT) and interval. */
export class KlineBook {
  readonly #rows = new Map<string, Map<number, FakeKlineRow>>();

  /** Adds (or replaces, same open time) candles of `symbol` (BTCUSDT) on `interval`. */
  add(symbol: string, interval: string, rows: readonly FakeKlineRow[]): void {
    const key = `${symbol} ${interval}`;
    const byTime = this.#rows.get(key) ?? new Map<number, FakeKlineRow>();
    for (const row of rows) byTime.set(row.openTime, row);
    this.#rows.set(key, byTime);
  }

  /** Drops every stored candle. */
  clear(): void {
    this.#rows.clear();
  }

  /** Answers one GET /api/v3/klines; `known` says whether the symbol is listed in exchangeInfo. */
  query(p: Readonly<Record<string, string>>, known: (symbol: string) => boolean): unknown[] {
    if (!p.symbol) throw new BinanceError(400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    if (!known(p.symbol)) throw new BinanceError(400, -1121, 'Invalid symbol.');
    const ms = p.interval ? INTERVAL_MS[p.interval] : undefined;
    if (!ms) throw new BinanceError(400, -1120, 'Invalid interval.');
    const limit = p.limit === undefined ? 500 : Number(p.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new BinanceError(400, -1130, "Invalid data sent for a parameter: 'limit'.");
    const start = p.startTime === undefined ? undefined : Number(p.startTime);
    const end = p.endTime === undefined ? Number.MAX_SAFE_INTEGER : Number(p.endTime);
    const rows = [...(this.#rows.get(`${p.symbol} ${p.interval}`)?.values() ?? [])]
      .filter((r) => r.openTime >= (start ?? -Infinity) && r.openTime <= end)
      .sort((a, b) => a.openTime - b.openTime);
    const page = start === undefined ? rows.slice(-limit) : rows.slice(0, limit);
    return page.map((r) => [r.openTime, r.open, r.high, r.low, r.close, r.volume, r.openTime + ms - 1, '0', 1, '0', '0', '0']);
  }
}
