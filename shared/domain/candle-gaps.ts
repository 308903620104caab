/** Missing candles in a series of open times: where a timeframe's grid has no candle between the first and the last. */

/** A run of missing candles: first and last missing open time (epoch ms, inclusive) and how many are missing. */
export interface CandleGap {
  readonly from: number;
  readonly to: number;
  readonly missing: number;
}

/** Gaps between consecutive open times (ascending, on a `stepMs` grid); nothing before the first or after the last. */
export function findGaps(openTimes: readonly number[], stepMs: number): CandleGap[] {
  const gaps: CandleGap[] = [];
  for (let i = 1; i < openTimes.length; i++) {
    const prev = openTimes[i - 1]!;
    const next = openTimes[i]!;
    if (next - prev > stepMs) gaps.push({ from: prev + stepMs, to: next - stepMs, missing: (next - prev) / stepMs - 1 });
  }
  return gaps;
}

/** Totals of a gap list: how many gaps, how many candles missing, and the largest gap (the earliest of equals). */
export function summarizeGaps(gaps: readonly CandleGap[]): { readonly count: number; readonly missing: number; readonly largest?: CandleGap } {
  let largest: CandleGap | undefined;
  let missing = 0;
  for (const g of gaps) {
    missing += g.missing;
    if (!largest || g.missing > largest.missing) largest = g;
  }
  return largest ? { count: gaps.length, missing, largest } : { count: 0, missing: 0 };
}
