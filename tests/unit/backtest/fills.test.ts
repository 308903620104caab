import { describe, expect, it } from 'vitest';
import { candles, run, signalAt, testPolicy, ZIGZAG } from './fixtures.js';

const BTC = 'BTC/USDT';
/** The paper venue's default v2 model: 5 bps fixed, impact 0.1, at most 10 % of the decision candle's volume. */
const V2 = { paper: { slippageBps: 5, impactCoefficient: 0.1, maxVolumeParticipationPct: 10 } };

describe('backtest fills (the paper venue\'s market order, fill-model v2)', () => {
  const base = candles(BTC, ZIGZAG);
  const k = signalAt(base, false)[0]!;

  it('caps the fill at 10 % of the decision candle\'s volume and slips by fixed + square-root impact', () => {
    // The decision candle k trades 10 BTC, the fill candle k+1 (whose open is the price) 1000: the cap reads candle k.
    const series = base.map((c, i) => (i === k ? { ...c, volume: 10 } : i === k + 1 ? { ...c, volume: 1000 } : c));
    const out = run(testPolicy(V2), { [BTC]: series });
    const open = series[k + 1]!.open;
    // 2 % stake of 10 000 at ~100 wants ~2 BTC; the cap is 1 BTC. slip = 0.0005 + 0.1 × √(1 / 10) = 0.03212277660…
    const expected = Math.ceil(open * (1 + 0.0005 + 0.1 * Math.sqrt(0.1)) * 100) / 100;
    expect(out.trades[0]).toMatchObject({ entryTime: series[k + 1]!.openTime, quantity: '1', entryPrice: String(expected) });
  });

  it('is the v1 model when impact is 0 and the cap is the whole volume (the fixtures\' default)', () => {
    const out = run(testPolicy(), { [BTC]: base });
    expect(out.trades[0]).toMatchObject({ entryTime: base[k + 1]!.openTime, entryPrice: String(base[k + 1]!.open) });
    expect(Number(out.trades[0]!.quantity)).toBeGreaterThan(1);
  });

  it('leaves an order unfilled (NO_LIQUIDITY) when its decision candle traded nothing', () => {
    const series = base.map((c, i) => (i === k ? { ...c, volume: 0 } : c));
    const out = run(testPolicy(V2), { [BTC]: series });
    expect(out.unfilled.NO_LIQUIDITY).toBe(1);
    expect(out.trades.every((t) => t.entryTime !== series[k + 1]!.openTime)).toBe(true);
  });
});
