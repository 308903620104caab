/**
 * Market regime detection from closed candles, in float maths like indicators.ts (the result gates entries,
 * never a balance). Each candle gets a raw class from three indicators; smoothing then keeps the regime from
 * flapping. Everything is a pure function of the last regimeCandlesNeeded() candles, so the risk function
 * (candles from the market store) and the backtest (its candle arrays) see the same regime at the same close.
 */
import { RawRegimeStream } from './regime-window.js';

/** The four regimes, in precedence order of the raw classification. */
export const REGIMES = ['crisis', 'trending', 'volatile', 'mean-reverting'] as const;
/** One regime. */
export type Regime = (typeof REGIMES)[number];

/** The detector's parameters (policy.regime; every window counted in candles of the policy timeframe). */
export interface RegimeParams {
  /** Efficiency-ratio lookback: |close − close n ago| / Σ|close-to-close moves| over n candles. */
  readonly erPeriod: number;
  /** Efficiency ratio at or above this → trending (a random walk over 60 candles sits near 0.1). */
  readonly trendThreshold: number;
  /** Realised-volatility window: RMS of the log returns of the last n candles. */
  readonly volPeriod: number;
  /** Percentile lookback: the current realised volatility is ranked among the last n values (itself included, ties at mid-rank). */
  readonly volLookback: number;
  /** Volatility percentile (0–100) at or above this → volatile (when not trending). */
  readonly volatilePercentile: number;
  /** Drawdown-speed window: the fall from the highest high of the last n candles to the close. */
  readonly crashWindow: number;
  /** That fall at or above this, %, with the volatility percentile at or above crisisVolPercentile → crisis. */
  readonly crashDropPct: number;
  readonly crisisVolPercentile: number;
  /** A new non-crisis regime takes effect only after the raw class held it this many candles in a row. */
  readonly confirmCandles: number;
  /** Crisis takes effect on its first raw candle and holds this many candles after the last one. */
  readonly crisisHoldCandles: number;
  /** Smoothing memory: only the last n raw classes count (a confirmed run must lie inside them), else no regime. */
  readonly smoothingWindow: number;
}

/** The fields a classification reads from a candle. */
export interface RegimeCandle {
  readonly openTime: number;
  readonly high: number;
  readonly close: number;
}

/** Candles one raw class needs (the longest indicator's history). */
export const rawCandlesNeeded = (p: RegimeParams): number => Math.max(p.erPeriod + 1, p.volLookback + p.volPeriod, p.crashWindow);

/**
 * Why no regime can be computed at a close, or undefined when one can: fewer than rawCandlesNeeded closed candles of the
 * symbol, or of its leader (counted up to the symbol's newest close), so not even the newest candle has a raw class.
 */
export function regimeUnknownWhy(p: RegimeParams, own: number, leader?: { readonly symbol: string; readonly count: number }): string | undefined {
  const need = rawCandlesNeeded(p);
  if (own < need) return `${own} of the ${need} closed candles the detector needs`;
  return leader && leader.count < need ? `leader ${leader.symbol} has ${leader.count} of the ${need} closed candles the detector needs` : undefined;
}

/** Candles regimeAt needs so that every raw class in the smoothing window is defined. */
export const regimeCandlesNeeded = (p: RegimeParams): number => p.smoothingWindow + rawCandlesNeeded(p) - 1;

/**
 * The raw class of every candle (undefined until it has rawCandlesNeeded of history). `leaderCrisis(i)`, when
 * given, says whether the market leader was in raw crisis at candle i's close: it makes the candle a crisis too.
 */
export function rawRegimes(candles: readonly RegimeCandle[], p: RegimeParams, leaderCrisis?: (i: number) => boolean): (Regime | undefined)[] {
  const stream = new RawRegimeStream(p, rawCandlesNeeded(p));
  return candles.map((c, i) => {
    const raw = stream.push(c);
    return raw !== undefined && leaderCrisis?.(i) ? 'crisis' : raw;
  });
}

/**
 * Smoothing, a pure function of the raw classes in (t − smoothingWindow, t]: crisis when any of the last
 * crisisHoldCandles is a raw crisis; else the class of the newest run of confirmCandles equal non-crisis raw
 * classes inside the window; else undefined (warm-up, or a window with no confirmed run). Switching between
 * non-crisis regimes therefore needs confirmCandles candles of the new one.
 */
export function smoothRegimes(raw: readonly (Regime | undefined)[], p: RegimeParams): (Regime | undefined)[] {
  const out: (Regime | undefined)[] = new Array(raw.length).fill(undefined);
  let lastCrisis = -Infinity;
  let run = 0;
  let confirmedAt = -Infinity;
  let confirmed: Regime | undefined;
  for (let t = 0; t < raw.length; t++) {
    const r = raw[t];
    if (r === 'crisis') lastCrisis = t;
    run = r !== undefined && r !== 'crisis' && t > 0 && raw[t - 1] === r ? run + 1 : r !== undefined && r !== 'crisis' ? 1 : 0;
    if (run >= p.confirmCandles) { confirmed = r; confirmedAt = t; }
    if (t - lastCrisis < p.crisisHoldCandles) out[t] = 'crisis';
    else if (confirmed !== undefined && confirmedAt - p.confirmCandles + 1 > t - p.smoothingWindow) out[t] = confirmed;
  }
  return out;
}

/** The smoothed regime of every candle (see rawRegimes, smoothRegimes); leader candles as in regimeAt. */
export function regimeSeries(candles: readonly RegimeCandle[], p: RegimeParams, leader?: readonly RegimeCandle[]): (Regime | undefined)[] {
  return smoothRegimes(rawRegimes(candles, p, leader ? leaderCrisisOf(candles, leader, p) : undefined), p);
}

/**
 * The smoothed regime at the last candle, from its last regimeCandlesNeeded candles (pass at least that many
 * when there are). `leader`: the market leader's closed candles of the same timeframe (those closing after the
 * last candle are ignored, then its last regimeCandlesNeeded are read); a candle takes the raw crisis of the newest leader candle closing
 * at or before it. Undefined when too few candles or no confirmed regime.
 */
export function regimeAt(candles: readonly RegimeCandle[], p: RegimeParams, leader?: readonly RegimeCandle[]): Regime | undefined {
  const need = regimeCandlesNeeded(p);
  const last = candles.at(-1);
  const lead = leader && last ? leader.filter((c) => c.openTime <= last.openTime).slice(-need) : undefined;
  return regimeSeries(candles.slice(-need), p, lead).at(-1);
}

/** For each candle, whether the newest leader candle closing at or before it is a raw crisis. */
function leaderCrisisOf(candles: readonly RegimeCandle[], leader: readonly RegimeCandle[], p: RegimeParams): (i: number) => boolean {
  const last = candles.at(-1);
  const upTo = last === undefined ? [] : leader.filter((c) => c.openTime <= last.openTime);
  const raw = rawRegimes(upTo, p);
  const crisis = new Uint8Array(candles.length);
  let k = -1;
  for (let i = 0; i < candles.length; i++) {
    while (k + 1 < upTo.length && upTo[k + 1]!.openTime <= candles[i]!.openTime) k++;
    crisis[i] = k >= 0 && raw[k] === 'crisis' ? 1 : 0;
  }
  return (i) => crisis[i] === 1;
}
