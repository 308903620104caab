import { describe, expect, it } from 'vitest';
import { MemoryMarketStore } from '../../../shared/adapters/memory-market-store.js';
import { ReplayMarketSource } from '../../../shared/adapters/replay-market-source.js';
import type { Candle, Heartbeat, Timeframe, TopOfBook } from '../../../shared/domain/candle.js';
import { StratusError } from '../../../shared/domain/errors.js';
import type { MarketDataStore, MarketSink, MarketSource } from '../../../shared/ports.js';
import { HEARTBEAT_SOURCE } from '../../../shared/resources.js';
import { createMarketStream, isStreamFresh, type MarketStreamOptions } from '../../../shared/services/stream-market.js';

const T0 = Date.UTC(2021, 4, 17); // a minute boundary
const M = 60_000;

/** Consecutive 1m candles from T0 with opens 100, 101, ... (close = next open). */
function series(symbol: string, count: number, base = 100): Candle[] {
  return Array.from({ length: count }, (_, i) => ({
    symbol, timeframe: '1m' as const, openTime: T0 + i * M,
    open: base + i, high: base + i + 2, low: base + i - 1, close: base + i + 1, volume: 10 + i,
  }));
}

class VirtualClock {
  constructor(public t: number) {}
  now(): number { return this.t; }
}

/** A source the test drives by hand: whatever it emits goes straight to the stream's sink. */
class ScriptedSource implements MarketSource {
  readonly name = 'scripted';
  sink: MarketSink | undefined;
  symbols: readonly string[] = [];
  async start(symbols: readonly string[], _tf: Timeframe, sink: MarketSink) { this.symbols = symbols; this.sink = sink; }
  async setSymbols(symbols: readonly string[]) { this.symbols = symbols; }
  async stop() { this.sink = undefined; }
  candle(c: Partial<Candle> & Pick<Candle, 'openTime'>) {
    return this.sink!.onCandle({ symbol: 'BTC/USDT', timeframe: '1m', open: 10, high: 12, low: 9, close: 11, volume: 1, ...c });
  }
  book(b: Partial<TopOfBook>) { return this.sink!.onBook({ symbol: 'BTC/USDT', bid: '10', ask: '10.1', time: T0, ...b }); }
}

function setup(extra: Partial<MarketStreamOptions> = {}, store: MarketDataStore = new MemoryMarketStore()) {
  const clock = new VirtualClock(T0);
  const source = extra.source ?? new ScriptedSource();
  const stream = createMarketStream({
    source, store, clock, timeframe: '1m', symbols: ['BTC/USDT'], heartbeatEveryMs: 5_000, ...extra,
  });
  return { clock, source, store, stream };
}

