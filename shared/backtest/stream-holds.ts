/**
 * The market stream's bad-tick guard (shared/domain/tick-guard.ts) as the backtest sees it: a candle the guard
 * holds as a suspect is not in the market table at its own close (the signal cycle skips that symbol, risk exits
 * included: "latest closed candle missing") and is stored with the next candle once that one confirms it.
 */
import { candleDefect, TickGuard } from '../domain/tick-guard.js';
import { timeframeMs, type Candle } from '../domain/candle.js';

/** The guard's narrowest band (its default minBand, as the stream runs it): a candle nearer its predecessor's close is never a suspect. */
const MIN_BAND = 0.15 * (1 - 1e-9);

/**
 * Per series, the indices of the candles the stream's guard (default options) holds at their close; empty for
 * most series, which a float screen clears without running the guard: every candle sound and its open and close
 * within the guard's narrowest band of the previous close, so each is accepted and the next judged against it.
 */
export function heldCandles(series: readonly (readonly Candle[])[]): ReadonlySet<number>[] {
  return series.map((candles) => (calm(candles) ? new Set<number>() : judged(candles)));
}

function calm(candles: readonly Candle[]): boolean {
  const hi = Math.exp(MIN_BAND);
  const lo = Math.exp(-MIN_BAND);
  const step = candles.length ? timeframeMs(candles[0]!.timeframe) : 1;
  for (let i = 0; i < candles.length; i++) {
    const c = candles[i]!;
    if (!(c.high >= c.open && c.high >= c.close && c.low <= c.open && c.low <= c.close && c.low > 0 && c.volume >= 0 && Number.isFinite(c.high + c.volume))) return false;
    if (c.openTime % step !== 0) return false;
    if (i === 0) { if (candleDefect(c)) return false; continue; }
    const prev = candles[i - 1]!.close;
    if (!(c.open <= prev * hi && c.open >= prev * lo && c.close <= prev * hi && c.close >= prev * lo)) return false;
  }
  return true;
}

function judged(candles: readonly Candle[]): Set<number> {
  const guard = new TickGuard();
  const held = new Set<number>();
  for (let i = 0; i < candles.length; i++) if (guard.judge(candles[i]!).verdict === 'held') held.add(i);
  return held;
}
