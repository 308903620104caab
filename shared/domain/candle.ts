/** A timeframe Stratus trades on. */
export type Timeframe = '1m' | '5m' | '15m' | '1h' | '4h' | '1d';

export const TIMEFRAMES: readonly Timeframe[] = ['1m', '5m', '15m', '1h', '4h', '1d'];

const TIMEFRAME_MS: Record<Timeframe, number> = {
  '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '4h': 14_400_000, '1d': 86_400_000,
};

/** Length of a timeframe in milliseconds. */
export function timeframeMs(tf: Timeframe): number {
  return TIMEFRAME_MS[tf];
}

/**
 * A closed OHLCV candle. Prices are numbers holding the exchange's shortest
 * round-trip decimal (convert with dec() before any money arithmetic);
 * openTime is the candle's open in epoch ms UTC; it closes at openTime + timeframeMs.
 */
export interface Candle {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly openTime: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** Epoch ms at which a candle closes (exclusive end of its interval). */
export function closeTime(c: Pick<Candle, 'openTime' | 'timeframe'>): number {
  return c.openTime + timeframeMs(c.timeframe);
}

/** True when the candle had closed at time `now` (epoch ms): no lookahead. */
export function isClosedAt(c: Pick<Candle, 'openTime' | 'timeframe'>, now: number): boolean {
  return closeTime(c) <= now;
}

/** Best bid/ask at a moment, as decimal strings. */
export interface TopOfBook {
  readonly symbol: string;
  readonly bid: string;
  readonly ask: string;
  /** Epoch ms of the quote. */
  readonly time: number;
}

/** Liveness record written by the market stream every few seconds. */
export interface Heartbeat {
  readonly source: string;
  /** Epoch ms when written. */
  readonly time: number;
  /** Epoch ms of the newest closed candle written, per symbol. */
  readonly lastCandle: Readonly<Record<string, number>>;
  readonly messages: number;
  /** Milliseconds between the exchange's event time and when we stored it (last seen). */
  readonly lagMs: number;
}