describe('market stream over a replay', () => {
  const candles = { 'BTC/USDT': series('BTC/USDT', 5, 100), 'ETH/USDT': series('ETH/USDT', 5, 10) };

  it('stores every candle that had closed by the pumped time, and nothing later (no lookahead)', async () => {
    const source = new ReplayMarketSource(candles);
    const { clock, store, stream } = setup({ source, symbols: ['BTC/USDT', 'ETH/USDT'] });
    await stream.start();
    clock.t = T0 + 3 * M - 1;
    await source.pumpUntil(clock.t);
    expect((await store.getRecentClosedCandles('BTC/USDT', '1m', T0 + 10 * M, 10)).map((c) => c.openTime)).toEqual([T0, T0 + M]);
    clock.t = T0 + 3 * M;
    await source.pumpUntil(clock.t);
    expect(await store.getRecentClosedCandles('ETH/USDT', '1m', T0 + 10 * M, 10)).toEqual(candles['ETH/USDT'].slice(0, 3));
    expect(stream.stats()).toMatchObject({ candlesWritten: 6, duplicatesDropped: 0, badTicksDropped: 0 });
  });

  it('emits candles in close-time order across symbols, each followed by a book at the next candle open', async () => {
    const source = new ReplayMarketSource(candles);
    const seen: string[] = [];
    await source.start(['BTC/USDT', 'ETH/USDT'], '1m', {
      onCandle: async (c) => { seen.push(`candle ${c.symbol} ${(c.openTime - T0) / M}`); },
      onBook: async (b) => { seen.push(`book ${b.symbol} ${b.bid}/${b.ask} @${(b.time - T0) / M}`); },
    });
    await source.pumpUntil(T0 + 2 * M);
    expect(seen).toEqual([
      'candle BTC/USDT 0', 'book BTC/USDT 101/101 @1', 'candle ETH/USDT 0', 'book ETH/USDT 11/11 @1',
      'candle BTC/USDT 1', 'book BTC/USDT 102/102 @2', 'candle ETH/USDT 1', 'book ETH/USDT 12/12 @2',
    ]);
    expect(await source.pumpUntil(T0 + 2 * M)).toBe(0);
  });

  it('stores the book of a candle as its next open, and the last candle\'s close at the end of the data', async () => {
    const source = new ReplayMarketSource({ 'BTC/USDT': series('BTC/USDT', 3, 100) });
    const { clock, store, stream } = setup({ source });
    await stream.start();
    clock.t = T0 + 2 * M;
    await source.pumpUntil(clock.t);
    expect(await store.getTopOfBook('BTC/USDT')).toEqual({ symbol: 'BTC/USDT', bid: '102', ask: '102', time: T0 + 2 * M });
    clock.t = source.lastTime();
    await source.pumpUntil(clock.t);
    expect(await store.getTopOfBook('BTC/USDT')).toEqual({ symbol: 'BTC/USDT', bid: '103', ask: '103', time: T0 + 3 * M });
    expect([source.firstTime(), source.lastTime()]).toEqual([T0, T0 + 3 * M]);
  });

  it('starts an added symbol at its next closing candle and stops a removed one', async () => {
    const source = new ReplayMarketSource(candles);
    const { clock, store, stream } = setup({ source });
    await stream.start();
    clock.t = T0 + 2 * M;
    await source.pumpUntil(clock.t);
    await stream.setSymbols(['ETH/USDT']);
    clock.t = T0 + 4 * M;
    await source.pumpUntil(clock.t);
    const open = async (s: string) => (await store.getRecentClosedCandles(s, '1m', T0 + 10 * M, 10)).map((c) => (c.openTime - T0) / M);
    expect(await open('BTC/USDT')).toEqual([0, 1]);
    expect(await open('ETH/USDT')).toEqual([2, 3]);
    expect(stream.stats().lastCandle).toEqual({ 'ETH/USDT': T0 + 3 * M });
  });

  it('refuses a symbol it has no recorded candles for', async () => {
    const source = new ReplayMarketSource(candles);
    await expect(source.start(['XRP/USDT'], '1m', { onCandle: async () => {}, onBook: async () => {} })).rejects.toThrow(/no candles for XRP\/USDT/);
  });
});

