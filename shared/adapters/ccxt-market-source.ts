import { NetworkError, pro, type Exchange, type OHLCV } from 'ccxt';
import type { Candle, Timeframe } from '../domain/candle.js';
import { money } from '../domain/money.js';
import type { Clock, MarketSink, MarketSource } from '../ports.js';

/** How long stop() waits for in-flight unsubscribes before closing the connections. */
const UNWATCH_GRACE_MS = 2_000;

/** The part of a ccxt.pro exchange the source uses (a `new pro.binance()` fits); fetchOHLCV serves the REST backfill. */
export type WsMarketExchange = Pick<Exchange,
  'id' | 'loadMarkets' | 'market' | 'watchOHLCV' | 'watchBidsAsks' | 'unWatchOHLCV' | 'unWatchBidsAsks' | 'close' | 'clients' | 'fetchOHLCV'>;

/** Where a watch loop failed; the loop retries after delayMs. */
export interface StreamErrorContext {
  readonly symbol: string;
  readonly stream: 'ohlcv' | 'book';
  readonly attempt: number;
  readonly delayMs: number;
}

/** Options of CcxtMarketSource; backoff is capped exponential with equal jitter. */
export interface CcxtMarketSourceOptions {
  readonly exchange: WsMarketExchange;
  /** Stamps books that carry no exchange time (Binance spot bookTicker has none). */
  readonly clock: Clock;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  readonly random?: () => number;
  /**
   * Silent-stall watchdog: a followed symbol none of whose streams delivered anything for afterMs (connected
   * but silent) closes every connection, so the watch loops reconnect and resubscribe. Default 30 s, checked every 5 s.
   */
  readonly stall?: { readonly afterMs: number; readonly checkEveryMs?: number };
  /** Monotonic milliseconds for the watchdog (default performance.now). */
  readonly monotonic?: () => number;
  readonly onError?: (error: unknown, context: StreamErrorContext) => void;
  /**
   * A connection was opened again (dropped, stalled or closed by the exchange): candles may have been missed, so the
   * caller should backfill every followed symbol (MarketStream.resync). Forming candles are then never emitted.
   */
  readonly onReconnected?: (symbols: readonly string[]) => void;
  /** The watchdog forced a reconnect after silentMs without a message for `symbol`. */
  readonly onStall?: (context: { readonly symbol: string; readonly silentMs: number }) => void;
}

/** Counters of a CcxtMarketSource. */
export interface CcxtMarketSourceStats {
  /** Websocket deliveries (every watch that resolved, forming-candle updates included). */
  readonly messages: number;
  /** Watch failures (each is retried with backoff). */
  readonly errors: number;
  /** Websocket connections opened again on a URL that had one before (ccxt opens one per subscription on Binance). */
  readonly reconnects: number;
  /** Reconnects forced by the silent-stall watchdog. */
  readonly stalls: number;
}

/** A ccxt.pro exchange by id for public spot market streams (no keys). Throws RangeError for an unknown id. */
export function createProExchange(exchangeId: string): WsMarketExchange {
  const Ctor = (pro as unknown as Record<string, (new (config: object) => WsMarketExchange) | undefined>)[exchangeId];
  if (!Ctor) throw new RangeError(`ccxt.pro has no exchange "${exchangeId}"`);
  return new Ctor({
    enableRateLimit: true,
    options: { defaultType: 'spot', fetchMarkets: { types: ['spot'] }, fetchMargins: false, fetchCurrencies: false },
  });
}

/** Where a pro exchange connects instead of the exchange's own hosts (a local fake, a proxy). */
export interface ProEndpoints {
  /** Websocket base for spot streams, e.g. ws://127.0.0.1:PORT/ws. */
  readonly wsUrl?: string;
  /** Origin every REST API is sent to, keeping each API's path, e.g. http://127.0.0.1:PORT. */
  readonly restOrigin?: string;
}

/** Points a pro exchange at other endpoints; plain ws:// needs ccxt's proxy agent module loaded first. */
export async function pointProExchange(exchange: WsMarketExchange, endpoints: ProEndpoints): Promise<void> {
  const raw = exchange as unknown as { urls: { api: Record<string, unknown> }; loadHttpProxyAgent(): Promise<unknown> };
  const api = raw.urls.api;
  if (endpoints.restOrigin) {
    for (const [name, url] of Object.entries(api)) {
      if (typeof url === 'string') api[name] = `${endpoints.restOrigin.replace(/\/$/, '')}${new URL(url).pathname}`;
    }
  }
  if (endpoints.wsUrl) {
    api['ws'] = { ...(api['ws'] as object), spot: endpoints.wsUrl };
    await raw.loadHttpProxyAgent();
  }
}

