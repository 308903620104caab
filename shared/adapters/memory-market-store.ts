/**
 * MarketDataStore in memory, for service unit tests and the backtester. Same
 * semantics as DynamoMarketStore; candles are kept per series in openTime order
 * so a backtest's getRecentClosedCandles is a binary search, not a scan.
 */
import { timeframeMs, type Candle, type Heartbeat, type Timeframe, type TopOfBook } from '../domain/candle.js';
import type { MarketBatchExtras, MarketDataStore } from '../ports.js';
import {
  bookFromItem, bookToItem, candleFromItem, candleToItem, heartbeatFromItem, heartbeatToItem, keys, type Item,
} from './codec.js';

/** One stored candle: validated on write, or planted raw by a test and decoded on read. */
type Entry = { readonly candle: Candle } | { readonly raw: Item };

interface Series {
  /** Sorted ascending, unique. */
  readonly openTimes: number[];
  readonly entries: Map<number, Entry>;
}

/** MarketDataStore in memory. Returns copies; never shares an object with the caller. */
export class MemoryMarketStore implements MarketDataStore {
  readonly #series = new Map<string, Series>();
  readonly #items = new Map<string, Item>();

  /** Test hook: stores a raw item exactly as given (e.g. a corrupt candle under a CANDLE# key). */
  plantItem(item: Item): void {
    const pk = String(item['pk']);
    const sk = String(item['sk']);
    if (pk.startsWith('CANDLE#') && /^\d{13}$/.test(sk)) this.#store(pk, Number(sk), { raw: structuredClone(item) });
    else this.#items.set(`${pk}\u0000${sk}`, structuredClone(item));
  }

  /** Idempotent on (symbol, timeframe, openTime); a repeated key keeps the last candle. */
  async putCandles(candles: readonly Candle[], with_: MarketBatchExtras = {}): Promise<void> {
    const checked = candles.map((c) => ({ pk: String(candleToItem(c)['pk']), candle: copyCandle(c) }));
    for (const { pk, candle } of checked) this.#store(pk, candle.openTime, { candle });
    for (const book of with_.books ?? []) await this.putTopOfBook(book);
    if (with_.heartbeat) await this.putHeartbeat(with_.heartbeat);
  }

  /** Candles with openTime + timeframe <= now, newest `count` of them, returned oldest first. */
  async getRecentClosedCandles(symbol: string, timeframe: Timeframe, now: number, count: number): Promise<Candle[]> {
    const newestOpen = Math.floor(now) - timeframeMs(timeframe);
    const series = this.#series.get(keys.candle(symbol, timeframe, 0).pk);
    if (!series || count <= 0 || newestOpen < 0) return [];
    const end = upperBound(series.openTimes, newestOpen);
    return series.openTimes.slice(Math.max(0, end - count), end).map((t) => {
      const entry = series.entries.get(t)!;
      return 'candle' in entry ? copyCandle(entry.candle) : candleFromItem(structuredClone(entry.raw));
    });
  }

  /** Keeps the newest quote: a quote older than the stored one is ignored. */
  async putTopOfBook(book: TopOfBook): Promise<void> {
    const item = bookToItem(book);
    const id = `${String(item['pk'])}\u0000${String(item['sk'])}`;
    const existing = this.#items.get(id);
    if (existing === undefined || (typeof existing['time'] === 'number' && existing['time'] <= book.time)) this.#items.set(id, item);
  }

  async getTopOfBook(symbol: string): Promise<TopOfBook | undefined> {
    const item = this.#get(keys.book(symbol));
    return item && bookFromItem(item);
  }

  async putHeartbeat(heartbeat: Heartbeat): Promise<void> {
    const item = heartbeatToItem(heartbeat);
    this.#items.set(`${String(item['pk'])}\u0000${String(item['sk'])}`, structuredClone(item));
  }

  async getHeartbeat(source: string): Promise<Heartbeat | undefined> {
    const item = this.#get(keys.heartbeat(source));
    return item && heartbeatFromItem(item);
  }

  #get(key: { pk: string; sk: string }): Item | undefined {
    const item = this.#items.get(`${key.pk}\u0000${key.sk}`);
    return item && structuredClone(item);
  }

  #store(pk: string, openTime: number, entry: Entry): void {
    let series = this.#series.get(pk);
    if (!series) this.#series.set(pk, (series = { openTimes: [], entries: new Map() }));
    if (!series.entries.has(openTime)) {
      const at = upperBound(series.openTimes, openTime);
      series.openTimes.splice(at, 0, openTime);
    }
    series.entries.set(openTime, entry);
  }
}

/** Index of the first element > value in an ascending array. */
function upperBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function copyCandle(c: Candle): Candle {
  const { symbol, timeframe, openTime, open, high, low, close, volume } = c;
  return { symbol, timeframe, openTime, open, high, low, close, volume };
}