describe('market stream validation', () => {
  it('drops and counts duplicate and out-of-order candles, keeping the first stored', async () => {
    const { source, store, stream } = setup();
    await stream.start();
    const s = source as ScriptedSource;
    await s.candle({ openTime: T0 + M, close: 11 });
    await s.candle({ openTime: T0 + M, close: 11.5 });
    await s.candle({ openTime: T0 });
    await s.candle({ openTime: T0 + 2 * M });
    expect(stream.stats()).toMatchObject({ candlesWritten: 2, duplicatesDropped: 2 });
    expect((await store.getRecentClosedCandles('BTC/USDT', '1m', T0 + 10 * M, 10)).map((c) => [c.openTime, c.close]))
      .toEqual([[T0 + M, 11], [T0 + 2 * M, 11]]);
  });

  it('treats a candle already in the store at start as a duplicate (restart)', async () => {
    const store = new MemoryMarketStore();
    await store.putCandles(series('BTC/USDT', 2));
    const { clock, source, stream } = setup({}, store);
    clock.t = T0 + 2 * M;
    await stream.start();
    await (source as ScriptedSource).candle({ openTime: T0 + M });
    expect(stream.stats()).toMatchObject({ candlesWritten: 0, duplicatesDropped: 1, lastCandle: { 'BTC/USDT': T0 + M } });
  });

  it.each([
    ['a zero open', { open: 0 }],
    ['a negative low', { low: -1 }],
    ['a high below the close', { high: 10.5, close: 11 }],
    ['a high below the open', { open: 12.5 }],
    ['a low above the open', { low: 9, open: 8.5 }],
    ['a low above the close', { low: 10.5, open: 11, close: 10.2 }],
    ['a NaN close', { close: NaN }],
    ['a negative volume', { volume: -1 }],
    ['an open time off the minute grid', { openTime: T0 + 1 }],
  ])('drops and counts a candle with %s', async (_, bad) => {
    const { source, store, stream } = setup();
    await stream.start();
    await (source as ScriptedSource).candle({ openTime: T0, ...bad });
    expect(stream.stats()).toMatchObject({ badTicksDropped: 1, candlesWritten: 0 });
    expect(await store.getRecentClosedCandles('BTC/USDT', '1m', T0 + 10 * M, 10)).toEqual([]);
  });

  it.each([
    ['a zero bid', { bid: '0' }],
    ['a non-numeric ask', { ask: 'undefined' }],
    ['a crossed book', { bid: '10.2', ask: '10.1' }],
  ])('drops and counts a book with %s', async (_, bad) => {
    const { source, store, stream } = setup();
    await stream.start();
    await (source as ScriptedSource).book(bad);
    expect(stream.stats()).toMatchObject({ badTicksDropped: 1, booksWritten: 0 });
    expect(await store.getTopOfBook('BTC/USDT')).toBeUndefined();
  });

  it('ignores events for symbols or timeframes it does not follow', async () => {
    const { source, stream } = setup();
    await stream.start();
    await (source as ScriptedSource).candle({ openTime: T0, symbol: 'ETH/USDT' });
    await (source as ScriptedSource).candle({ openTime: T0, timeframe: '5m' });
    expect(stream.stats()).toMatchObject({ ignored: 2, candlesWritten: 0, messages: 2 });
  });
});

