import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dynamoDocumentClient } from '../../../shared/adapters/aws-clients.js';
import { CcxtMarketSource, createBinanceProExchange, type StreamErrorContext } from '../../../shared/adapters/ccxt-market-source.js';
import { DynamoMarketStore } from '../../../shared/adapters/dynamo-market-store.js';
import { startEmulators, type Emulators } from '../../../shared/local/emulators.js';
import { provision } from '../../../shared/local/provision.js';
import { HEARTBEAT_SOURCE } from '../../../shared/resources.js';
import { createMarketStream, type MarketStream } from '../../../shared/services/stream-market.js';
import { FakeBinanceWs } from '../../support/fake-binance-ws.js';

const T0 = Date.UTC(2021, 4, 17, 0, 0);
const M = 60_000;
const FAR = T0 + 24 * 3_600_000;

/** Waits for a condition the stream reaches asynchronously (generous bound for slow CI machines). */
const until = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 10_000, interval: 20 });

/** A settable clock: the stream's heartbeat and lag use it, not the wall clock. */
const clock = { t: T0, now() { return this.t; } };

describe('CcxtMarketSource + market stream against a fake Binance websocket and dynalite', () => {
  let emulators: Emulators;
  let fake: FakeBinanceWs;
  let store: DynamoMarketStore;
  let table: string;
  let stream: MarketStream;
  const streamErrors: StreamErrorContext[] = [];
  const client = () => dynamoDocumentClient({ endpoint: emulators.dynamoEndpoint, region: emulators.region, credentials: emulators.credentials });

  beforeAll(async () => {
    emulators = await startEmulators();
    table = (await provision(emulators, 'mstream')).tables.market;
    store = new DynamoMarketStore({ tableName: table, client: client() });
    fake = await FakeBinanceWs.start(['BTC/USDT', 'ETH/USDT', 'SOL/USDT']);
    const exchange = createBinanceProExchange();
    const raw = exchange as unknown as { urls: { api: Record<string, unknown> & { ws: Record<string, string> } }; options: Record<string, unknown>; loadHttpProxyAgent(): Promise<unknown> };
    raw.urls.api.ws.spot = fake.wsUrl;
    raw.urls.api.public = fake.restUrl;
    raw.options.ws = { ...(raw.options.ws as object), backoff: { base: 10, max: 50 } };
    await raw.loadHttpProxyAgent();
    const source = new CcxtMarketSource({
      exchange, clock, backoff: { initialMs: 5, maxMs: 20 }, onError: (_e, ctx) => streamErrors.push(ctx),
    });
    stream = createMarketStream({ source, store, clock, timeframe: '1m', symbols: ['BTC/USDT'], heartbeatEveryMs: 5_000 });
    await stream.start();
    await fake.waitForSubscription('btcusdt@kline_1m');
    await fake.waitForSubscription('btcusdt@bookTicker');
  });

  afterAll(async () => {
    await stream?.stop();
    await fake?.close();
    await emulators?.stop();
  });

  /** After a reconnect, every stream is subscribed again (so no paced SUBSCRIBE is still queued inside ccxt). */
  const resubscribed = async (...bases: string[]) => {
    await Promise.all(bases.flatMap((b) => [fake.waitForSubscription(`${b}@kline_1m`), fake.waitForSubscription(`${b}@bookTicker`)]));
  };
  const stored = async (symbol: string) => store.getRecentClosedCandles(symbol, '1m', FAR, 100);
  const candleItems = async () => {
    const out = await client().send(new ScanCommand({ TableName: table }));
    return (out.Items ?? []).filter((i) => String(i['pk']).startsWith('CANDLE#')).map((i) => `${String(i['pk'])} ${Number(i['sk'])}`).sort();
  };

  it('stores a candle once a newer one opens, with its final values, and never the forming one', async () => {
    fake.pushKline('BTC/USDT', { openTime: T0, open: 46426.83, high: 46500, low: 46400, close: 46450, volume: 50 });
    fake.pushKline('BTC/USDT', { openTime: T0, open: 46426.83, high: 46514.75, low: 46358.14, close: 46506, volume: 121.330795, closed: true });
    clock.t = T0 + M + 1_500;
    fake.pushKline('BTC/USDT', { openTime: T0 + M, open: 46506, high: 46510, low: 46500, close: 46505, volume: 3 });
    await until(() => expect(stream.stats().candlesWritten).toBe(1));
    expect(await stored('BTC/USDT')).toEqual([{
      symbol: 'BTC/USDT', timeframe: '1m', openTime: T0, open: 46426.83, high: 46514.75, low: 46358.14, close: 46506, volume: 121.330795,
    }]);
    expect(await candleItems()).toEqual([`CANDLE#BTC/USDT#1m ${T0}`]);
    expect(await store.getHeartbeat(HEARTBEAT_SOURCE)).toMatchObject({
      source: HEARTBEAT_SOURCE, time: T0 + M + 1_500, lastCandle: { 'BTC/USDT': T0 }, lagMs: 1_500,
    });
  });

  it('stores the best bid and ask from the book ticker stream', async () => {
    expect(fake.pushBookTicker('BTC/USDT', '46505.01', '46505.02')).toBe(1);
    await until(() => expect(stream.stats().booksWritten).toBe(1));
    expect(await store.getTopOfBook('BTC/USDT')).toEqual({ symbol: 'BTC/USDT', bid: '46505.01', ask: '46505.02', time: T0 + M + 1_500 });
  });

  it('drops and counts a closed candle with an impossible high', async () => {
    fake.pushKline('BTC/USDT', { openTime: T0 + M, open: 46506, high: 46400, low: 46300, close: 46450, volume: 10, closed: true });
    clock.t = T0 + 2 * M + 1_000;
    fake.pushKline('BTC/USDT', { openTime: T0 + 2 * M, open: 46450, high: 46460, low: 46440, close: 46455, volume: 1 });
    await until(() => expect(stream.stats().badTicksDropped).toBe(1));
    expect((await stored('BTC/USDT')).map((c) => c.openTime)).toEqual([T0]);
  });

  it('follows a symbol added with setSymbols', async () => {
    await stream.setSymbols(['BTC/USDT', 'ETH/USDT']);
    await resubscribed('ethusdt');
    fake.pushKline('ETH/USDT', { openTime: T0 + 2 * M, open: 3581.81, high: 3582.24, low: 3578.01, close: 3580.97, volume: 742.27804, closed: true });
    fake.pushKline('ETH/USDT', { openTime: T0 + 3 * M, open: 3580.97, high: 3581, low: 3580, close: 3580.5, volume: 1 });
    await until(async () => expect((await stored('ETH/USDT')).map((c) => c.close)).toEqual([3580.97]));
    expect(await candleItems()).toEqual([`CANDLE#BTC/USDT#1m ${T0}`, `CANDLE#ETH/USDT#1m ${T0 + 2 * M}`]);
  });

  it('reconnects after the connection drops and still stores a candle whose final update came after the reconnect', async () => {
    fake.dropConnections();
    await until(() => expect(streamErrors.filter((e) => e.symbol === 'BTC/USDT' && e.stream === 'ohlcv').length).toBeGreaterThan(0));
    await resubscribed('btcusdt', 'ethusdt');
    fake.pushKline('BTC/USDT', { openTime: T0 + 2 * M, open: 46450, high: 46470, low: 46440, close: 46466, volume: 9, closed: true });
    fake.pushKline('BTC/USDT', { openTime: T0 + 3 * M, open: 46466, high: 46466, low: 46466, close: 46466, volume: 1 });
    await until(async () => expect((await stored('BTC/USDT')).map((c) => c.openTime)).toEqual([T0, T0 + 2 * M]));
    expect((await stored('BTC/USDT'))[1]).toMatchObject({ high: 46470, close: 46466, volume: 9 });
  });

  it('does not store a candle whose final update was lost in a disconnect that spanned its close', async () => {
    fake.dropConnections();
    await resubscribed('btcusdt', 'ethusdt');
    fake.pushKline('BTC/USDT', { openTime: T0 + 4 * M, open: 46470, high: 46480, low: 46460, close: 46475, volume: 2, closed: true });
    fake.pushKline('BTC/USDT', { openTime: T0 + 5 * M, open: 46475, high: 46475, low: 46475, close: 46475, volume: 1 });
    await until(async () => expect((await stored('BTC/USDT')).map((c) => (c.openTime - T0) / M)).toEqual([0, 2, 4]));
  });

  it('unsubscribes a removed symbol and closes every connection on stop', async () => {
    await stream.setSymbols(['ETH/USDT']);
    await until(() => expect([...fake.subscriptions()].sort()).toEqual(['ethusdt@bookTicker', 'ethusdt@kline_1m']));
    expect(fake.controlMessages.filter((m) => m.method === 'UNSUBSCRIBE').flatMap((m) => m.params))
      .toEqual(expect.arrayContaining(['btcusdt@kline_1m', 'btcusdt@bookTicker']));
    await stream.stop();
    await until(() => expect(fake.subscriptions().size).toBe(0));
    expect(stream.stats()).toMatchObject({ candlesWritten: 4, badTicksDropped: 1, writeErrors: 0 });
  });
});
