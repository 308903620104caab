import { rawCandlesNeeded, regimeCandlesNeeded, smoothRegimes, type Regime, type RegimeParams } from '../domain/regime.js';
import { RawRegimeStream } from '../domain/regime-window.js';
import type { CandleHistory } from './sim-state.js';

/** A symbol's raw classes by candle index, streamed on demand over the candles it has seen (each candle once). */
class RawSeries {
  readonly raws: (Regime | undefined)[] = [];
  readonly #stream: RawRegimeStream;

  constructor(p: RegimeParams) {
    this.#stream = new RawRegimeStream(p, rawCandlesNeeded(p));
  }

  upTo(seen: CandleHistory, t: number): readonly (Regime | undefined)[] {
    while (this.raws.length <= t) this.raws.push(this.#stream.push(seen.at(this.raws.length)!));
    return this.raws;
  }
}

/**
 * regimeAt for the backtest without recomputing every indicator at each decision: a raw class depends only on its
 * candle and the history before it, so each is computed once per symbol; the window regimeAt would read (the last
 * regimeCandlesNeeded candles, classes defined from rawCandlesNeeded into it, the leader's last ones likewise) is then
 * rebuilt from them and smoothed. Equal to regimeAt on the same candles (tests/unit/backtest/regime-cache.test.ts).
 */
export class RegimeCache {
  readonly #series = new Map<string, RawSeries>();
  readonly #rawNeed: number;
  readonly #need: number;

  constructor(private readonly p: RegimeParams) {
    this.#rawNeed = rawCandlesNeeded(p);
    this.#need = regimeCandlesNeeded(p);
  }

  /** The regime at own's newest candle; `leader` as regimeAt's (its candles after own's newest are ignored). */
  at(symbol: string, own: CandleHistory, leader?: { readonly symbol: string; readonly seen: CandleHistory }): Regime | undefined {
    const t = own.length - 1;
    if (t < 0) return undefined;
    const start = Math.max(0, t - this.#need + 1);
    const definedFrom = start + this.#rawNeed - 1;
    const raws = this.#raws(symbol).upTo(own, t);
    const window: (Regime | undefined)[] = [];
    for (let i = start; i <= t; i++) window.push(i >= definedFrom ? raws[i] : undefined);
    if (leader) this.#leaderCrises(window, start, own, leader);
    return smoothRegimes(window, this.p).at(-1);
  }

  /** Marks a defined class crisis where the newest leader candle at or before its candle (within regimeAt's leader window) is a raw crisis. */
  #leaderCrises(window: (Regime | undefined)[], start: number, own: CandleHistory, leader: { readonly symbol: string; readonly seen: CandleHistory }): void {
    const last = own.at(-1)!.openTime;
    let top = leader.seen.length - 1;
    while (top >= 0 && leader.seen.at(top)!.openTime > last) top--;
    if (top < 0) return;
    const from = Math.max(0, top - this.#need + 1);
    const definedFrom = from + this.#rawNeed - 1;
    const raws = this.#raws(leader.symbol).upTo(leader.seen, top);
    let k = from - 1;
    for (let i = 0; i < window.length; i++) {
      const openTime = own.at(start + i)!.openTime;
      while (k + 1 <= top && leader.seen.at(k + 1)!.openTime <= openTime) k++;
      if (window[i] !== undefined && k >= definedFrom && raws[k] === 'crisis') window[i] = 'crisis';
    }
  }

  #raws(symbol: string): RawSeries {
    let series = this.#series.get(symbol);
    if (!series) { series = new RawSeries(this.p); this.#series.set(symbol, series); }
    return series;
  }
}
