import { beforeEach, describe, expect, it } from 'vitest';
import { decideIntent } from '../../../shared/services/decide-intent.js';
import { buildWorld, candlesEndingAt, editLedger, heartbeat, intentFor, latestClose, ledgerHolding, seedBook, setPolicy, UNPACED, type World } from './support.js';

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';
/** Small windows: 64 candles of history are enough. */
const DETECTOR = {
  erPeriod: 10, volPeriod: 5, volLookback: 40, crashWindow: 10, crashDropPct: 5, crisisVolPercentile: 90,
  confirmCandles: 3, crisisHoldCandles: 5, smoothingWindow: 20,
};
const calm = (first: number) => Array.from({ length: 64 }, (_, i) => first * (1 + (i % 2 ? 0.0005 : -0.0005)));
const crash = (first: number) => [...calm(first).slice(0, 59), first * 0.98, first * 0.96, first * 0.94, first * 0.93, first * 0.92];

let w: World;
let close: number;

async function seed(symbol: string, closes: number[]): Promise<void> {
  const last = closes.at(-1)!;
  await w.market.putCandles(candlesEndingAt(symbol, closes, close));
  await seedBook(w, symbol, String(last - 0.01), String(last));
}

beforeEach(async () => {
  w = buildWorld();
  close = latestClose(w.clock.now());
  await heartbeat(w);
});

describe('decideIntent with the regime gate on', () => {
  it('refuses an entry with REGIME_BLOCKED when the stored candles read as crisis, and lets the exit out', async () => {
    await setPolicy(w, { symbols: [BTC, ETH], ...UNPACED, regime: { enabled: true, ...DETECTOR } });
    await seed(BTC, crash(50_000));
    const entry = await decideIntent(w, intentFor(BTC, 'entry', close));
    expect(entry.approved).toBe(false);
    expect(entry.reasons.map((r) => r.code)).toEqual(['REGIME_BLOCKED']);
    await editLedger(w, () => ledgerHolding(BTC, '0.004', '200', close));
    const exit = await decideIntent(w, intentFor(BTC, 'exit', close + 60_000));
    expect(exit.reasons).toEqual([]);
  });

  it('blocks an entry on a calm symbol while the leader (BTC/USDT) is in crisis', async () => {
    await setPolicy(w, { symbols: [BTC, ETH], ...UNPACED, regime: { enabled: true, ...DETECTOR } });
    await seed(BTC, crash(50_000));
    await seed(ETH, calm(3_000));
    expect((await decideIntent(w, intentFor(ETH, 'entry', close))).reasons.map((r) => r.code)).toEqual(['REGIME_BLOCKED']);
  });

  it('approves the same entry with the gate off, and a reduced cell halves its size', async () => {
    await seed(BTC, crash(50_000));
    await seed(ETH, calm(3_000));
    await setPolicy(w, { symbols: [BTC, ETH], ...UNPACED });
    const off = await decideIntent(w, intentFor(BTC, 'entry', close));
    expect(off.reasons).toEqual([]);
    await setPolicy(w, { symbols: [BTC, ETH], ...UNPACED, regime: { enabled: true, leader: null, ...DETECTOR, matrix: { momentum: { 'mean-reverting': 'reduced:0.5' } } } });
    const reduced = await decideIntent(w, intentFor(ETH, 'entry', close));
    expect(reduced.approved).toBe(true);
    const full = 10_000 * 0.02;
    expect(Number(reduced.notional)).toBeGreaterThan(full / 2 - 1);
    expect(Number(reduced.notional)).toBeLessThanOrEqual(full / 2);
  });
});