/** The ccxt.pro binance exchange for spot market streams. */
export function createBinanceProExchange(): WsMarketExchange {
  return createProExchange('binance');
}

interface Loop {
  active: boolean;
  done: Promise<void>;
}

type WsClient = WsMarketExchange['clients'][string];

interface Forming {
  candle: Candle;
  /** The stream broke while this candle was forming: its final update may be lost, so it is never emitted. */
  suspect: boolean;
}

/**
 * MarketSource over ccxt.pro websockets: per symbol a watchOHLCV loop that emits a candle once it has
 * closed (a newer openTime arrived: ccxt's cache keeps the forming candle last) and a watchBidsAsks loop
 * for best bid/ask. Errors → retry with capped exponential backoff and jitter; ccxt reconnects on the retry.
 */
export class CcxtMarketSource implements MarketSource {
  readonly name: string;
  private readonly loops = new Map<string, Loop[]>();
  private readonly forming = new Map<string, Forming>();
  /** UNSUBSCRIBEs still in flight: ccxt paces them, and one sent after close() is an unhandled rejection inside ccxt. */
  private readonly unwatching = new Set<Promise<void>>();
  private sink: MarketSink | undefined;
  private timeframe: Timeframe = '1m';
  private stopped = false;
  private wake: () => void = () => undefined;
  private readonly stopping: Promise<void>;
  private readonly counts = { messages: 0, errors: 0, reconnects: 0, stalls: 0 };
  /** Last delivery per followed symbol (monotonic ms), for the stall watchdog. */
  private readonly lastDelivery = new Map<string, number>();
  /** The connection ccxt used last per URL: a different one on a known URL is a reconnect. */
  private readonly connections = new Map<string, WsClient>();
  private watchdog: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: CcxtMarketSourceOptions) {
    this.name = `ccxt:${options.exchange.id}`;
    this.stopping = new Promise((resolve) => { this.wake = resolve; });
  }

  /** Loads markets (an unknown symbol throws BadSymbol here) and starts the watch loops and the stall watchdog. */
  async start(symbols: readonly string[], timeframe: Timeframe, sink: MarketSink): Promise<void> {
    this.sink = sink;
    this.timeframe = timeframe;
    await this.options.exchange.loadMarkets();
    await this.setSymbols(symbols);
    const { afterMs, checkEveryMs = 5_000 } = this.options.stall ?? { afterMs: 30_000 };
    this.watchdog = setInterval(() => this.checkStall(afterMs), Math.min(checkEveryMs, afterMs));
    this.watchdog.unref();
  }

  /** Counters since construction. */
  stats(): CcxtMarketSourceStats {
    return { ...this.counts };
  }

  async setSymbols(symbols: readonly string[]): Promise<void> {
    if (this.stopped || !this.sink) throw new Error('CcxtMarketSource is not running');
    symbols.forEach((s) => this.options.exchange.market(s));
    for (const symbol of symbols) {
      if (this.loops.has(symbol)) continue;
      this.lastDelivery.set(symbol, this.now());
      this.loops.set(symbol, [this.loop(symbol, 'ohlcv'), this.loop(symbol, 'book')]);
    }
    for (const [symbol, loops] of [...this.loops]) {
      if (symbols.includes(symbol)) continue;
      loops.forEach((l) => { l.active = false; });
      this.loops.delete(symbol);
      this.forming.delete(symbol);
      this.lastDelivery.delete(symbol);
      const ex = this.options.exchange;
      for (const unwatch of [ex.unWatchOHLCV(symbol, this.timeframe), ex.unWatchBidsAsks([symbol])]) {
        const settled = unwatch.then(() => undefined, () => undefined);
        this.unwatching.add(settled);
        void settled.then(() => this.unwatching.delete(settled));
      }
    }
  }

  /** Ends every loop and closes the exchange's connections. The forming candles are not emitted. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.watchdog);
    this.wake();
    const all = [...this.loops.values()].flat();
    all.forEach((l) => { l.active = false; });
    this.loops.clear();
    const grace = new Promise<void>((r) => setTimeout(r, UNWATCH_GRACE_MS).unref());
    await Promise.race([Promise.all(this.unwatching), grace]);
    await this.options.exchange.close();
    await Promise.allSettled(all.map((l) => l.done));
  }

  private loop(symbol: string, stream: StreamErrorContext['stream']): Loop {
    const loop: Loop = { active: true, done: Promise.resolve() };
    const once = stream === 'ohlcv' ? () => this.ohlcvOnce(symbol, loop) : () => this.bookOnce(symbol, loop);
    loop.done = (async () => {
      let attempt = 0;
      while (loop.active && !this.stopped) {
        try {
          await once();
          attempt = 0;
        } catch (error) {
          if (!loop.active || this.stopped) break;
          attempt += 1;
          this.counts.errors += 1;
          const delayMs = this.backoffMs(attempt);
          const pending = this.forming.get(symbol);
          if (stream === 'ohlcv' && pending) pending.suspect = true;
          this.options.onError?.(error, { symbol, stream, attempt, delayMs });
          await Promise.race([new Promise((r) => setTimeout(r, delayMs).unref()), this.stopping]);
        }
      }
    })();
    return loop;
  }

  private async ohlcvOnce(symbol: string, loop: Loop): Promise<void> {
    const rows = await this.options.exchange.watchOHLCV(symbol, this.timeframe);
    this.delivered(symbol);
    if (!loop.active) return;
    const updates = [...rows].sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
    for (const row of updates) {
      const candle = this.toCandle(symbol, row);
      const pending = this.forming.get(symbol);
      if (pending && candle.openTime < pending.candle.openTime) continue;
      this.forming.set(symbol, { candle, suspect: false });
      if (pending && candle.openTime > pending.candle.openTime && !pending.suspect) await this.sink!.onCandle(pending.candle);
    }
  }

  private async bookOnce(symbol: string, loop: Loop): Promise<void> {
    const tickers = await this.options.exchange.watchBidsAsks([symbol]);
    this.delivered(symbol);
    const t = tickers[symbol];
    if (!loop.active || !t) return;
    await this.sink!.onBook({ symbol, bid: decimalOrRaw(t.bid), ask: decimalOrRaw(t.ask), time: t.timestamp ?? this.options.clock.now() });
  }

  /** Counts a delivery (for the watchdog and the message rate) and looks for reconnects. */
  private delivered(symbol: string): void {
    this.counts.messages += 1;
    if (this.lastDelivery.has(symbol)) this.lastDelivery.set(symbol, this.now());
    this.scanConnections();
  }

  /**
   * Notes the connections ccxt opened since the last scan (every delivery and watchdog tick). A new connection on a
   * known URL is a reconnect, noticed even when no watch was pending when the old one dropped: every forming
   * candle may have lost updates, so none is emitted (REST backfill brings them), and the caller is told to resync.
   */
  private scanConnections(): void {
    let reopened = 0;
    for (const client of Object.values(this.options.exchange.clients ?? {})) {
      const before = this.connections.get(client.url);
      if (before === client) continue;
      if (before) reopened += 1;
      this.connections.set(client.url, client);
    }
    if (reopened === 0) return;
    this.counts.reconnects += reopened;
    for (const pending of this.forming.values()) pending.suspect = true;
    this.options.onReconnected?.([...this.loops.keys()]);
  }

  /** Connected but silent: fail every connection the way ccxt's own keep-alive timeout does, so the loops reconnect. */
  private checkStall(afterMs: number): void {
    if (this.stopped) return;
    this.scanConnections();
    const now = this.now();
    const [symbol, last] = [...this.lastDelivery].sort((a, b) => a[1] - b[1])[0] ?? [];
    if (symbol === undefined || last === undefined || now - last <= afterMs) return;
    this.counts.stalls += 1;
    this.options.onStall?.({ symbol, silentMs: Math.round(now - last) });
    for (const s of this.lastDelivery.keys()) this.lastDelivery.set(s, now);
    for (const client of Object.values(this.options.exchange.clients ?? {})) {
      client.onError(new NetworkError(`${this.name}: no message for ${symbol} in ${Math.round(now - last)} ms`));
      void Promise.resolve(client.close()).catch(() => undefined);
    }
  }

  private now(): number {
    return (this.options.monotonic ?? (() => performance.now()))();
  }

  private toCandle(symbol: string, [t, o, h, l, c, v]: OHLCV): Candle {
    const n = (x: number | undefined) => (typeof x === 'number' ? x : NaN);
    return { symbol, timeframe: this.timeframe, openTime: n(t), open: n(o), high: n(h), low: n(l), close: n(c), volume: n(v) };
  }

  private backoffMs(attempt: number): number {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    const capped = Math.min(maxMs, initialMs * 2 ** Math.min(attempt - 1, 30));
    return Math.round(capped / 2 + (capped / 2) * (this.options.random ?? Math.random)());
  }
}

/** Canonical decimal string of a finite price; anything else passes through as text for the stream to reject. */
function decimalOrRaw(x: number | undefined): string {
  return typeof x === 'number' && Number.isFinite(x) ? money(x) : String(x);
}
