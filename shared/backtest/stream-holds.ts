/**
 * The market stream's bad-tick guard (shared/domain/tick-guard.ts) as the backtest sees it: a candle the guard
 * holds as a suspect is not in the market table at its own close (the signal cycle skips that symbol, risk exits
 * included: "latest closed candle missing") and is stored with the next candle once that one confirms it.
 */
import { TickGuard } from '../domain/tick-guard.js';
import { timeframeMs, type Candle } from '../domain/candle.js';

/** The guard's narrowest band (its default minBand, as the stream runs it), a hair narrower for float safety. */
const MIN_BAND = 0.15 * (1 - 1e-9);
/** The guard's default reference window (closes it keeps). */
const WINDOW = 20;
const HI = Math.exp(MIN_BAND);
const LO = Math.exp(-MIN_BAND);

/**
 * Per series, the indices of the candles the stream's guard (default options) holds at their close, as the guard
 * judging every candle in order finds them. A float screen skips the guard where it certainly accepts: a sound
 * candle whose open and close are within the narrowest band of the previous close, that previous candle accepted.
 * The guard runs only from a candle the screen cannot clear (seeded with the accepted closes before it) until it
 * accepts again with nothing held, so a long calm series costs a few comparisons per candle.
 */
export function heldCandles(series: readonly (readonly Candle[])[]): ReadonlySet<number>[] {
  return series.map(holdsOf);
}

function holdsOf(candles: readonly Candle[]): Set<number> {
  const held = new Set<number>();
  const dropped = new Set<number>();
  const step = candles.length ? timeframeMs(candles[0]!.timeframe) : 1;
  let guard: TickGuard | undefined;
  let suspect = -1;
  for (let i = 0; i < candles.length; i++) {
    const c = candles[i]!;
    if (guard === undefined) {
      if (calm(candles, i, step)) continue;
      guard = new TickGuard();
      guard.seed(c.symbol, acceptedBefore(candles, i, dropped));
    }
    const j = guard.judge(c);
    if (j.settled) {
      if (!j.settled.kept) dropped.add(suspect);
      suspect = -1;
    }
    if (j.verdict === 'held') { held.add(i); suspect = i; } else if (j.verdict === 'dropped') dropped.add(i);
    if (j.verdict === 'accepted' && suspect < 0 && i + 1 < candles.length && calm(candles, i + 1, step)) guard = undefined;
  }
  return held;
}

/** True when the guard certainly accepts candle i, given that candle i - 1 was accepted. */
function calm(candles: readonly Candle[], i: number, step: number): boolean {
  const c = candles[i]!;
  if (!(c.high >= c.open && c.high >= c.close && c.low <= c.open && c.low <= c.close && c.low > 0 && c.volume >= 0 && Number.isFinite(c.high + c.volume))) return false;
  if (!Number.isSafeInteger(c.openTime) || c.openTime % step !== 0) return false;
  if (i === 0) return true;
  const prev = candles[i - 1]!.close;
  return c.open <= prev * HI && c.open >= prev * LO && c.close <= prev * HI && c.close >= prev * LO;
}

/** The last WINDOW candles before i that the guard accepted (all but the dropped), oldest first. */
function acceptedBefore(candles: readonly Candle[], i: number, dropped: ReadonlySet<number>): Candle[] {
  const out: Candle[] = [];
  for (let k = i - 1; k >= 0 && out.length < WINDOW; k--) if (!dropped.has(k)) out.push(candles[k]!);
  return out.reverse();
}
