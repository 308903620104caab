import { closeTime, type Candle, type Timeframe } from '../domain/candle.js';
import { money } from '../domain/money.js';
import type { MarketSink, MarketSource } from '../ports.js';

interface Feed {
  readonly candles: readonly Candle[];
  /** Index of the next candle to emit. */
  next: number;
}

/**
 * A MarketSource over recorded candles on a virtual clock: pumpUntil(t) emits, in close-time order across
 * symbols, every candle that had closed by t, each followed by a top of book with bid = ask = the next
 * candle's open (the last candle's close for the final one), timed at the candle's close. Paper fills read
 * that book, so the pipeline fills at "next candle open", as the backtester does.
 */
export class ReplayMarketSource implements MarketSource {
  readonly name = 'replay';
  private readonly data: ReadonlyMap<string, readonly Candle[]>;
  private readonly feeds = new Map<string, Feed>();
  private order: string[] = [];
  private sink: MarketSink | undefined;
  private timeframe: Timeframe | undefined;
  /** Clock time of the last pumpUntil; candles closed by then count as already seen by a newly added symbol. */
  private pumpedTo = -Infinity;

  /** candles: per symbol, any order (sorted here); all of one timeframe per symbol. */
  constructor(candles: Readonly<Record<string, readonly Candle[]>>) {
    const data = new Map<string, readonly Candle[]>();
    for (const [symbol, list] of Object.entries(candles)) {
      data.set(symbol, [...list].sort((a, b) => a.openTime - b.openTime));
    }
    this.data = data;
  }

  /** Earliest candle open time in the data, epoch ms: where a virtual clock should start. */
  firstTime(): number {
    return Math.min(...[...this.data.values()].map((c) => c[0]?.openTime ?? Infinity));
  }

  /** Latest candle close time in the data, epoch ms: pumpUntil(lastTime()) emits everything. */
  lastTime(): number {
    return Math.max(...[...this.data.values()].map((c) => (c.length ? closeTime(c[c.length - 1]!) : -Infinity)));
  }

  async start(symbols: readonly string[], timeframe: Timeframe, sink: MarketSink): Promise<void> {
    this.sink = sink;
    this.timeframe = timeframe;
    await this.setSymbols(symbols);
  }

  /** Added symbols start with their first candle closing after the last pumped time; removed ones stop. */
  async setSymbols(symbols: readonly string[]): Promise<void> {
    const tf = this.timeframe;
    if (!tf) throw new Error('ReplayMarketSource.setSymbols called before start');
    for (const symbol of symbols) {
      if (this.feeds.has(symbol)) continue;
      const all = this.data.get(symbol);
      if (!all) throw new RangeError(`replay has no candles for ${symbol} (has ${[...this.data.keys()].join(', ') || 'none'})`);
      const candles = all.filter((c) => c.timeframe === tf);
      if (candles.length === 0) throw new RangeError(`replay has no ${tf} candles for ${symbol}`);
      const next = candles.findIndex((c) => closeTime(c) > this.pumpedTo);
      this.feeds.set(symbol, { candles, next: next === -1 ? candles.length : next });
    }
    for (const symbol of [...this.feeds.keys()]) if (!symbols.includes(symbol)) this.feeds.delete(symbol);
    this.order = [...symbols];
  }

  async stop(): Promise<void> {
    this.feeds.clear();
    this.order = [];
    this.sink = undefined;
  }

  /** Emits every not yet emitted candle (and its book) that had closed by t; returns how many candles. */
  async pumpUntil(t: number): Promise<number> {
    const sink = this.sink;
    if (!sink) return 0;
    let emitted = 0;
    for (;;) {
      const pick = this.nextDue(t);
      if (!pick) break;
      const candle = pick.candles[pick.next]!;
      const following = pick.candles[pick.next + 1];
      pick.next += 1;
      const at = closeTime(candle);
      const price = money(following ? following.open : candle.close);
      await sink.onCandle(candle);
      await sink.onBook({ symbol: candle.symbol, bid: price, ask: price, time: at });
      emitted += 1;
    }
    this.pumpedTo = Math.max(this.pumpedTo, t);
    return emitted;
  }

  /** The feed whose next candle closes earliest (ties: symbol order) and by t. */
  private nextDue(t: number): Feed | undefined {
    let best: Feed | undefined;
    let bestClose = Infinity;
    for (const symbol of this.order) {
      const feed = this.feeds.get(symbol);
      const candle = feed?.candles[feed.next];
      if (!feed || !candle) continue;
      const at = closeTime(candle);
      if (at <= t && at < bestClose) { best = feed; bestClose = at; }
    }
    return best;
  }
}
