/**
 * Indicator maths on plain numbers (floats are allowed here and only here: results feed
 * signals, never balances). Inputs are oldest first.
 */

/** ln(v[i] / v[i-1]) for each consecutive pair: length n − 1. Throws on a non-positive or non-finite value. */
export function logReturns(values: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < values.length; i++) {
    const prev = values[i - 1]!;
    const cur = values[i]!;
    if (!(prev > 0 && cur > 0 && Number.isFinite(prev) && Number.isFinite(cur))) {
      throw new RangeError(`logReturns needs positive finite values, got ${prev} and ${cur} at index ${i}`);
    }
    out.push(Math.log(cur / prev));
  }
  return out;
}

/** Arithmetic mean. Throws on an empty input. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('mean of an empty series');
  let total = 0;
  for (const v of values) total += v;
  return total / values.length;
}

/** Sample standard deviation (n − 1 denominator, two-pass). Throws with fewer than 2 values. */
export function sampleStdev(values: readonly number[]): number {
  if (values.length < 2) throw new RangeError(`sample stdev needs at least 2 values, got ${values.length}`);
  const m = mean(values);
  let squares = 0;
  for (const v of values) squares += (v - m) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}

/**
 * Simple moving average over `period` values: one mean per full window, aligned to the window's
 * last value (length n − period + 1; empty when n < period). Throws unless period is a positive integer.
 */
export function sma(values: readonly number[], period: number): number[] {
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`sma period must be a positive integer, got ${period}`);
  const out: number[] = [];
  for (let end = period; end <= values.length; end++) out.push(mean(values.slice(end - period, end)));
  return out;
}

/**
 * Average true range (Wilder): true range = max(high − low, |high − previous close|, |low − previous close|)
 * (high − low for the first candle, which has no previous close); the first ATR is the mean of the first
 * `period` true ranges, then ATR = (ATR × (period − 1) + TR) / period. Returns the ATR at the last candle,
 * undefined with fewer than `period` candles. Pass period + 1 or more closed candles so every true range
 * sees a previous close. Throws unless period is a positive integer or on a non-finite or inverted candle.
 */
export function atr(candles: readonly { readonly high: number; readonly low: number; readonly close: number }[], period: number): number | undefined {
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`atr period must be a positive integer, got ${period}`);
  if (candles.length < period) return undefined;
  let value = 0;
  candles.forEach((c, i) => {
    if (![c.high, c.low, c.close].every(Number.isFinite) || c.high < c.low) {
      throw new RangeError(`atr needs finite candles with high ≥ low, got ${c.high}/${c.low}/${c.close} at index ${i}`);
    }
    const prev = i > 0 ? candles[i - 1]!.close : undefined;
    const tr = prev === undefined ? c.high - c.low : Math.max(c.high - c.low, Math.abs(c.high - prev), Math.abs(c.low - prev));
    value = i < period ? value + tr / period : (value * (period - 1) + tr) / period;
  });
  return value;
}
