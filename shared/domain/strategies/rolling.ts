/**
 * Ring buffer of the last `size` values with running sums, for the strategies' O(1) screens. Sums drift by
 * float rounding as values enter and leave, so they are recomputed exactly every RESUM pushes.
 */
export class RollingWindow {
  private readonly ring: Float64Array;
  /** Values pushed so far. */
  count = 0;
  private readonly sums: Float64Array;
  private static readonly RESUM = 1024;

  /** `size` values are kept; `spans` are the window lengths (≤ size) whose sums of the newest values are kept. */
  constructor(readonly size: number, private readonly spans: readonly number[]) {
    if (spans.some((s) => !(s >= 1 && s <= size))) throw new RangeError(`spans ${spans.join(', ')} must lie in 1..${size}`);
    this.ring = new Float64Array(size);
    this.sums = new Float64Array(spans.length);
  }

  /** Adds a value; the oldest leaves once `size` are held. */
  push(v: number): void {
    const { size, ring, spans, sums } = this;
    const held = this.count;
    // Each span's leaving value is read before the write, which may reuse its slot (span = size).
    for (let k = 0; k < spans.length; k++) {
      const s = spans[k]!;
      sums[k] = sums[k]! + v - (held >= s ? ring[(held - s) % size]! : 0);
    }
    ring[held % size] = v;
    this.count = held + 1;
    if (this.count % RollingWindow.RESUM === 0) {
      for (let k = 0; k < spans.length; k++) sums[k] = this.exactSum(spans[k]!, 0);
    }
  }

  /** Running sum of the newest values over the k-th span given to the constructor. */
  sum(k: number): number {
    return this.sums[k]!;
  }

  /** Exact left-to-right sum of `span` values ending `back` values before the newest (back 0 = newest included). */
  exactSum(span: number, back: number): number {
    const end = this.count - back;
    let s = 0;
    for (let i = Math.max(0, end - span); i < end; i++) s += this.ring[i % this.size]!;
    return s;
  }

  /** The value pushed `back` pushes ago (0 = newest); needs back < size and back < count. */
  at(back: number): number {
    return this.ring[(this.count - 1 - back) % this.size]!;
  }
}
