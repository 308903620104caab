import { describe, expect, it } from 'vitest';
import { rawCandlesNeeded, rawRegimes, regimeAt, regimeCandlesNeeded, regimeSeries, smoothRegimes, type Regime, type RegimeParams } from '../../../shared/domain/regime.js';

const MIN = 60_000;
/** Small windows so the synthetic series stay short. */
const P: RegimeParams = {
  erPeriod: 10, trendThreshold: 0.3, volPeriod: 5, volLookback: 40, volatilePercentile: 80, crashWindow: 10, crashDropPct: 5,
  crisisVolPercentile: 90, confirmCandles: 3, crisisHoldCandles: 5, smoothingWindow: 20,
};

/** Candles from closes (high = close, one minute apart). */
const candles = (closes: readonly number[]) => closes.map((close, i) => ({ openTime: i * MIN, high: close, close }));
/** A zig-zag around 100 of amplitude a. */
const zigzag = (n: number, a = 0.2) => Array.from({ length: n }, (_, i) => 100 + (i % 2 === 0 ? a : -a));

describe('rawRegimes', () => {
  it('classifies nothing before the longest indicator has its history', () => {
    const raw = rawRegimes(candles(zigzag(60)), P);
    const need = rawCandlesNeeded(P);
    expect(need).toBe(45);
    expect(raw.slice(0, need - 1).every((r) => r === undefined)).toBe(true);
    expect(raw.slice(need - 1).every((r) => r !== undefined)).toBe(true);
  });

  it('reads a steady climb as trending and a zig-zag as mean-reverting', () => {
    const climb = Array.from({ length: 60 }, (_, i) => 100 * 1.001 ** i + (i % 2 ? 0.01 : 0));
    expect(rawRegimes(candles(climb), P).at(-1)).toBe('trending');
    expect(rawRegimes(candles(zigzag(60)), P).at(-1)).toBe('mean-reverting');
  });

  it('reads a zig-zag whose swings widen to the widest of the lookback as volatile', () => {
    const widening = [...zigzag(55, 0.1), ...zigzag(5, 2)];
    expect(rawRegimes(candles(widening), P).at(-1)).toBe('volatile');
  });

  it('reads a fast fall from the recent high with extreme volatility as crisis', () => {
    const crash = [...zigzag(55, 0.1), 98, 96, 94, 93, 92];
    expect(rawRegimes(candles(crash), P).at(-1)).toBe('crisis');
  });

  it('makes a candle a crisis when the leader is in crisis at that close', () => {
    const calm = zigzag(60, 0.1);
    const leader = candles([...zigzag(55, 0.1), 98, 96, 94, 93, 92]);
    expect(regimeSeries(candles(calm), { ...P, crisisHoldCandles: 1, confirmCandles: 1 }).at(-1)).toBe('mean-reverting');
    expect(regimeSeries(candles(calm), { ...P, crisisHoldCandles: 1, confirmCandles: 1 }, leader).at(-1)).toBe('crisis');
  });
});

describe('smoothRegimes', () => {
  const s = (raw: (Regime | undefined)[], over: Partial<RegimeParams> = {}) => smoothRegimes(raw, { ...P, ...over });
  const T = 'trending' as const;
  const M = 'mean-reverting' as const;
  const C = 'crisis' as const;

  it('takes a new regime only after confirmCandles raw candles in a row', () => {
    expect(s([T, T, T, M, M, T, M, M, M])).toEqual([undefined, undefined, T, T, T, T, T, T, M]);
  });

  it('does not flap on a raw class that alternates every candle', () => {
    const raw = Array.from({ length: 40 }, (_, i) => (i < 5 ? T : i % 2 ? M : T));
    const out = s(raw);
    expect(out.slice(2, 22).every((r) => r === T)).toBe(true);
    expect(out).not.toContain(M);
  });

  it('enters crisis on its first raw candle and holds it crisisHoldCandles after the last', () => {
    expect(s([M, M, M, C, M, M, M, M, M, M], { crisisHoldCandles: 3 })).toEqual([undefined, undefined, M, C, C, C, M, M, M, M]);
  });

  it('forgets a confirmed regime whose run left the smoothing window', () => {
    const raw: Regime[] = [T, T, T, ...Array.from({ length: 10 }, (_, i): Regime => (i % 2 ? M : T))];
    const out = s(raw, { smoothingWindow: 6 });
    expect(out[2]).toBe(T);
    expect(out.at(-1)).toBeUndefined();
  });
});

describe('regimeAt', () => {
  it('equals the full series at every candle, from the last regimeCandlesNeeded candles only', () => {
    let x = 100;
    const closes = Array.from({ length: 400 }, (_, i) => (x *= 1 + Math.sin(i / 7) * 0.004 + (i > 300 && i < 320 ? -0.01 : 0)));
    const cs = candles(closes);
    const leader = candles(closes.map((c, i) => c * (1 + Math.cos(i / 5) * 0.01)));
    const full = regimeSeries(cs, P, leader);
    const need = regimeCandlesNeeded(P);
    for (let t = 0; t < cs.length; t++) {
      expect(regimeAt(cs.slice(0, t + 1), P, leader), `candle ${t}`).toBe(full[t]);
      expect(regimeAt(cs.slice(Math.max(0, t + 1 - need), t + 1), P, leader.slice(0, t + 3)), `candle ${t}, window`).toBe(full[t]);
    }
    expect(new Set(full)).toEqual(new Set([undefined, 'trending', 'mean-reverting', 'crisis']));
  });
});
