/**
 * The market-stream service (ccxt.pro source + REST backfill + guard) against the fake Binance (websocket
 * stream format and REST klines) and dynalite: start-up backfill, a disconnect mid-stream, a silent stall,
 * malformed messages, duplicates and late updates, and a hole the websocket never delivered. Each test
 * checks the market table itself.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { dynamoDocumentClient } from '../../../shared/adapters/aws-clients.js';
import { CcxtCandleFetcher } from '../../../shared/adapters/ccxt-backfill.js';
import { CcxtMarketSource, createBinanceProExchange, pointProExchange } from '../../../shared/adapters/ccxt-market-source.js';
import { DynamoMarketStore } from '../../../shared/adapters/dynamo-market-store.js';
import type { Candle } from '../../../shared/domain/candle.js';
import { startEmulators, type Emulators } from '../../../shared/local/emulators.js';
import { provision } from '../../../shared/local/provision.js';
import { HEARTBEAT_SOURCE } from '../../../shared/resources.js';
import { createMarketStream, type MarketStream } from '../../../shared/services/stream-market.js';
import { FakeBinanceWs, type FakeKline } from '../../support/fake-binance-ws.js';

const T0 = Date.UTC(2021, 4, 17, 0, 0);
const M = 60_000;
const BTC = 'BTC/USDT';

/**
 * Waits for something the stream reaches asynchronously (generous bound for slow machines; not a timing assertion).
 * A check that ends with a forming-candle push re-sends it each round: ccxt resolves a watch on the next message,
 * and updates that land while the source is busy wait for one (Binance sends one every ~2 s; the fake only on request).
 */
const until = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 10_000, interval: 20 });

/** The exchange's candle i (open T0 + i minutes): a gentle deterministic walk around 46 000. */
function k(i: number, extra: Partial<FakeKline> = {}): FakeKline {
  const open = 46_000 + (i % 7) * 10;
  const close = 46_000 + ((i + 1) % 7) * 10;
  return { openTime: T0 + i * M, open, close, high: Math.max(open, close) + 5, low: Math.min(open, close) - 5, volume: 10 + i, closed: true, ...extra };
}
const forming = (i: number) => k(i, { closed: false, volume: 1 });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, n) => from + n);

let emulators: Emulators;
let prefix = 0;
const client = () => dynamoDocumentClient({ endpoint: emulators.dynamoEndpoint, region: emulators.region, credentials: emulators.credentials });

beforeAll(async () => { emulators = await startEmulators(); });
afterAll(async () => { await emulators?.stop(); });

