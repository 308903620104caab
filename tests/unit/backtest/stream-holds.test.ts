import { describe, expect, it } from 'vitest';
import { heldCandles } from '../../../shared/backtest/stream-holds.js';
import type { Candle } from '../../../shared/domain/candle.js';
import { TickGuard } from '../../../shared/domain/tick-guard.js';
import { readCandleDir } from '../../../shared/local/candle-files.js';
import { CRASH_SYMBOLS, stressDataDir } from '../../../shared/stress/crash-data.js';

/** The guard itself, judging every candle: the indices it holds. */
function guardHolds(candles: readonly Candle[]): Set<number> {
  const guard = new TickGuard();
  return new Set(candles.flatMap((c, i) => (guard.judge(c).verdict === 'held' ? [i] : [])));
}

function walk(closes: readonly number[]): Candle[] {
  return closes.map((close, i) => {
    const open = i ? closes[i - 1]! : close;
    return { symbol: 'BTC/USDT', timeframe: '5m', openTime: i * 300_000, open, high: Math.max(open, close), low: Math.min(open, close), close, volume: 1 };
  });
}

/** A seeded walk of 5m candles with calm steps, level shifts and one-candle spikes that snap back. */
function jumpy(seed: number, length: number): Candle[] {
  let a = seed >>> 0;
  const r = () => ((a = (Math.imul(a, 1_664_525) + 1_013_904_223) >>> 0) / 4_294_967_296);
  const closes: number[] = [];
  let level = 100;
  for (let i = 0; i < length; i++) {
    const u = r();
    if (u < 0.04) level *= r() < 0.5 ? 0.75 : 1.3;
    const spike = u > 0.97 ? (r() < 0.5 ? 0.6 : 1.5) : 1;
    level *= 1 + (r() - 0.5) * 0.01;
    closes.push(level * spike);
  }
  return walk(closes);
}

describe('heldCandles: the candles the market stream\'s bad-tick guard holds at their close', () => {
  it('holds what the guard holds on every pair of the 10 Oct 2025 5m cascade data (crash candles held, calm series cleared)', async () => {
    const all = await readCandleDir(stressDataDir(), [...CRASH_SYMBOLS], '5m');
    const series = CRASH_SYMBOLS.map((s) => all[s]!);
    const held = heldCandles(series);
    expect(held.map((h) => [...h])).toEqual(series.map((s) => [...guardHolds(s)]));
    expect(held.some((h) => h.size > 0)).toBe(true);
  });

  it('holds a 20 % jump after a calm walk and nothing on a walk whose every step stays inside the narrowest band', () => {
    const calm = Array.from({ length: 30 }, (_, i) => 100 * (1 + 0.001 * Math.sin(i)));
    expect([...heldCandles([walk(calm)])[0]!]).toEqual([]);
    const jumped = walk([...calm, 120, 121]);
    expect([...heldCandles([jumped])[0]!]).toEqual([30]);
    expect([...guardHolds(jumped)]).toEqual([30]);
  });

  it('holds what the guard holds on seeded walks with level shifts and refuted spikes (the guard re-seeded after each calm stretch)', () => {
    let holds = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const candles = jumpy(seed, 300);
      const expected = [...guardHolds(candles)];
      expect([...heldCandles([candles])[0]!], `seed ${seed}`).toEqual(expected);
      holds += expected.length;
    }
    expect(holds).toBeGreaterThan(1_000);
  });
});
