import { closeTime, type Candle, type Heartbeat, type Timeframe, type TopOfBook } from '../domain/candle.js';
import { StratusError } from '../domain/errors.js';
import { bookDefect, type TickGuardOptions, type TickRule } from '../domain/tick-guard.js';
import type { Clock, MarketDataStore, MarketSink, MarketSource } from '../ports.js';
import { HEARTBEAT_SOURCE } from '../resources.js';
import type { BackfillOptions } from './stream-backfill.js';
import { createIntake, type IntakeCounts, type StreamEvent } from './stream-intake.js';

export type { StreamEvent } from './stream-intake.js';

/** Candles kept for retry while the store is unavailable (about a week of 1m candles for one symbol). */
const MAX_UNSAVED = 10_000;

/** What the market stream needs; heartbeatEveryMs and bookEveryMs are clock (possibly virtual) milliseconds. */
export interface MarketStreamOptions {
  readonly source: MarketSource;
  readonly store: MarketDataStore;
  readonly clock: Clock;
  readonly timeframe: Timeframe;
  readonly symbols: readonly string[];
  /** A heartbeat is written at most this often, and only when messages arrived since the last one. */
  readonly heartbeatEveryMs: number;
  /** Per symbol, at most one book write per this much quote time; quotes in between are coalesced and the newest written by tick() (default 1000). */
  readonly bookEveryMs?: number;
  /** Wall-clock mode: a timer calls tick() every heartbeatEveryMs. On a virtual clock leave it off and call tick(). */
  readonly realTime?: boolean;
  /** Events are only buffered and tick() writes them: all symbols' candles in one BatchWriteItem (a replay ticks once per pumped minute). Off: each event is written as it arrives. */
  readonly writeOnTick?: boolean;
  /** Bad-tick guard tuning (shared/domain/tick-guard.ts). */
  readonly guard?: TickGuardOptions;
  /** REST gap filling at start, on resync() and whenever a live candle arrives after a hole. Off without it. */
  readonly backfill?: BackfillOptions;
  /** Told about store write and backfill failures. The stream keeps going; candles that failed retryably are written again on the next event or tick. */
  readonly onError?: (error: unknown, context: { readonly op: string; readonly symbol?: string }) => void;
  /** Told about every candle dropped, corrected or held and every backfill (for logs). */
  readonly onEvent?: (event: StreamEvent) => void;
}

/** Counters and last-seen times of a running stream (the guard and backfill counts are IntakeCounts). */
export interface MarketStreamStats extends Readonly<IntakeCounts> {
  readonly messages: number;
  readonly candlesWritten: number;
  readonly booksWritten: number;
  /** Books received but not yet written (coalesced; written by tick() or stop()). */
  readonly booksPending: number;
  /** Drops by rule (duplicates included). */
  readonly dropsByRule: Readonly<Partial<Record<TickRule, number>>>;
  /** Events for a symbol or timeframe this stream does not follow. */
  readonly ignored: number;
  readonly writeErrors: number;
  readonly heartbeats: number;
  /** Open time of the newest stored candle per followed symbol. */
  readonly lastCandle: Readonly<Record<string, number>>;
  readonly lastMessageAt?: number;
  readonly lastHeartbeatAt?: number;
  /** Clock time minus close time of the last live candle accepted, ms. */
  readonly lagMs: number;
}

/** The long-running market stream: source → guard → store, with REST backfill, book coalescing and a heartbeat. */
export interface MarketStream {
  /** Seeds the guard from the store, backfills the gap since the newest stored candle, then starts the source. */
  start(): Promise<void>;
  /** Stops the source, then flushes pending books, unsaved candles and a last heartbeat. A held suspect is not written. */
  stop(): Promise<void>;
  setSymbols(symbols: readonly string[]): Promise<void>;
  /** Backfills the gap of these followed symbols (all by default) up to the last closed candle: call it after a reconnect. */
  resync(symbols?: readonly string[]): Promise<void>;
  /** Writes coalesced books, retries unsaved candles and writes the heartbeat when due. */
  tick(): Promise<void>;
  stats(): MarketStreamStats;
}

