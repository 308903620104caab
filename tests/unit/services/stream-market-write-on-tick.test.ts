import { describe, expect, it } from 'vitest';
import { MemoryMarketStore } from '../../../shared/adapters/memory-market-store.js';
import { ReplayMarketSource } from '../../../shared/adapters/replay-market-source.js';
import type { Candle, Heartbeat, TopOfBook } from '../../../shared/domain/candle.js';
import type { MarketBatchExtras } from '../../../shared/ports.js';
import { HEARTBEAT_SOURCE } from '../../../shared/resources.js';
import { createMarketStream } from '../../../shared/services/stream-market.js';

const T0 = Date.UTC(2021, 4, 17);
const M = 60_000;
const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];

function series(symbol: string, count: number, base: number): Candle[] {
  return Array.from({ length: count }, (_, i) => ({
    symbol, timeframe: '1m' as const, openTime: T0 + i * M, open: base + i, high: base + i + 2, low: base + i - 1, close: base + i + 1, volume: 1,
  }));
}

/** A memory store that records each write call. */
class CountingStore extends MemoryMarketStore {
  readonly calls: string[] = [];
  override async putCandles(candles: readonly Candle[], with_: MarketBatchExtras = {}) {
    this.calls.push(`candles:${candles.length}+books:${with_.books?.length ?? 0}${with_.heartbeat ? '+heartbeat' : ''}`);
    await super.putCandles(candles);
    for (const b of with_.books ?? []) await super.putTopOfBook(b);
    if (with_.heartbeat) await super.putHeartbeat(with_.heartbeat);
  }
  override async putTopOfBook(book: TopOfBook) { this.calls.push(`book:${book.symbol}`); return super.putTopOfBook(book); }
  override async putHeartbeat(heartbeat: Heartbeat) { this.calls.push('heartbeat'); return super.putHeartbeat(heartbeat); }
}

describe('market stream with writeOnTick (the embedded replay)', () => {
  it('writes a pumped minute\'s candles and books of every symbol and the heartbeat in one putCandles call on tick', async () => {
    const source = new ReplayMarketSource(Object.fromEntries(SYMBOLS.map((s, i) => [s, series(s, 4, 100 * (i + 1))])));
    const store = new CountingStore();
    const clock = { t: T0, now() { return this.t; } };
    const stream = createMarketStream({ source, store, clock, timeframe: '1m', symbols: SYMBOLS, heartbeatEveryMs: 5_000, writeOnTick: true });
    await stream.start();
    clock.t = T0 + 2 * M;
    await source.pumpUntil(clock.t);
    expect(store.calls).toEqual([]); // buffered until the tick
    await stream.tick();
    expect(store.calls).toEqual(['candles:6+books:3+heartbeat']);
    for (const s of SYMBOLS) expect((await store.getRecentClosedCandles(s, '1m', clock.t, 10)).map((c) => c.openTime)).toEqual([T0, T0 + M]);
    const heartbeat = await store.getHeartbeat(HEARTBEAT_SOURCE);
    expect(heartbeat?.lastCandle).toEqual(Object.fromEntries(SYMBOLS.map((s) => [s, T0 + M])));
    expect((await store.getTopOfBook('ETH/USDT'))?.time).toBe(T0 + 2 * M);
    await stream.stop();
  });
});

describe('market stream with writeOnTick, stopping', () => {
  it('writes a last heartbeat at the stop time even when the last tick covered every message', async () => {
    const source = new ReplayMarketSource({ 'BTC/USDT': series('BTC/USDT', 3, 100) });
    const store = new CountingStore();
    const clock = { t: T0, now() { return this.t; } };
    const stream = createMarketStream({ source, store, clock, timeframe: '1m', symbols: ['BTC/USDT'], heartbeatEveryMs: 5_000, writeOnTick: true });
    await stream.start();
    clock.t = T0 + 2 * M;
    await source.pumpUntil(clock.t);
    await stream.tick();
    clock.t = T0 + 2 * M + 55_000;
    await stream.stop();
    expect((await store.getHeartbeat(HEARTBEAT_SOURCE))?.time).toBe(T0 + 2 * M + 55_000);
  });
});