describe('market stream heartbeat and books on a virtual clock', () => {
  it('writes a heartbeat with the last candle per symbol, message count and lag, at most every heartbeatEveryMs', async () => {
    const source = new ReplayMarketSource({ 'BTC/USDT': series('BTC/USDT', 3), 'ETH/USDT': series('ETH/USDT', 3, 10) });
    const { clock, store, stream } = setup({ source, symbols: ['BTC/USDT', 'ETH/USDT'], heartbeatEveryMs: 90_000 });
    await stream.start();
    clock.t = T0 + M + 2_000;
    await source.pumpUntil(clock.t);
    const first = await store.getHeartbeat(HEARTBEAT_SOURCE);
    expect(first).toEqual<Heartbeat>({ source: HEARTBEAT_SOURCE, time: clock.t, lastCandle: { 'BTC/USDT': T0 }, messages: 1, lagMs: 2_000 });
    clock.t = T0 + 2 * M;
    await source.pumpUntil(clock.t);
    expect((await store.getHeartbeat(HEARTBEAT_SOURCE))!.time).toBe(T0 + M + 2_000);
    clock.t = T0 + M + 2_000 + 90_000;
    await stream.tick();
    expect(await store.getHeartbeat(HEARTBEAT_SOURCE)).toEqual<Heartbeat>({
      source: HEARTBEAT_SOURCE, time: clock.t, lastCandle: { 'BTC/USDT': T0 + M, 'ETH/USDT': T0 + M }, messages: 8, lagMs: 0,
    });
    expect(stream.stats().heartbeats).toBe(2);
  });

  it('stops writing heartbeats when no messages arrive, so the heartbeat goes stale', async () => {
    const { clock, source, store, stream } = setup();
    await stream.start();
    await (source as ScriptedSource).book({});
    clock.t += 60_000;
    await stream.tick();
    expect((await store.getHeartbeat(HEARTBEAT_SOURCE))!.time).toBe(T0);
    expect(isStreamFresh(stream.stats(), clock.t, 15_000)).toBe(false);
    expect(isStreamFresh(stream.stats(), T0 + 15_000, 15_000)).toBe(true);
  });

  it('writes at most one book per symbol per bookEveryMs and flushes the newest on tick and on stop', async () => {
    const { clock, source, store, stream } = setup({ bookEveryMs: 1_000 });
    await stream.start();
    const s = source as ScriptedSource;
    await s.book({ bid: '10', time: T0 });
    clock.t += 200;
    await s.book({ bid: '10.01', time: clock.t });
    await s.book({ bid: '10.02', time: clock.t });
    expect((await store.getTopOfBook('BTC/USDT'))!.bid).toBe('10');
    clock.t += 800;
    await stream.tick();
    expect((await store.getTopOfBook('BTC/USDT'))!.bid).toBe('10.02');
    clock.t += 100;
    await s.book({ bid: '10.03', time: clock.t });
    await stream.stop();
    expect((await store.getTopOfBook('BTC/USDT'))!.bid).toBe('10.03');
    expect(stream.stats().booksWritten).toBe(3);
  });
});

describe('market stream store failures', () => {
  /** Memory store whose next `n` putCandles calls fail with the given error. */
  function flaky(n: number, error: unknown) {
    const inner = new MemoryMarketStore();
    let failures = n;
    const store: MarketDataStore = {
      putCandles: async (c) => {
        if (failures > 0) { failures -= 1; throw error; }
        return inner.putCandles(c);
      },
      getRecentClosedCandles: (...args) => inner.getRecentClosedCandles(...args),
      putTopOfBook: (b) => inner.putTopOfBook(b),
      getTopOfBook: (symbol) => inner.getTopOfBook(symbol),
      putHeartbeat: (h) => inner.putHeartbeat(h),
      getHeartbeat: (source) => inner.getHeartbeat(source),
    };
    return store;
  }

  it('keeps a candle whose write failed retryably and writes it on the next tick', async () => {
    const errors: string[] = [];
    const { source, store, stream } = setup({ onError: (_e, ctx) => errors.push(ctx.op) }, flaky(1, new Error('throttled')));
    await stream.start();
    await (source as ScriptedSource).candle({ openTime: T0 });
    expect(await store.getRecentClosedCandles('BTC/USDT', '1m', T0 + 10 * M, 10)).toEqual([]);
    await stream.tick();
    expect((await store.getRecentClosedCandles('BTC/USDT', '1m', T0 + 10 * M, 10)).map((c) => c.openTime)).toEqual([T0]);
    expect(stream.stats()).toMatchObject({ writeErrors: 1, candlesWritten: 1, lastCandle: { 'BTC/USDT': T0 } });
    expect(errors).toEqual(['putCandles']);
  });

  it('does not retry a candle the store refused permanently', async () => {
    const refusal = new StratusError('RECORD_INVALID', 'refused', false);
    const { source, store, stream } = setup({}, flaky(1, refusal));
    await stream.start();
    await (source as ScriptedSource).candle({ openTime: T0 });
    await (source as ScriptedSource).candle({ openTime: T0 + M });
    expect((await store.getRecentClosedCandles('BTC/USDT', '1m', T0 + 10 * M, 10)).map((c) => c.openTime)).toEqual([T0 + M]);
    expect(stream.stats()).toMatchObject({ writeErrors: 1, candlesWritten: 1 });
  });
});
