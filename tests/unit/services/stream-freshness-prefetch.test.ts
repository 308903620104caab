import { describe, expect, it } from 'vitest';
import { MemoryMarketStore } from '../../../shared/adapters/memory-market-store.js';
import type { Candle, Timeframe } from '../../../shared/domain/candle.js';
import { HEARTBEAT_SOURCE } from '../../../shared/resources.js';
import { viewMarketData } from '../../../shared/services/stream-freshness.js';

const T0 = Date.UTC(2021, 4, 19);
const M = 60_000;
const series = (symbol: string, n: number): Candle[] => Array.from({ length: n }, (_, i) => ({
  symbol, timeframe: '1m' as const, openTime: T0 + i * M, open: 1, high: 2, low: 0.5, close: 1.5, volume: 1,
}));

/** A memory store with a batched read, counting reads of either kind. */
class BatchingStore extends MemoryMarketStore {
  readonly reads: string[] = [];
  override async getRecentClosedCandles(symbol: string, tf: Timeframe, now: number, count: number) {
    this.reads.push(`one:${symbol}:${count}`);
    return super.getRecentClosedCandles(symbol, tf, now, count);
  }
  async getRecentClosedCandlesOf(symbols: readonly string[], tf: Timeframe, now: number, count: number) {
    this.reads.push(`of:${symbols.join(',')}:${count}`);
    return Object.fromEntries(await Promise.all(symbols.map(async (s) => [s, await super.getRecentClosedCandles(s, tf, now, count)] as const)));
  }
}

describe('the market data view\'s prefetch', () => {
  it('serves later reads of no more candles from one batched read, and reads a larger count from the store', async () => {
    const store = new BatchingStore();
    await store.putCandles([...series('BTC/USDT', 40), ...series('ETH/USDT', 40)]);
    const now = T0 + 40 * M + 5_000;
    await store.putHeartbeat({ source: HEARTBEAT_SOURCE, time: now, messages: 1, lagMs: 0, lastCandle: {} });
    const view = await viewMarketData(store, undefined, { staleDataSeconds: 90, degradedAfterSeconds: 300 }, now);
    await view.prefetch(['BTC/USDT', 'ETH/USDT'], '1m', now, 31);
    const btc = await view.getRecentClosedCandles('BTC/USDT', '1m', now, 31);
    const last = await view.getRecentClosedCandles('ETH/USDT', '1m', now, 1);
    expect(store.reads).toEqual(['of:BTC/USDT,ETH/USDT:31']);
    expect(btc).toEqual(series('BTC/USDT', 40).slice(-31));
    expect(last.map((c) => c.openTime)).toEqual([T0 + 39 * M]);
    await view.getRecentClosedCandles('BTC/USDT', '1m', now, 35);
    expect(store.reads.at(-1)).toBe('one:BTC/USDT:35');
  });
});

describe('a signal cycle on a store that batches reads', () => {
  it('reads every symbol\'s candles in one batched read, with the same intents as per-symbol reads', async () => {
    const { evaluateSignals } = await import('../../../shared/services/evaluate-signals.js');
    const { buildWorld, heartbeat, latestClose, seedSymbol, setPolicy, trend } = await import('./support.js');
    const run = async (batching: boolean) => {
      const w = buildWorld();
      const market = batching ? new BatchingStore() : new MemoryMarketStore();
      const world = { ...w, market };
      await setPolicy(world, { symbols: ['BTC/USDT', 'ETH/USDT'], strategies: [{ name: 'momentum', params: {} }] });
      const end = latestClose(w.clock.now()) + 30 * M;
      for (const [symbol, base] of [['BTC/USDT', 50_000], ['ETH/USDT', 3_000]] as const) {
        await seedSymbol(world, symbol, [...trend(31, 0, base), ...trend(31, 0.0012, base).slice(1)], { lastClose: end });
      }
      w.clock.t = end + 5_000;
      await heartbeat(world);
      const cycle = await evaluateSignals(world);
      return { intents: cycle.intents, reads: market instanceof BatchingStore ? market.reads : [] };
    };
    const batched = await run(true);
    expect(batched.reads).toEqual(['of:BTC/USDT,ETH/USDT:31']);
    expect(batched.intents.length).toBeGreaterThan(0);
    expect(batched.intents).toEqual((await run(false)).intents);
  });
});
