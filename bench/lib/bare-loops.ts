/**
 * The strategies' indicators and signal tests as bare loops over a Float64Array of closes: no engine, no
 * objects, no decimals. The floor an engine step is measured against (bench/backtest.ts).
 */

/** Signals a bare loop fired (entries and exits, toggling a long-only "holding" flag as the strategy does). */
export interface BareResult {
  readonly entries: number;
  readonly exits: number;
}

/**
 * SMA(fast) and SMA(slow) of closes by running sums; enter when flat and fast crosses above slow (fast > slow
 * now, fast ≤ slow on the previous candle), exit when holding and it crosses below — sma-cross's semantics.
 */
export function bareSmaCross(closes: Float64Array, fast = 20, slow = 50): BareResult {
  let sumFast = 0;
  let sumSlow = 0;
  let prevFast = NaN;
  let prevSlow = NaN;
  let holding = false;
  let entries = 0;
  let exits = 0;
  for (let i = 0; i < closes.length; i++) {
    const c = closes[i]!;
    sumFast += c;
    sumSlow += c;
    if (i >= fast) sumFast -= closes[i - fast]!;
    if (i >= slow) sumSlow -= closes[i - slow]!;
    if (i + 1 < slow) continue;
    const f = sumFast / fast;
    const s = sumSlow / slow;
    if (!holding && f > s && prevFast <= prevSlow) { holding = true; entries++; }
    else if (holding && f < s && prevFast >= prevSlow) { holding = false; exits++; }
    prevFast = f;
    prevSlow = s;
  }
  return { entries, exits };
}

/**
 * Momentum's M = Σ of the last `lookback` log returns / their sample stdev, by rolling sums of r and r²;
 * enter when flat and M > entry, exit when holding and M < exit (stdev ≤ 1e-12: no signal) — momentum's semantics.
 */
export function bareMomentum(closes: Float64Array, lookback = 30, entry = 6, exit = 0): BareResult {
  const ring = new Float64Array(lookback);
  let sum = 0;
  let sumSq = 0;
  let holding = false;
  let entries = 0;
  let exits = 0;
  for (let i = 1; i < closes.length; i++) {
    const r = Math.log(closes[i]! / closes[i - 1]!);
    const slot = (i - 1) % lookback;
    if (i > lookback) { const old = ring[slot]!; sum -= old; sumSq -= old * old; }
    ring[slot] = r;
    sum += r;
    sumSq += r * r;
    if (i < lookback) continue;
    const variance = (sumSq - (sum * sum) / lookback) / (lookback - 1);
    const sd = variance > 0 ? Math.sqrt(variance) : 0;
    if (!(sd > 1e-12)) continue;
    const m = sum / sd;
    if (!holding && m > entry) { holding = true; entries++; }
    else if (holding && m < exit) { holding = false; exits++; }
  }
  return { entries, exits };
}

/**
 * Seconds one pass of `loop` over every array takes: passes are repeated until a sample lasts ≥ 200 ms, and the
 * median of `samples` such samples is returned with the last result (so the work cannot be optimised away).
 */
export function timeBare(arrays: readonly Float64Array[], loop: (closes: Float64Array) => BareResult, samples = 5): { seconds: number; result: BareResult } {
  let result: BareResult = { entries: 0, exits: 0 };
  const pass = (): void => {
    let entries = 0;
    let exits = 0;
    for (const a of arrays) { const r = loop(a); entries += r.entries; exits += r.exits; }
    result = { entries, exits };
  };
  pass();
  let reps = 1;
  for (let t0 = performance.now(); performance.now() - t0 < 200; reps++) pass();
  const perPass: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    for (let k = 0; k < reps; k++) pass();
    perPass.push((performance.now() - t0) / 1000 / reps);
  }
  perPass.sort((a, b) => a - b);
  return { seconds: perPass[Math.floor(perPass.length / 2)]!, result };
}
