import { timeframeMs, type Candle, type Timeframe } from '../domain/candle.js';
import { TickGuard, type TickGuardOptions, type TickJudgement, type TickRule } from '../domain/tick-guard.js';
import type { Clock, MarketDataStore } from '../ports.js';
import { backfillRange, inRange, type BackfillOptions } from './stream-backfill.js';

/** Something the guard or the backfill did, for the log. */
export type StreamEvent =
  | { readonly kind: 'dropped' | 'held' | 'corrected' | 'released' | 'repaired'; readonly symbol: string; readonly openTime: number; readonly origin: 'live' | 'backfill'; readonly rule?: TickRule; readonly detail: string }
  | { readonly kind: 'backfilled'; readonly symbol: string; readonly from: number; readonly to: number; readonly fetched: number; readonly stored: number; readonly truncated: number };

/** What the intake counts (part of MarketStreamStats). */
export interface IntakeCounts {
  /** Candles whose openTime was <= the newest seen for their symbol (duplicates, out of order). */
  duplicatesDropped: number;
  /** Candles or books the guard dropped for any other rule (impossible prices, outliers the next candle refuted). */
  badTicksDropped: number;
  /** Candles a rule repaired (swapped high/low). */
  candlesCorrected: number;
  /** Suspects held for confirmation by the next candle, and how many of them were kept. */
  suspectsHeld: number;
  suspectsKept: number;
  /** Candles fetched by REST (gap fills and outlier repairs) that the guard accepted. */
  candlesBackfilled: number;
  backfillErrors: number;
}

/** What the intake needs from the stream around it. */
export interface IntakeOptions {
  readonly clock: Clock;
  readonly timeframe: Timeframe;
  readonly guard?: TickGuardOptions;
  readonly backfill?: BackfillOptions;
  /** Receives every candle to store, in the order the guard let it through. */
  readonly accept: (candle: Candle) => void;
  readonly notify: (event: StreamEvent) => void;
  readonly report: (error: unknown, context: { readonly op: string; readonly symbol: string }) => void;
}

/**
 * The candle intake of the market stream: the bad-tick guard, REST gap filling and the REST repair of candles
 * the guard dropped as outliers. Not re-entrant: the stream calls it from its one serial chain.
 */
export function createIntake(options: IntakeOptions) {
  const { clock, timeframe, backfill, accept, notify, report } = options;
  const tf = timeframeMs(timeframe);
  const guard = new TickGuard(options.guard);
  const counts: IntakeCounts = { duplicatesDropped: 0, badTicksDropped: 0, candlesCorrected: 0, suspectsHeld: 0, suspectsKept: 0, candlesBackfilled: 0, backfillErrors: 0 };
  const dropsByRule: Partial<Record<TickRule, number>> = {};
  /** Suspects the next candle refuted, to fetch again by REST. */
  const refuted: Candle[] = [];

  function drop(rule: TickRule): void {
    dropsByRule[rule] = (dropsByRule[rule] ?? 0) + 1;
    if (rule === 'duplicate' || rule === 'out-of-order') counts.duplicatesDropped += 1; else counts.badTicksDropped += 1;
  }

  /** Applies the guard's judgement: accepts what it let through (a released suspect first), counts and reports the rest. */
  function take(candle: Candle, origin: 'live' | 'backfill'): TickJudgement {
    const j = guard.judge(candle);
    const { symbol } = candle;
    if (j.settled) {
      const { candle: suspect, kept, detail } = j.settled;
      if (kept) { counts.suspectsKept += 1; accept(suspect); } else { drop('outlier'); if (backfill) refuted.push(suspect); }
      notify({ kind: kept ? 'released' : 'dropped', symbol, openTime: suspect.openTime, origin, rule: 'outlier', detail });
    }
    if (j.correction) { counts.candlesCorrected += 1; notify({ kind: 'corrected', symbol, openTime: j.candle.openTime, origin, detail: j.correction }); }
    if (j.verdict === 'accepted') accept(j.candle);
    else if (j.verdict === 'held') counts.suspectsHeld += 1;
    else drop(j.rule!);
    if (j.verdict !== 'accepted') notify({ kind: j.verdict, symbol, openTime: candle.openTime, origin, rule: j.rule!, detail: j.detail ?? '' });
    return j;
  }

  /** The exchange's candles of a range by REST, or undefined (counted and reported) when the request failed. */
  async function fetch(op: string, symbol: string, range: { from: number; to: number }): Promise<Candle[] | undefined> {
    try {
      const fetched = await backfill!.fetcher.fetchClosedCandles(symbol, timeframe, range.from, range.to);
      return inRange(fetched, symbol, timeframe, range);
    } catch (error) {
      counts.backfillErrors += 1;
      report(error, { op, symbol });
      return undefined;
    }
  }

  return {
    guard,
    counts,
    dropsByRule,
    drop,
    /** A live candle: fills the hole before it first (when it reveals one), then judges it. */
    async live(candle: Candle): Promise<TickJudgement> {
      const last = guard.lastSeen(candle.symbol);
      if (last === undefined || candle.openTime > last + tf) await this.fill(candle.symbol, candle.openTime);
      const j = take(candle, 'live');
      await this.repairRefuted();
      return j;
    },
    /** Fetches the gap of a symbol by REST (see backfillRange) and passes it through the guard, oldest first. */
    async fill(symbol: string, before?: number): Promise<void> {
      const range = backfill && backfillRange(guard.lastSeen(symbol), clock.now(), timeframe, backfill, before);
      if (!range) return;
      const fetched = await fetch('backfill', symbol, range);
      if (!fetched) return;
      let stored = 0;
      for (const c of fetched) {
        if (c.openTime > (guard.lastSeen(symbol) ?? -Infinity) && take(c, 'backfill').verdict === 'accepted') stored += 1;
      }
      counts.candlesBackfilled += stored;
      notify({ kind: 'backfilled', symbol, from: range.from, to: range.to, fetched: fetched.length, stored, truncated: range.truncated });
    },
    /** Fetches again by REST each candle the guard dropped as an outlier; the exchange's own version fills the hole. */
    async repairRefuted(): Promise<void> {
      for (let suspect = refuted.shift(); suspect; suspect = refuted.shift()) {
        const { symbol, openTime } = suspect;
        for (const c of (await fetch('repair', symbol, { from: openTime, to: openTime + tf })) ?? []) {
          const j = guard.repair(c);
          if (j.verdict === 'accepted') { accept(j.candle); counts.candlesBackfilled += 1; } else drop(j.rule!);
          notify({ kind: j.verdict === 'accepted' ? 'repaired' : 'dropped', symbol, openTime, origin: 'backfill', ...(j.rule ? { rule: j.rule } : {}), detail: j.detail ?? 'fetched again by REST' });
        }
      }
    },
    /** Primes the guard of symbols it does not know with their newest stored candles; returns the newest open time per symbol. */
    async seed(store: MarketDataStore, symbols: readonly string[], window: number): Promise<Map<string, number>> {
      const newest = new Map<string, number>();
      for (const symbol of symbols) {
        if (guard.knows(symbol)) continue;
        const recent = await store.getRecentClosedCandles(symbol, timeframe, clock.now(), window);
        guard.seed(symbol, recent);
        const last = recent.at(-1);
        if (last) newest.set(symbol, last.openTime);
      }
      return newest;
    },
  };
}
