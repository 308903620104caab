/**
 * The regime detector's per-candle raw classification as a stream (regime.ts's rawRegimes feeds it the candles; the
 * backtest keeps one per symbol). Each value depends only on the candle and the history before it, computed in the
 * same order whatever candle the stream started at, so a stream over a whole series and one over its last candles give
 * the same classes wherever both have the history.
 */
import type { Regime, RegimeCandle, RegimeParams } from './regime.js';

/** Raw classes one candle at a time (no leader: rawRegimes applies it). */
export class RawRegimeStream {
  readonly #close: number[] = [];
  readonly #high: number[] = [];
  readonly #squared: number[] = [];
  readonly #vol: number[] = [];
  readonly #sorted: number[] = [];
  /** Indices of a monotonic deque over the highs of the crash window (exact max, O(1) amortised). */
  readonly #peaks: number[] = [];
  #peakHead = 0;

  /** `need`: rawCandlesNeeded(p), the history a class needs. */
  constructor(private readonly p: RegimeParams, private readonly need: number) {}

  /** Candles pushed so far. */
  get length(): number {
    return this.#close.length;
  }

  /** Takes the next candle; its raw class, undefined until the stream holds `need` candles. */
  push(c: RegimeCandle): Regime | undefined {
    const { p } = this;
    const close = this.#close;
    const j = close.length;
    close.push(c.close);
    this.#high.push(c.high);
    this.#squared.push(j === 0 ? 0 : Math.log(c.close / close[j - 1]!) ** 2);
    let vol = Number.NaN;
    if (j >= p.volPeriod) {
      let squares = 0;
      for (let i = j - p.volPeriod + 1; i <= j; i++) squares += this.#squared[i]!;
      vol = Math.sqrt(squares / p.volPeriod);
      this.#sorted.splice(upperBound(this.#sorted, vol), 0, vol);
      if (j - p.volLookback >= p.volPeriod) this.#sorted.splice(lowerBound(this.#sorted, this.#vol[j - p.volLookback]!), 1);
    }
    this.#vol.push(vol);
    const peak = this.#peakOf(j);
    if (j < this.need - 1) return undefined;
    const below = lowerBound(this.#sorted, vol);
    const pct = (100 * (below + (upperBound(this.#sorted, vol) - below) / 2)) / p.volLookback;
    const dropPct = ((peak - c.close) / peak) * 100;
    if (dropPct >= p.crashDropPct && pct >= p.crisisVolPercentile) return 'crisis';
    let path = 0;
    for (let i = j - p.erPeriod + 1; i <= j; i++) path += Math.abs(close[i]! - close[i - 1]!);
    const er = path > 0 ? Math.abs(c.close - close[j - p.erPeriod]!) / path : 0;
    return er >= p.trendThreshold ? 'trending' : pct >= p.volatilePercentile ? 'volatile' : 'mean-reverting';
  }

  /** The highest high of the crashWindow candles ending at j (j just pushed). */
  #peakOf(j: number): number {
    const high = this.#high;
    const q = this.#peaks;
    while (q.length > this.#peakHead && high[q.at(-1)!]! <= high[j]!) q.pop();
    q.push(j);
    while (q[this.#peakHead]! <= j - this.p.crashWindow) this.#peakHead++;
    return high[q[this.#peakHead]!]!;
  }
}

/** Index of the first value above x in an ascending array. */
function upperBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (sorted[mid]! <= x) lo = mid + 1; else hi = mid; }
  return lo;
}

/** Index of the first value at or above x in an ascending array. */
function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (sorted[mid]! < x) lo = mid + 1; else hi = mid; }
  return lo;
}
