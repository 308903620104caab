/** Exact window helpers of the regime detector (regime.ts): no float arithmetic, so windowed and full runs agree. */

/** The highest high of the `size` candles ending at j, for j rising (a monotonic deque: exact, O(1) amortised). */
export class WindowMax {
  readonly #index: number[] = [];
  #head = 0;
  #next = 0;

  constructor(private readonly candles: readonly { readonly high: number }[], private readonly size: number) {}

  max(j: number): number {
    for (; this.#next <= j; this.#next++) {
      const high = this.candles[this.#next]!.high;
      while (this.#index.length > this.#head && this.candles[this.#index.at(-1)!]!.high <= high) this.#index.pop();
      this.#index.push(this.#next);
    }
    while (this.#index[this.#head]! <= j - this.size) this.#head++;
    return this.candles[this.#index[this.#head]!]!.high;
  }
}

/** Index of the first value above x in an ascending array. */
export function upperBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (sorted[mid]! <= x) lo = mid + 1; else hi = mid; }
  return lo;
}

/** Index of the first value at or above x in an ascending array. */
export function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (sorted[mid]! < x) lo = mid + 1; else hi = mid; }
  return lo;
}
