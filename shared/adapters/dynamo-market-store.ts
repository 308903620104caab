/**
 * MarketDataStore on the market table: closed candles (TTL 14 days after close),
 * the latest top of book per symbol and the stream heartbeat. Item shapes: codec.ts.
 */
import { BatchGetCommand, BatchWriteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { timeframeMs, type Candle, type Heartbeat, type Timeframe, type TopOfBook } from '../domain/candle.js';
import type { MarketBatchExtras, MarketDataStore } from '../ports.js';
import { dynamoDocumentClient } from './aws-clients.js';
import {
  bookFromItem, bookToItem, candleFromItem, candleToItem, heartbeatFromItem, heartbeatToItem, keys, pad13, type Item,
} from './codec.js';
import { StoreUnavailableError, conditionalWrite, translateAwsErrors } from './errors.js';

/** BatchWriteItem accepts at most this many requests. */
export const BATCH_WRITE_LIMIT = 25;
/** BatchGetItem accepts at most this many keys. */
export const BATCH_GET_LIMIT = 100;

/** Options of the unprocessed-items retry loop. */
export interface BatchRetryOptions {
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Named by the StoreUnavailableError when items stay unprocessed (default putCandles). */
  readonly operation?: string;
}

/**
 * Sends one batch and re-sends whatever DynamoDB reports unprocessed, with exponential backoff;
 * throws a retryable StoreUnavailableError when items are still unprocessed after maxAttempts.
 */
export async function writeBatchFully<R>(
  send: (requests: R[]) => Promise<R[]>, requests: R[], options: BatchRetryOptions = {},
): Promise<void> {
  const { maxAttempts = 8, baseDelayMs = 25, sleep = (ms) => new Promise((r) => setTimeout(r, ms)) } = options;
  let pending = requests;
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > maxAttempts) {
      throw new StoreUnavailableError(options.operation ?? 'putCandles', { cause: new Error(`${pending.length} items unprocessed after ${maxAttempts} attempts`) });
    }
    if (attempt > 1) await sleep(Math.min(baseDelayMs * 2 ** (attempt - 2), 2_000));
    pending = await send(pending);
  }
}