/** One stream on a fresh table and a fresh fake exchange; `clock` drives heartbeat, lag and backfill ranges. */
async function rig(options: { history?: number; stored?: number[]; at: number }) {
  const table = (await provision(emulators, `resil${prefix++}`)).tables.market;
  const store = new DynamoMarketStore({ tableName: table, client: client() });
  if (options.stored) await store.putCandles(options.stored.map((i) => toCandle(k(i))));
  const fake = await FakeBinanceWs.start([BTC, 'ETH/USDT']);
  fake.addHistory(BTC, range(0, options.history ?? 0).map((i) => k(i)));
  const exchange = createBinanceProExchange();
  await pointProExchange(exchange, { wsUrl: fake.wsUrl, restOrigin: `http://127.0.0.1:${fake.port}` });
  const clock = { t: options.at, now() { return this.t; } };
  /** Monotonic time of the stall watchdog, moved by hand: no stall unless a test says so. */
  const mono = { t: 0 };
  const reconnected: string[] = [];
  let stream: MarketStream | undefined;
  const source = new CcxtMarketSource({
    exchange, clock, backoff: { initialMs: 5, maxMs: 20 }, stall: { afterMs: 1_000, checkEveryMs: 20 }, monotonic: () => mono.t,
    onReconnected: (symbols) => { reconnected.push(...symbols); void stream!.resync(symbols); },
  });
  stream = createMarketStream({
    source, store, clock, timeframe: '1m', symbols: [BTC], heartbeatEveryMs: 5_000,
    backfill: { fetcher: new CcxtCandleFetcher(exchange) },
  });
  cleanups.push(async () => { await stream!.stop(); await fake.close(); });
  const stored = async () => (await store.getRecentClosedCandles(BTC, '1m', T0 + 1_000 * M, 1_000)).map((c) => (c.openTime - T0) / M);
  const items = async () => {
    const out = await client().send(new ScanCommand({ TableName: table }));
    return (out.Items ?? []).filter((i) => String(i['pk']).startsWith('CANDLE#')).length;
  };
  const subscribed = () => fake.waitForSubscription('btcusdt@kline_1m');
  return { fake, store, clock, mono, source, stream, reconnected, stored, items, subscribed };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

function toCandle(f: FakeKline): Candle {
  return { symbol: BTC, timeframe: '1m', openTime: f.openTime, open: +f.open, high: +f.high, low: +f.low, close: +f.close, volume: +f.volume };
}

describe('market stream resilience against the fake Binance', () => {
  it('backfills by REST at start from the newest stored candle, then stores live candles with their final values', async () => {
    const r = await rig({ history: 10, stored: [0, 1, 2], at: T0 + 10 * M + 5_000 });
    await r.stream.start();
    expect(await r.stored()).toEqual(range(0, 10));
    expect(r.fake.klineRequests).toEqual([expect.objectContaining({ symbol: 'BTCUSDT', interval: '1m', startTime: String(T0 + 3 * M), endTime: String(T0 + 10 * M - 1) })]);
    await r.subscribed();
    r.clock.t = T0 + 11 * M + 1_000;
    r.fake.pushKline(BTC, forming(10));
    r.fake.pushKline(BTC, k(10, { close: 46_111, high: 46_200 }));
    await until(async () => { r.fake.pushKline(BTC, forming(11)); expect(await r.stored()).toEqual(range(0, 11)); });
    expect((await r.store.getRecentClosedCandles(BTC, '1m', T0 + 11 * M, 1))[0]).toMatchObject({ close: 46_111, high: 46_200, volume: 20 });
    expect(await r.items()).toBe(11);
    expect(r.stream.stats()).toMatchObject({ candlesBackfilled: 7, candlesWritten: 8, lagMs: 1_000 });
    expect(await r.store.getHeartbeat(HEARTBEAT_SOURCE)).toMatchObject({ lastCandle: { [BTC]: T0 + 10 * M }, lagMs: 1_000 });
  });

  it('after a disconnect mid-stream, backfills the candles the exchange closed meanwhile, leaving no hole', async () => {
    const r = await rig({ history: 10, at: T0 + 10 * M + 5_000 });
    await r.stream.start();
    await r.subscribed();
    r.fake.pushKline(BTC, k(10));
    await until(async () => { r.fake.pushKline(BTC, forming(11)); expect(await r.stored()).toContain(10); });
    r.fake.dropConnections();
    r.fake.addHistory(BTC, range(10, 15).map((i) => k(i)));
    r.clock.t = T0 + 15 * M + 5_000;
    await until(() => expect(r.fake.connectionsOpened).toBeGreaterThan(1));
    await r.subscribed();
    await until(async () => { r.fake.pushKline(BTC, forming(15)); expect(await r.stored()).toEqual(range(0, 15)); });
    expect(r.reconnected).toEqual([BTC]);
    expect(r.source.stats()).toMatchObject({ reconnects: 2, stalls: 0 }); // ccxt: one connection for klines, one for the book
    expect(r.source.stats().errors).toBeGreaterThan(0);
    expect(await r.items()).toBe(15);
  });

  it('detects a silent stall (connected, nothing arriving), reconnects by itself and backfills the silent minutes', async () => {
    const r = await rig({ history: 10, at: T0 + 10 * M + 5_000 });
    await r.stream.start();
    await r.subscribed();
    const opened = r.fake.connectionsOpened;
    r.fake.silence();
    expect(r.fake.pushKline(BTC, k(10))).toBe(0); // swallowed: the socket stays open but says nothing
    r.fake.addHistory(BTC, range(10, 13).map((i) => k(i)));
    r.clock.t = T0 + 13 * M + 5_000;
    r.mono.t += 1_001;
    await until(() => expect(r.source.stats().stalls).toBe(1));
    await until(() => expect(r.fake.connectionsOpened).toBe(opened + 2));
    await r.subscribed();
    await until(async () => { r.fake.pushKline(BTC, forming(13)); expect(await r.stored()).toEqual(range(0, 13)); });
    expect(r.reconnected).toEqual([BTC]);
    expect(r.stream.stats()).toMatchObject({ candlesBackfilled: 13, badTicksDropped: 0 });
  });

  it('survives malformed messages and impossible klines: they are dropped and counted, good candles still stored', async () => {
    const r = await rig({ history: 10, at: T0 + 10 * M + 5_000 });
    await r.stream.start();
    await r.subscribed();
    expect(r.fake.pushRaw('btcusdt@kline_1m', '{"e":"kline","E":1,"s":"BTCUSDT","k":{"t":')).toBe(1); // truncated JSON
    await until(() => expect(r.source.stats().errors).toBe(1)); // ccxt failed the watch; the loop retries
    r.fake.addHistory(BTC, range(10, 16).map((i) => k(i)));
    r.clock.t = T0 + 16 * M + 5_000;
    const pushes = [
      () => r.fake.pushRaw('btcusdt@kline_1m', JSON.stringify({ e: 'kline', E: 2, s: 'BTCUSDT', k: { t: T0 + 10 * M, i: '1m', x: true } })), // no prices
      () => r.fake.pushKline(BTC, k(11, { open: -46_000 })),
      () => r.fake.pushKline(BTC, k(12, { high: 1, low: 99_999 })),
      () => r.fake.pushKline(BTC, k(13, { high: 45_000 })),
      () => r.fake.pushKline(BTC, k(14)),
      () => r.fake.pushKline(BTC, k(15)),
      () => r.fake.pushKline(BTC, forming(16)),
    ];
    // Re-sent until stored: a push that lands while ccxt re-arms its watch is cached, not delivered (idempotent either way).
    await until(async () => { pushes.forEach((p) => p()); expect(await r.stored()).toContain(15); });
    // 10 (no prices), 11 and 13 (impossible) were dropped; the next good candle revealed the hole and REST filled it.
    expect(await r.stored()).toEqual(range(0, 16));
    expect((await r.store.getRecentClosedCandles(BTC, '1m', T0 + 13 * M, 1))[0]).toMatchObject({ high: 99_999, low: 1 }); // 12: swapped back
    for (const i of [10, 11, 13]) expect((await r.store.getRecentClosedCandles(BTC, '1m', T0 + (i + 1) * M, 1))[0]).toEqual(toCandle(k(i)));
    expect(r.stream.stats().candlesCorrected).toBe(1);
    expect(r.stream.stats().dropsByRule).toMatchObject({ 'non-positive-price': 1, 'ohlc-inconsistent': 1 });
  });

  it('stores a candle once though the websocket repeats it and sends a late update for an older one', async () => {
    const r = await rig({ history: 10, at: T0 + 10 * M + 5_000 });
    await r.stream.start();
    await r.subscribed();
    r.clock.t = T0 + 13 * M + 1_000;
    r.fake.pushKline(BTC, k(10));
    r.fake.pushKline(BTC, k(11));
    await until(async () => { r.fake.pushKline(BTC, forming(12)); expect(await r.stored()).toEqual(range(0, 12)); });
    r.fake.pushKline(BTC, k(11)); // the final update of 11 again
    r.fake.pushKline(BTC, k(10, { close: 46_001, high: 46_100 })); // a late update of 10, long closed
    r.fake.pushKline(BTC, k(12));
    await until(async () => { r.fake.pushKline(BTC, forming(13)); expect(await r.stored()).toEqual(range(0, 13)); });
    expect(await r.store.getRecentClosedCandles(BTC, '1m', T0 + 12 * M, 2)).toEqual([toCandle(k(10)), toCandle(k(11))]);
    expect(await r.items()).toBe(13);
    expect(r.stream.stats()).toMatchObject({ candlesWritten: 13, badTicksDropped: 0 });
  });

  it('replaces a candle whose final websocket update was a bad print with the exchange\'s REST copy', async () => {
    const r = await rig({ history: 12, at: T0 + 10 * M + 5_000 });
    await r.stream.start();
    await r.subscribed();
    r.clock.t = T0 + 12 * M + 1_000;
    r.fake.pushKline(BTC, k(10, { close: 4.6, low: 4.6 })); // a 10 000x lower close: the next candle refutes it
    await until(() => { r.fake.pushKline(BTC, forming(11)); expect(r.stream.stats().suspectsHeld).toBe(1); });
    r.fake.pushKline(BTC, k(11));
    await until(async () => { r.fake.pushKline(BTC, forming(12)); expect(await r.stored()).toEqual(range(0, 12)); });
    expect((await r.store.getRecentClosedCandles(BTC, '1m', T0 + 11 * M, 1))[0]).toEqual(toCandle(k(10)));
    expect(r.stream.stats()).toMatchObject({ badTicksDropped: 1, dropsByRule: { outlier: 1 }, suspectsKept: 0 });
  });

  it('fills a hole the websocket skipped (no reconnect involved) from REST before storing the next candle', async () => {
    const r = await rig({ history: 10, at: T0 + 10 * M + 5_000 });
    await r.stream.start();
    await r.subscribed();
    r.fake.addHistory(BTC, range(10, 14).map((i) => k(i)));
    r.clock.t = T0 + 14 * M + 1_000;
    r.fake.pushKline(BTC, k(10));
    r.fake.pushKline(BTC, k(13)); // 11 and 12 never came over the websocket
    await until(async () => { r.fake.pushKline(BTC, forming(14)); expect(await r.stored()).toEqual(range(0, 14)); });
    expect(r.fake.klineRequests.at(-1)).toMatchObject({ startTime: String(T0 + 11 * M), endTime: String(T0 + 13 * M - 1) });
    expect(r.stream.stats()).toMatchObject({ candlesBackfilled: 10 + 2, duplicatesDropped: 0 });
  });

  it('keeps streaming when REST backfill fails, and fills the hole once REST answers again', async () => {
    const r = await rig({ history: 10, stored: [0, 1, 2, 3, 4], at: T0 + 10 * M + 5_000 });
    r.fake.klinesFailWith = 503;
    await r.stream.start();
    expect(await r.stored()).toEqual(range(0, 5));
    await r.subscribed();
    r.fake.klinesFailWith = undefined;
    r.fake.addHistory(BTC, [k(10)]);
    r.clock.t = T0 + 11 * M + 1_000;
    r.fake.pushKline(BTC, k(10));
    await until(async () => { r.fake.pushKline(BTC, forming(11)); expect(await r.stored()).toEqual(range(0, 11)); });
    expect(r.stream.stats()).toMatchObject({ backfillErrors: 1, candlesBackfilled: 5 });
  });
});
