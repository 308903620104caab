import { describe, expect, it } from 'vitest';
import { MemoryMarketStore } from '../../../shared/adapters/memory-market-store.js';
import type { Candle, Timeframe } from '../../../shared/domain/candle.js';
import type { MarketSink, MarketSource } from '../../../shared/ports.js';
import { backfillRange, inRange, type CandleFetcher } from '../../../shared/services/stream-backfill.js';
import { createMarketStream, type MarketStreamOptions, type StreamEvent } from '../../../shared/services/stream-market.js';

const T0 = Date.UTC(2021, 4, 17);
const M = 60_000;
const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';

/** The exchange's history: candle i of a symbol opens at T0 + i·M, price 100 + i (ETH 10 + i). */
function bar(symbol: string, i: number, extra: Partial<Candle> = {}): Candle {
  const p = (symbol === ETH ? 10 : 100) + i;
  return { symbol, timeframe: '1m', openTime: T0 + i * M, open: p, high: p + 1.5, low: p - 0.5, close: p + 1, volume: 5, ...extra };
}

/** An exchange REST stand-in: serves its history, records each request, fails on demand. */
class FakeFetcher implements CandleFetcher {
  readonly requests: { symbol: string; from: number; to: number }[] = [];
  failures = 0;
  constructor(readonly history: Candle[]) {}
  async fetchClosedCandles(symbol: string, _tf: Timeframe, from: number, to: number): Promise<Candle[]> {
    this.requests.push({ symbol, from: (from - T0) / M, to: (to - T0) / M });
    if (this.failures > 0) { this.failures -= 1; throw new Error('503 from the exchange'); }
    return this.history.filter((c) => c.symbol === symbol && c.openTime >= from && c.openTime < to);
  }
}

class ScriptedSource implements MarketSource {
  readonly name = 'scripted';
  sink: MarketSink | undefined;
  async start(_s: readonly string[], _tf: Timeframe, sink: MarketSink) { this.sink = sink; }
  async setSymbols() {}
  async stop() {}
}

