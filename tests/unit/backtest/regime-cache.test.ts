import { describe, expect, it } from 'vitest';
import { RegimeCache } from '../../../shared/backtest/regime-cache.js';
import { SeriesPrefix } from '../../../shared/backtest/sim-state.js';
import type { Candle } from '../../../shared/domain/candle.js';
import { regimeAt, regimeCandlesNeeded, type Regime, type RegimeParams } from '../../../shared/domain/regime.js';
import { readCandleDir, replayDataDir } from '../../../shared/local/candle-files.js';

// The backtest's cached regime (each raw class once per symbol) must equal regimeAt on the candles the risk function
// reads (the last regimeCandlesNeeded of the symbol and of the leader) at every close: parity with the pipeline rests on it.

/** Windows short enough that regimeAt at every close stays fast; crisis at a 2 % fall so the leader matters. */
const P: RegimeParams = {
  erPeriod: 12, trendThreshold: 0.3, volPeriod: 6, volLookback: 50, volatilePercentile: 80, crashWindow: 20, crashDropPct: 2,
  crisisVolPercentile: 85, confirmCandles: 4, crisisHoldCandles: 8, smoothingWindow: 25,
};
const LEADER = 'BTC/USDT';

/** Advances every symbol's history in time order and compares the cache with regimeAt at each of its closes. */
function compare(data: Record<string, Candle[]>): { readonly compared: number; readonly seen: Set<Regime | undefined> } {
  const cache = new RegimeCache(P);
  const need = regimeCandlesNeeded(P);
  const symbols = Object.keys(data);
  const seen = new Map(symbols.map((s) => [s, new SeriesPrefix(data[s]!)]));
  const times = [...new Set(symbols.flatMap((s) => data[s]!.map((c) => c.openTime)))].sort((a, b) => a - b);
  const cursor = new Map(symbols.map((s) => [s, 0]));
  const regimes = new Set<Regime | undefined>();
  let compared = 0;
  for (const t of times) {
    const moved = symbols.filter((s) => data[s]![cursor.get(s)!]?.openTime === t);
    for (const s of moved) { seen.get(s)!.advance(data[s]![cursor.get(s)!]!); cursor.set(s, cursor.get(s)! + 1); }
    for (const s of moved) {
      const own = seen.get(s)!;
      const leader = s === LEADER ? undefined : seen.get(LEADER);
      const want = regimeAt(own.slice(-need), P, leader?.slice(-need));
      const got = cache.at(s, own, leader ? { symbol: LEADER, seen: leader } : undefined);
      if (got !== want) throw new Error(`${s} at ${new Date(t).toISOString()}: cache ${got}, regimeAt ${want}`);
      regimes.add(got);
      compared++;
    }
  }
  return { compared, seen: regimes };
}

describe('RegimeCache = regimeAt', () => {
  it('at every close of BTC, ETH and SOL (BTC the leader) on 18-19 May 2021, crash included', async () => {
    const data = await readCandleDir(replayDataDir(), ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], '1m', { from: Date.UTC(2021, 4, 18, 18), to: Date.UTC(2021, 4, 19, 16) });
    const out = compare(data as Record<string, Candle[]>);
    expect(out.compared).toBeGreaterThan(3000);
    expect(out.seen).toEqual(new Set([undefined, 'crisis', 'trending', 'volatile', 'mean-reverting']));
  });

  it('with gaps in the symbol and in the leader at different times (the leader window then covers other candles)', async () => {
    const data = await readCandleDir(replayDataDir(), ['BTC/USDT', 'ETH/USDT'], '1m', { from: Date.UTC(2021, 4, 19, 9), to: Date.UTC(2021, 4, 19, 15) });
    const cut = (cs: readonly Candle[], from: number, to: number) => cs.filter((c) => c.openTime < Date.UTC(2021, 4, 19, ...hm(from)) || c.openTime >= Date.UTC(2021, 4, 19, ...hm(to)));
    const gapped = {
      'BTC/USDT': cut(data['BTC/USDT']!, 1130, 1215),
      'ETH/USDT': cut(cut(data['ETH/USDT']!, 1000, 1007), 1250, 1340),
    };
    expect(compare(gapped).compared).toBeGreaterThan(500);
  });

  it('where the symbol\'s window reaches back past a gap to a leader crisis older than the leader\'s own window', () => {
    const zig = (m: number) => 100 + (m % 2 ? 0.05 : -0.05);
    const minutes = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
    const leader = series(LEADER, minutes(0, 160), (m) => (m >= 100 && m < 105 ? 100 * 0.97 ** (m - 99) : zig(m)));
    const own = series('ETH/USDT', [...minutes(0, 105), ...minutes(140, 160)], zig);
    const out = compare({ [LEADER]: leader, 'ETH/USDT': own });
    expect(out.compared).toBeGreaterThan(250);
    const cache = new RegimeCache(P);
    const at = (n: number) => cache.at('ETH/USDT', own.slice(0, n), { symbol: LEADER, seen: leader.filter((c) => c.openTime <= own[n - 1]!.openTime) });
    expect(at(101)).toBe('crisis');
    expect(at(106)).not.toBe('crisis');
  });
});

/** Candles of `symbol` at the given minutes from closes (high = close). */
function series(symbol: string, minutes: readonly number[], close: (m: number) => number): Candle[] {
  return minutes.map((m) => ({ symbol, timeframe: '1m', openTime: m * 60_000, open: close(m), high: close(m), low: close(m), close: close(m), volume: 1 }));
}

function hm(x: number): [number, number] {
  return [Math.floor(x / 100), x % 100];
}
