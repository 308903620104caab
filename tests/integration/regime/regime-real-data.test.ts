import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Candle, Timeframe } from '../../../shared/domain/candle.js';
import { rawRegimes, regimeAt, regimeSeries, type Regime } from '../../../shared/domain/regime.js';
import { RegimeConfig, regimeParams } from '../../../shared/domain/regime-policy.js';
import { readCandleDir, replayDataDir } from '../../../shared/local/candle-files.js';

// The detector with the policy defaults on real Binance candles: the repository's shipped 17-20 May 2021 1m
// data, and the team folder's 5m files (../shared/data/market, see its SOURCES.md) for 2025.
const P = regimeParams(RegimeConfig.parse({}));
const TEAM = fileURLToPath(new URL('../../../../shared/data/market', import.meta.url));
const team = existsSync(`${TEAM}/binance_BTC-USDT_5m.csv.gz`);
if (!team) console.warn(`regime real-data tests on 2025 5m candles skipped: ${TEAM} is absent`);

const load = async (dir: string, symbols: string[], tf: Timeframe, from: string, to: string) => readCandleDir(dir, symbols, tf, { from: Date.parse(from), to: Date.parse(to) });
/** The regime at the close of the candle opening at `iso`, read as the risk function reads it (candles up to it). */
function at(candles: readonly Candle[], iso: string, leader?: readonly Candle[]): Regime | undefined {
  const i = candles.findIndex((c) => c.openTime === Date.parse(iso));
  if (i < 0) throw new Error(`no candle at ${iso}`);
  return regimeAt(candles.slice(0, i + 1), P, leader);
}
const switches = (xs: readonly (Regime | undefined)[]) => xs.reduce((n, x, i) => n + (i > 0 && x !== xs[i - 1] ? 1 : 0), 0);

describe('regime detection on real data', () => {
  it('reads the 19 May 2021 crash (BTC 1m, 40k → 30k between 12:00 and 13:30 UTC) as crisis, and the morning before as not', async () => {
    const { 'BTC/USDT': btc } = await load(replayDataDir(), ['BTC/USDT'], '1m', '2021-05-17', '2021-05-20');
    for (const t of ['2021-05-19T12:30:00Z', '2021-05-19T13:00:00Z', '2021-05-19T13:30:00Z', '2021-05-19T14:00:00Z']) expect(at(btc!, t), t).toBe('crisis');
    expect(at(btc!, '2021-05-19T10:00:00Z')).not.toBe('crisis');
  });

  it('reads ETH and SOL as crisis at the 19 May 2021 crash too (13:00 UTC)', async () => {
    const data = await load(replayDataDir(), ['ETH/USDT', 'SOL/USDT'], '1m', '2021-05-17', '2021-05-20');
    expect(at(data['ETH/USDT']!, '2021-05-19T13:00:00Z')).toBe('crisis');
    expect(at(data['SOL/USDT']!, '2021-05-19T13:00:00Z')).toBe('crisis');
  });

  it.skipIf(!team)('reads BNB as crisis at the start of the 10 Oct 2025 cascade (20:55 UTC) only with BTC as the leader', async () => {
    const { 'BTC/USDT': btc, 'BNB/USDT': bnb } = await load(TEAM, ['BTC/USDT', 'BNB/USDT'], '5m', '2025-10-01', '2025-10-12');
    expect(at(bnb!, '2025-10-10T20:55:00Z')).not.toBe('crisis');
    expect(at(bnb!, '2025-10-10T20:55:00Z', btc)).toBe('crisis');
  });

  it.skipIf(!team)('reads the 10 Oct 2025 liquidation cascade (BTC 5m, 117k → 102k from 20:50 UTC) as crisis, and the afternoon before as not', async () => {
    const { 'BTC/USDT': btc } = await load(TEAM, ['BTC/USDT'], '5m', '2025-10-01', '2025-10-12');
    for (const t of ['2025-10-10T21:15:00Z', '2025-10-10T21:30:00Z', '2025-10-11T00:00:00Z']) expect(at(btc!, t), t).toBe('crisis');
    expect(at(btc!, '2025-10-10T15:00:00Z')).not.toBe('crisis');
  });

  it.skipIf(!team)('reads the calm climb of 10 Jul 2025 (BTC 5m, 111k → 116k, 18:00-00:00 UTC) as trending, never as crisis', async () => {
    const { 'BTC/USDT': btc } = await load(TEAM, ['BTC/USDT'], '5m', '2025-07-01', '2025-07-12');
    const from = btc!.findIndex((c) => c.openTime === Date.parse('2025-07-10T18:30:00Z'));
    const to = btc!.findIndex((c) => c.openTime === Date.parse('2025-07-11T00:00:00Z'));
    const series = regimeSeries(btc!, P).slice(from, to + 1);
    expect(series.filter((r) => r === 'trending').length / series.length).toBeGreaterThan(0.8);
    expect(series).not.toContain('crisis');
  });

  it.skipIf(!team)('does not flap: two months of BTC 5m switch regime under a third as often as the raw classes, and less than once per confirmCandles', async () => {
    const { 'BTC/USDT': btc } = await load(TEAM, ['BTC/USDT'], '5m', '2025-01-01', '2025-03-01');
    const raw = rawRegimes(btc!, P);
    const smooth = regimeSeries(btc!, P);
    expect(switches(smooth)).toBeLessThan(switches(raw) / 3);
    expect(switches(smooth)).toBeLessThan(btc!.length / P.confirmCandles);
  });
});