function setup(history: Candle[], extra: Partial<MarketStreamOptions> = {}) {
  const clock = { t: T0 + 10 * M + 5_000, now() { return this.t; } };
  const store = new MemoryMarketStore();
  const source = new ScriptedSource();
  const fetcher = new FakeFetcher(history);
  const events: StreamEvent[] = [];
  const errors: string[] = [];
  const stream = createMarketStream({
    source, store, clock, timeframe: '1m', symbols: [BTC], heartbeatEveryMs: 5_000,
    backfill: { fetcher, initialCandles: 5 }, onEvent: (e) => events.push(e), onError: (_e, ctx) => errors.push(`${ctx.op} ${ctx.symbol}`),
    ...extra,
  });
  const stored = async (symbol = BTC) => (await store.getRecentClosedCandles(symbol, '1m', T0 + 100 * M, 100)).map((c) => (c.openTime - T0) / M);
  return { clock, store, source, fetcher, events, errors, stream, stored };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

describe('backfillRange', () => {
  const opts = { fetcher: new FakeFetcher([]), initialCandles: 5, maxCandles: 100 };
  it.each([
    ['after the newest stored candle up to the last closed one', T0 + 2 * M, T0 + 10 * M + 5_000, undefined, { from: 3, to: 10, truncated: 0 }],
    ['the last initialCandles when nothing is stored', undefined, T0 + 10 * M + 5_000, undefined, { from: 5, to: 10, truncated: 0 }],
    ['up to a live candle that revealed the gap', T0 + 2 * M, T0 + 10 * M + 5_000, T0 + 6 * M, { from: 3, to: 6, truncated: 0 }],
    ['not the candle that closed under settleMs ago', T0 + 2 * M, T0 + 10 * M + 1_000, undefined, { from: 3, to: 9, truncated: 0 }],
  ])('covers %s', (_, lastSeen, now, before, expected) => {
    const r = backfillRange(lastSeen, now, '1m', opts, before)!;
    expect({ from: (r.from - T0) / M, to: (r.to - T0) / M, truncated: r.truncated }).toEqual(expected);
  });

  it('keeps the newest maxCandles of a longer gap and says how many it left out', () => {
    const r = backfillRange(T0, T0 + 200 * M + 5_000, '1m', opts)!;
    expect({ from: (r.from - T0) / M, to: (r.to - T0) / M, truncated: r.truncated }).toEqual({ from: 100, to: 200, truncated: 99 });
  });

  it('finds nothing to do when the newest stored candle is the last closed one', () => {
    expect(backfillRange(T0 + 9 * M, T0 + 10 * M + 5_000, '1m', opts)).toBeUndefined();
  });

  it('keeps only in-range candles of the symbol and timeframe, sorted, one per open time', () => {
    const got = inRange([bar(BTC, 4), bar(ETH, 3), bar(BTC, 3), bar(BTC, 3), bar(BTC, 9), { ...bar(BTC, 5), timeframe: '5m' }], BTC, '1m', { from: T0 + 3 * M, to: T0 + 9 * M });
    expect(got.map((c) => (c.openTime - T0) / M)).toEqual([3, 4]);
  });
});

describe('market stream backfill', () => {
  const history = [...range(0, 12).map((i) => bar(BTC, i)), ...range(0, 12).map((i) => bar(ETH, i))];

  it('at start fills the gap between the newest stored candle and the last closed one', async () => {
    const { store, stream, stored, fetcher } = setup(history);
    await store.putCandles([bar(BTC, 0), bar(BTC, 1), bar(BTC, 2)]);
    await stream.start();
    expect(await stored()).toEqual(range(0, 10));
    expect(fetcher.requests).toEqual([{ symbol: BTC, from: 3, to: 10 }]);
    expect(stream.stats()).toMatchObject({ candlesBackfilled: 7, candlesWritten: 7, lastCandle: { [BTC]: T0 + 9 * M } });
  });

  it('with nothing stored, fetches the last initialCandles', async () => {
    const { stream, stored } = setup(history);
    await stream.start();
    expect(await stored()).toEqual([5, 6, 7, 8, 9]);
  });

  it('fills a hole a live candle reveals before storing that candle', async () => {
    const { clock, source, stream, stored, fetcher } = setup(history);
    await stream.start();
    clock.t = T0 + 14 * M + 2_500;
    await source.sink!.onCandle(bar(BTC, 13));
    expect(await stored()).toEqual([5, 6, 7, 8, 9, 10, 11, 13]); // the exchange has no 12 (yet), so the hole stays
    expect(fetcher.requests.at(-1)).toEqual({ symbol: BTC, from: 10, to: 13 });
    expect(stream.stats().lagMs).toBe(2_500);
  });

  it('on resync fills the gap a reconnect left, and reports it', async () => {
    const { clock, stream, stored, events } = setup(history);
    await stream.start();
    clock.t = T0 + 12 * M + 3_000;
    await stream.resync();
    expect(await stored()).toEqual(range(5, 12));
    expect(events.filter((e) => e.kind === 'backfilled').at(-1)).toMatchObject({ symbol: BTC, fetched: 2, stored: 2, truncated: 0 });
  });

  it('survives a failed backfill, reports it, and fills the hole on the next live candle', async () => {
    const { clock, source, stream, stored, fetcher, errors } = setup(history);
    fetcher.failures = 1;
    await stream.start();
    expect(await stored()).toEqual([]);
    expect(errors).toEqual([`backfill ${BTC}`]);
    clock.t = T0 + 11 * M + 2_500;
    await source.sink!.onCandle(bar(BTC, 10));
    expect(await stored()).toEqual(range(5, 11));
    expect(fetcher.requests.map((r) => [r.from, r.to])).toEqual([[5, 10], [5, 10]]);
    expect(stream.stats()).toMatchObject({ backfillErrors: 1, candlesBackfilled: 5 });
  });

  it('passes fetched candles through the guard: an impossible one is dropped and counted, the rest stored', async () => {
    const bad = history.map((c) => (c.symbol === BTC && c.openTime === T0 + 7 * M ? { ...c, close: -1 } : c));
    const { stream, stored, events } = setup(bad);
    await stream.start();
    expect(await stored()).toEqual([5, 6, 8, 9]);
    expect(stream.stats()).toMatchObject({ badTicksDropped: 1, dropsByRule: { 'non-positive-price': 1 } });
    expect(events).toContainEqual(expect.objectContaining({ kind: 'dropped', origin: 'backfill', rule: 'non-positive-price', openTime: T0 + 7 * M }));
  });

  it('backfills a symbol added with setSymbols and does not count REST overlaps as duplicates', async () => {
    const { clock, source, stream, stored } = setup(history);
    await stream.start();
    clock.t = T0 + 11 * M + 2_500;
    await stream.setSymbols([BTC, ETH]);
    expect(await stored(ETH)).toEqual([6, 7, 8, 9, 10]);
    await source.sink!.onCandle(bar(ETH, 10)); // the live copy of a candle REST already delivered
    expect(stream.stats()).toMatchObject({ duplicatesDropped: 1 });
    expect(await stored(ETH)).toEqual([6, 7, 8, 9, 10]);
  });

  it('does nothing by REST when no backfill is configured', async () => {
    const { stream, stored, fetcher } = setup(history, { backfill: undefined });
    await stream.start();
    expect(await stored()).toEqual([]);
    expect(fetcher.requests).toEqual([]);
  });
});

describe('market stream bad-tick guard', () => {
  /** A calm BTC series 0..24 is stored; the stream starts at minute 25 with nothing to backfill. */
  async function calmStream() {
    const calm = range(0, 25).map((i) => ({ ...bar(BTC, 0), openTime: T0 + i * M, open: 100, high: 100.5, low: 99.5, close: i % 2 ? 100.2 : 100 }));
    const s = setup([], { backfill: undefined });
    await s.store.putCandles(calm);
    s.clock.t = T0 + 25 * M + 1_000;
    await s.stream.start();
    const live = (i: number, open: number, close: number) =>
      s.source.sink!.onCandle({ symbol: BTC, timeframe: '1m', openTime: T0 + i * M, open, close, high: Math.max(open, close), low: Math.min(open, close), volume: 1 });
    return { ...s, live };
  }

  it('holds a 10x spike, drops it when the next candle is back at the reference, and stores the rest', async () => {
    const { live, stream, stored, events } = await calmStream();
    await live(25, 1_000, 1_000);
    expect(await stored()).toEqual(range(0, 25));
    await live(26, 100, 100.1);
    expect(await stored()).toEqual([...range(0, 25), 26]);
    expect(stream.stats()).toMatchObject({ suspectsHeld: 1, suspectsKept: 0, badTicksDropped: 1, dropsByRule: { outlier: 1 } });
    expect(events.map((e) => `${e.kind} ${'openTime' in e ? (e.openTime - T0) / M : ''}`)).toEqual(['held 25', 'dropped 25']);
  });

  it('keeps a genuine 30% crash candle once the next candle continues from it, storing both in order', async () => {
    const { live, stream, store } = await calmStream();
    await live(25, 100, 70);
    await live(26, 70, 69);
    await live(27, 69, 69.5);
    const closes = (await store.getRecentClosedCandles(BTC, '1m', T0 + 100 * M, 3)).map((c) => c.close);
    expect(closes).toEqual([70, 69, 69.5]);
    expect(stream.stats()).toMatchObject({ suspectsHeld: 1, suspectsKept: 1, badTicksDropped: 0, candlesWritten: 3 });
  });

  it('stores a candle with swapped high and low corrected, and counts the correction', async () => {
    const { source, stream, store } = await calmStream();
    await source.sink!.onCandle({ symbol: BTC, timeframe: '1m', openTime: T0 + 25 * M, open: 100, close: 100.2, high: 99.8, low: 100.4, volume: 1 });
    expect((await store.getRecentClosedCandles(BTC, '1m', T0 + 100 * M, 1))[0]).toMatchObject({ high: 100.4, low: 99.8 });
    expect(stream.stats().candlesCorrected).toBe(1);
  });

  it('does not write a suspect still held at stop', async () => {
    const { live, stream, stored } = await calmStream();
    await live(25, 1_000, 1_000);
    await stream.stop();
    expect(await stored()).toEqual(range(0, 25));
  });
});
