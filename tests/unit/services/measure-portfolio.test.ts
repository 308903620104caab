import { beforeEach, describe, expect, it } from 'vitest';
import { money } from '../../../shared/domain/money.js';
import { measurePortfolio } from '../../../shared/services/measure-portfolio.js';
import {
  buildWorld, editLedger, ledgerHolding, M, seedBook, setPolicy, storedLedger, type World,
} from './support.js';

const BTC = 'BTC/USDT';

let w: World;
beforeEach(async () => {
  w = buildWorld();
  await setPolicy(w, { symbols: [BTC], lossLimits: { maxDrawdownPct: 10 } });
  // 0.1 BTC bought for 5 000 out of 10 000: equity = 5 000 + 0.1 × bid.
  await editLedger(w, () => ledgerHolding(BTC, '0.1', '5000', w.clock.now()));
});

/** Marks BTC at `bid` a minute later and measures. */
async function measureAt(bid: string) {
  w.clock.advance(M);
  await seedBook(w, BTC, bid, money(Number(bid) + 0.01));
  return measurePortfolio(w);
}

describe('measurePortfolio', () => {
  it('raises peakEquity to a new high and reports equity, PnL and exposure', async () => {
    const snap = await measureAt('60000');
    expect(snap).toMatchObject({
      equity: '11000', cash: '5000', unrealizedPnl: '1000', drawdownPct: 0, openPositions: 1, killSwitch: 'ARMED', tripped: false,
    });
    expect(snap.exposurePct).toBeCloseTo(54.545, 3);
    expect(money((await storedLedger(w)).value.peakEquity)).toBe('11000');
  });

  it('never lowers peakEquity when equity falls', async () => {
    await measureAt('60000');
    await measureAt('59000');
    expect(money((await storedLedger(w)).value.peakEquity)).toBe('11000');
  });

  it.each([
    { bid: '50000', equity: '10000', drawdown: 9.0909, trips: false }, // within maxDrawdownPct 10
    { bid: '48000', equity: '9800', drawdown: 10.909, trips: true },
  ])('after a peak of 11 000, equity $equity (drawdown ≈ $drawdown%) trips the switch: $trips', async ({ bid, equity, drawdown, trips }) => {
    await measureAt('60000');
    const snap = await measureAt(bid);
    expect(snap.equity).toBe(equity);
    expect(snap.drawdownPct).toBeCloseTo(drawdown, 3);
    expect(snap.tripped).toBe(trips);
    expect(snap.killSwitch).toBe(trips ? 'TRIPPED' : 'ARMED');
    expect((await w.state.getKillSwitch())?.value.status ?? 'ARMED').toBe(trips ? 'TRIPPED' : 'ARMED');
    expect(w.alerts.ofKind('KILL_SWITCH_TRIPPED')).toHaveLength(trips ? 1 : 0);
  });

  it('trips the kill switch with a critical alert naming the drawdown, recorded as by metrics', async () => {
    await measureAt('60000');
    await measureAt('48000');
    const ks = (await w.state.getKillSwitch())!.value;
    expect(ks).toMatchObject({ status: 'TRIPPED', changedBy: 'metrics', tripCount: 1 });
    expect(ks.reason).toContain('maxDrawdownPct 10');
    const [alert] = w.alerts.ofKind('KILL_SWITCH_TRIPPED');
    expect(alert).toMatchObject({ severity: 'critical', details: { equity: '9800', peakEquity: '11000' } });
  });

  it('does not trip twice or alert again while the drawdown persists', async () => {
    await measureAt('60000');
    await measureAt('48000');
    const after = await w.state.getKillSwitch();
    const again = await measureAt('47000');
    expect(again).toMatchObject({ tripped: false, killSwitch: 'TRIPPED' });
    expect(await w.state.getKillSwitch()).toEqual(after);
    expect(w.alerts.ofKind('KILL_SWITCH_TRIPPED')).toHaveLength(1);
  });
});