/** MarketDataStore on DynamoDB (or dynalite). Reads are strongly consistent. */
export class DynamoMarketStore implements MarketDataStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #batchRetry: BatchRetryOptions;

  constructor(props: { readonly tableName: string; readonly client?: DynamoDBDocumentClient; readonly batchRetry?: BatchRetryOptions }) {
    this.#client = props.client ?? dynamoDocumentClient();
    this.#table = props.tableName;
    this.#batchRetry = props.batchRetry ?? {};
  }

  /** Idempotent on (symbol, timeframe, openTime); a repeated key in one call keeps the last candle. Books (unconditional) and a heartbeat ride along. */
  async putCandles(candles: readonly Candle[], with_: MarketBatchExtras = {}): Promise<void> {
    const byKey = new Map<string, Item>();
    for (const c of candles) {
      const item = candleToItem(c);
      byKey.set(`${String(item['pk'])}|${String(item['sk'])}`, item);
    }
    for (const book of with_.books ?? []) byKey.set(`book|${book.symbol}`, bookToItem(book));
    if (with_.heartbeat) byKey.set('heartbeat', heartbeatToItem(with_.heartbeat));
    const requests = [...byKey.values()].map((Item) => ({ PutRequest: { Item } }));
    for (let i = 0; i < requests.length; i += BATCH_WRITE_LIMIT) {
      await writeBatchFully(async (chunk) => {
        const out = await translateAwsErrors('putCandles', () =>
          this.#client.send(new BatchWriteCommand({ RequestItems: { [this.#table]: chunk } })));
        return (out.UnprocessedItems?.[this.#table] ?? []) as typeof chunk;
      }, requests.slice(i, i + BATCH_WRITE_LIMIT), this.#batchRetry);
    }
  }

  /** Candles with openTime + timeframe <= now, newest `count` of them, returned oldest first. */
  async getRecentClosedCandles(symbol: string, timeframe: Timeframe, now: number, count: number): Promise<Candle[]> {
    const newestOpen = Math.min(Math.floor(now) - timeframeMs(timeframe), 1e13 - 1);
    if (count <= 0 || newestOpen < 0) return [];
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await translateAwsErrors('getRecentClosedCandles', () => this.#client.send(new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: 'pk = :pk AND sk <= :newest',
        ExpressionAttributeValues: { ':pk': keys.candle(symbol, timeframe, 0).pk, ':newest': pad13(newestOpen) },
        ScanIndexForward: false,
        Limit: count - items.length,
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      })));
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey && items.length < count);
    return items.map(candleFromItem).reverse();
  }

  /**
   * getRecentClosedCandles of several symbols: one consistent BatchGetItem per 100 keys for the `count` grid slots up to
   * the newest closed candle (UnprocessedKeys re-sent as writes are); a symbol with any slot missing (a gap, or less
   * history) is read with its Query instead, so the result is always the Query's (candles are stored on their grid).
   */
  async getRecentClosedCandlesOf(symbols: readonly string[], timeframe: Timeframe, now: number, count: number): Promise<Record<string, Candle[]>> {
    const step = timeframeMs(timeframe);
    const newest = Math.floor((Math.min(Math.floor(now) - step, 1e13 - 1)) / step) * step;
    const out: Record<string, Candle[]> = {};
    if (count <= 0 || newest - (count - 1) * step < 0) {
      for (const symbol of symbols) out[symbol] = await this.getRecentClosedCandles(symbol, timeframe, now, count);
      return out;
    }
    const keysOf = [...new Set(symbols)].flatMap((symbol) => Array.from({ length: count }, (_, i) => keys.candle(symbol, timeframe, newest - i * step)));
    const found = new Map<string, Candle>();
    for (let i = 0; i < keysOf.length; i += BATCH_GET_LIMIT) {
      await writeBatchFully(async (chunk) => {
        const res = await translateAwsErrors('getRecentClosedCandles', () =>
          this.#client.send(new BatchGetCommand({ RequestItems: { [this.#table]: { Keys: chunk, ConsistentRead: true } } })));
        for (const item of res.Responses?.[this.#table] ?? []) found.set(`${String(item['pk'])}|${String(item['sk'])}`, candleFromItem(item));
        return (res.UnprocessedKeys?.[this.#table]?.Keys ?? []) as typeof chunk;
      }, keysOf.slice(i, i + BATCH_GET_LIMIT), { ...this.#batchRetry, operation: 'getRecentClosedCandles' });
    }
    for (const symbol of symbols) {
      const slots = Array.from({ length: count }, (_, i) => { const k = keys.candle(symbol, timeframe, newest - (count - 1 - i) * step); return found.get(`${k.pk}|${k.sk}`); });
      out[symbol] = slots.every((c) => c !== undefined) ? slots as Candle[] : await this.getRecentClosedCandles(symbol, timeframe, now, count);
    }
    return out;
  }

  /** Keeps the newest quote: a quote older than the stored one is ignored. */
  async putTopOfBook(book: TopOfBook): Promise<void> {
    const item = bookToItem(book);
    await conditionalWrite('putTopOfBook', () => this.#client.send(new PutCommand({
      TableName: this.#table, Item: item,
      ConditionExpression: 'attribute_not_exists(pk) OR #time <= :time',
      ExpressionAttributeNames: { '#time': 'time' }, ExpressionAttributeValues: { ':time': book.time },
    })));
  }

  async getTopOfBook(symbol: string): Promise<TopOfBook | undefined> {
    const item = await this.#get(keys.book(symbol), 'getTopOfBook');
    return item && bookFromItem(item);
  }

  async putHeartbeat(heartbeat: Heartbeat): Promise<void> {
    await translateAwsErrors('putHeartbeat', () =>
      this.#client.send(new PutCommand({ TableName: this.#table, Item: heartbeatToItem(heartbeat) })));
  }

  async getHeartbeat(source: string): Promise<Heartbeat | undefined> {
    const item = await this.#get(keys.heartbeat(source), 'getHeartbeat');
    return item && heartbeatFromItem(item);
  }

  async #get(key: { pk: string; sk: string }, operation: string): Promise<Item | undefined> {
    const out = await translateAwsErrors(operation, () =>
      this.#client.send(new GetCommand({ TableName: this.#table, Key: key, ConsistentRead: true })));
    return out.Item;
  }
}