/** Builds a market stream over a source and a store; events are handled one at a time, in arrival order. */
export function createMarketStream(options: MarketStreamOptions): MarketStream {
  const { source, store, clock, timeframe, heartbeatEveryMs, backfill } = options;
  const bookEveryMs = options.bookEveryMs ?? 1000;
  const report = options.onError ?? (() => undefined);
  const notify = options.onEvent ?? (() => undefined);
  const window = options.guard?.window ?? 20;
  let symbols = new Set(options.symbols);
  const lastWritten = new Map<string, number>();
  const pendingBooks = new Map<string, TopOfBook>();
  const lastBookWrite = new Map<string, number>();
  let unsaved: Candle[] = [];
  let timer: ReturnType<typeof setInterval> | undefined;
  let chain: Promise<void> = Promise.resolve();
  let messagesAtHeartbeat = 0;
  const s = {
    messages: 0, candlesWritten: 0, booksWritten: 0, ignored: 0, writeErrors: 0, heartbeats: 0,
    lagMs: 0, lastMessageAt: undefined as number | undefined, lastHeartbeatAt: undefined as number | undefined,
  };
  const intake = createIntake({ clock, timeframe, guard: options.guard, backfill, accept: (c) => unsaved.push(c), notify, report });

  function serial(task: () => Promise<void>): Promise<void> {
    const run = chain.then(task);
    chain = run.catch(() => undefined);
    return run;
  }

  /** Runs a store write; on failure counts and reports it and returns the error. */
  async function attempt(op: string, symbol: string | undefined, write: () => Promise<void>): Promise<unknown> {
    try { await write(); return undefined; } catch (error) {
      s.writeErrors += 1;
      report(error, { op, ...(symbol ? { symbol } : {}) });
      return error ?? new Error(op);
    }
  }

  async function flush(allBooks: boolean, force = false): Promise<void> {
    const now = clock.now();
    // A writeOnTick stream (the one writer, quotes in time order) sends books, candles and the due heartbeat in one BatchWriteItem.
    const batched = options.writeOnTick === true && unsaved.length > 0;
    const books: TopOfBook[] = [];
    for (const [symbol, book] of pendingBooks) {
      if (!allBooks && book.time - (lastBookWrite.get(symbol) ?? -Infinity) < bookEveryMs) continue;
      pendingBooks.delete(symbol);
      if (batched) books.push(book);
      else if (!(await attempt('putTopOfBook', symbol, () => store.putTopOfBook(book)))) { s.booksWritten += 1; lastBookWrite.set(symbol, book.time); }
    }
    const due = s.lastHeartbeatAt === undefined || now - s.lastHeartbeatAt >= heartbeatEveryMs;
    // stop() (force) of a writeOnTick stream writes its last heartbeat even when its tick already covered every message.
    let beat = (due || force) && (s.messages > messagesAtHeartbeat || (force && options.writeOnTick && s.messages > 0));
    const heartbeatAfter = (written: readonly Candle[]): Heartbeat => {
      const last = new Map(lastWritten);
      for (const c of written) last.set(c.symbol, Math.max(c.openTime, last.get(c.symbol) ?? -Infinity));
      return { source: HEARTBEAT_SOURCE, time: now, messages: s.messages, lagMs: s.lagMs, lastCandle: followed(last) };
    };
    const beaten = () => { s.heartbeats += 1; s.lastHeartbeatAt = now; messagesAtHeartbeat = s.messages; beat = false; };
    if (unsaved.length > 0) {
      const batch = unsaved;
      unsaved = [];
      const heartbeat = batched && beat ? heartbeatAfter(batch) : undefined;
      const error = await attempt('putCandles', undefined, () => store.putCandles(batch, { ...(heartbeat ? { heartbeat } : {}), ...(books.length ? { books } : {}) }));
      if (!error) {
        s.candlesWritten += batch.length;
        for (const c of batch) lastWritten.set(c.symbol, Math.max(c.openTime, lastWritten.get(c.symbol) ?? -Infinity));
        for (const b of books) { s.booksWritten += 1; lastBookWrite.set(b.symbol, b.time); }
        if (heartbeat) beaten();
      } else {
        for (const b of books) if (!pendingBooks.has(b.symbol)) pendingBooks.set(b.symbol, b);
        if (!(error instanceof StratusError && !error.retryable)) unsaved = batch.concat(unsaved).slice(-MAX_UNSAVED);
      }
    }
    if (beat) {
      const heartbeat = heartbeatAfter([]);
      if (!(await attempt('putHeartbeat', undefined, () => store.putHeartbeat(heartbeat)))) beaten();
    }
  }

  function followed(times: ReadonlyMap<string, number>): Record<string, number> {
    return Object.fromEntries([...times].filter(([symbol]) => symbols.has(symbol)));
  }

  function received(symbol: string, tf: Timeframe | undefined): boolean {
    s.messages += 1;
    s.lastMessageAt = clock.now();
    if (symbols.has(symbol) && (tf === undefined || tf === timeframe)) return true;
    s.ignored += 1;
    return false;
  }

  const sink: MarketSink = {
    onCandle: (candle) => serial(async () => {
      if (!received(candle.symbol, candle.timeframe)) return;
      if ((await intake.live(candle)).verdict === 'accepted') s.lagMs = Math.max(0, clock.now() - closeTime(candle));
      if (!options.writeOnTick) await flush(false);
    }),
    onBook: (book) => serial(async () => {
      if (!received(book.symbol, undefined)) return;
      const defect = bookDefect(book);
      if (defect) { intake.drop(defect.rule); return; }
      pendingBooks.set(book.symbol, book);
      if (!options.writeOnTick) await flush(false);
    }),
  };

  async function seed(list: readonly string[]): Promise<void> {
    for (const [symbol, openTime] of await intake.seed(store, list, window)) lastWritten.set(symbol, openTime);
  }

  const resync = (list: readonly string[] = [...symbols]) => serial(async () => {
    for (const symbol of list) if (symbols.has(symbol)) await intake.fill(symbol);
    await intake.repairRefuted();
    await flush(false);
  });

  return {
    async start() {
      await seed([...symbols]);
      await resync();
      await source.start([...symbols], timeframe, sink);
      if (options.realTime) {
        timer = setInterval(() => { void serial(() => flush(true)); }, heartbeatEveryMs);
        timer.unref();
      }
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await source.stop();
      await serial(() => flush(true, true));
    },
    async setSymbols(next) {
      const added = next.filter((x) => !symbols.has(x));
      await serial(async () => {
        for (const symbol of symbols) if (!next.includes(symbol)) intake.guard.forget(symbol);
        await seed(added);
        symbols = new Set(next);
        for (const symbol of pendingBooks.keys()) if (!symbols.has(symbol)) pendingBooks.delete(symbol);
      });
      await source.setSymbols(next);
      if (added.length) await resync(added);
    },
    resync,
    tick: () => serial(() => flush(true)),
    stats: () => ({ ...s, ...intake.counts, booksPending: pendingBooks.size, dropsByRule: { ...intake.dropsByRule }, lastCandle: followed(lastWritten) }),
  };
}

/** True when the stream wrote a heartbeat within maxAgeMs of `now` (what GET /health reports). */
export function isStreamFresh(stats: Pick<MarketStreamStats, 'lastHeartbeatAt'>, now: number, maxAgeMs: number): boolean {
  return stats.lastHeartbeatAt !== undefined && now - stats.lastHeartbeatAt <= maxAgeMs;
}
