import { beforeEach, describe, expect, it } from 'vitest';
import { initialKillSwitch, tripKillSwitch } from '../../../shared/domain/kill-switch.js';
import type { ClosedTrade } from '../../../shared/domain/ledger.js';
import { dec, money } from '../../../shared/domain/money.js';
import { executeOrder } from '../../../shared/services/execute-order.js';
import { measurePortfolio } from '../../../shared/services/measure-portfolio.js';
import { resetKillSwitchNow, tripKillSwitchNow } from '../../../shared/services/trip-kill-switch.js';
import {
  approve, buildWorld, editLedger, intentFor, latestClose, ledgerHolding, M, seedBook, seedMarket, setPolicy, storedLedger, trade,
  UNPACED, type World,
} from './support.js';

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';
/** Loss limits off but drawdown: the cases that are not about a given trigger keep it out of the way. */
const DRAWDOWN_ONLY = { maxDrawdownPct: 10, dailyStopPct: null, weeklyStopPct: null };

let w: World;
beforeEach(async () => {
  w = buildWorld();
  await setPolicy(w, { symbols: [BTC], lossLimits: DRAWDOWN_ONLY });
  // 0.1 BTC bought for 5 000 out of 10 000: equity = 5 000 + 0.1 × bid.
  await editLedger(w, () => ledgerHolding(BTC, '0.1', '5000', w.clock.now()));
});

/** Marks BTC at `bid` a minute later and measures. */
async function measureAt(bid: string) {
  w.clock.advance(M);
  await seedBook(w, BTC, bid, money(Number(bid) + 0.01));
  return measurePortfolio(w);
}

const loss = (closedAt: number): ClosedTrade => ({
  symbol: BTC, quantity: dec('0.001'), pnl: dec('-1'), pnlPct: dec('-2'), openedAt: closedAt - M, closedAt, exitReason: 'signal',
});

describe('measurePortfolio: the ledger upkeep', () => {
  it('raises peakEquity to a new high and reports equity, PnL and exposure', async () => {
    const snap = await measureAt('60000');
    expect(snap).toMatchObject({
      equity: '11000', cash: '5000', unrealizedPnl: '1000', drawdownPct: 0, openPositions: 1, killSwitch: 'ARMED', tripped: false,
    });
    expect(snap.exposurePct).toBeCloseTo(54.545, 3);
    expect(money((await storedLedger(w)).value.peakEquity)).toBe('11000');
  });

  it('never lowers peakEquity or a high-water mark when prices fall', async () => {
    await measureAt('60000');
    await measureAt('59000');
    const l = (await storedLedger(w)).value;
    expect(money(l.peakEquity)).toBe('11000');
    expect(money(l.positions[BTC]!.highWaterMark!)).toBe('60000');
  });

  it('rolls the periods, raises the peaks and high-water marks in one ledger write, and writes nothing when nothing changed', async () => {
    const before = w.state.ledgersWritten.length;
    await measureAt('60000');
    expect(w.state.ledgersWritten.length).toBe(before + 1);
    const l = (await storedLedger(w)).value;
    const day = Date.UTC(2024, 2, 1);
    expect(l.day).toEqual({ start: day, startEquity: dec('11000'), peakEquity: dec('11000') });
    expect(l.week).toEqual({ start: Date.UTC(2024, 1, 26), startEquity: dec('11000'), peakEquity: dec('11000') }); // Monday
    expect(money(l.positions[BTC]!.highWaterMark!)).toBe('60000');

    await measureAt('60000');
    expect(w.state.ledgersWritten.length).toBe(before + 1);
    await measureAt('61000');
    expect(w.state.ledgersWritten.length).toBe(before + 2);
    expect((await storedLedger(w)).value.day).toEqual({ start: day, startEquity: dec('11000'), peakEquity: dec('11100') });
  });

  it('stores the protection locks the journal implies and drops them once expired', async () => {
    const exitAt = w.clock.now();
    const win: ClosedTrade = { ...loss(exitAt), pnl: dec('5'), pnlPct: dec('1') };
    await editLedger(w, (l) => ({ ...l, trades: [win] }));
    const snap = await measureAt('50000');
    expect(snap.activeLocks).toBe(1);
    expect((await storedLedger(w)).value.locks).toEqual([
      { scope: BTC, protection: 'cooldown', reason: expect.any(String), createdAt: exitAt, until: exitAt + 15 * M },
    ]);
    w.clock.t = exitAt + 15 * M - M; // measureAt adds the minute: exactly at `until`
    expect((await measureAt('50000')).activeLocks).toBe(0);
    expect((await storedLedger(w)).value.locks).toEqual([]);
  });

  it('keeps the loss-limit day apart at UTC midnight: a drop from yesterday\'s peak is no loss today', async () => {
    await setPolicy(w, { symbols: [BTC], lossLimits: { dailyStopPct: -3, weeklyStopPct: null, maxDrawdownPct: null } });
    w.clock.t = Date.UTC(2024, 2, 1, 23, 58, 5);
    await measureAt('60000'); // 23:59:05, equity 11 000
    const snap = await measureAt('56000'); // 00:00:05, equity 10 600: −3.6% from yesterday's peak
    expect(snap.tripped).toBe(false);
    expect((await storedLedger(w)).value.day).toEqual({ start: Date.UTC(2024, 2, 2), startEquity: dec('10600'), peakEquity: dec('10600') });
  });
});

describe('measurePortfolio: automatic kill switch trips', () => {
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
    expect(alert).toMatchObject({ severity: 'critical', details: { equity: '9800', peakEquity: '11000', code: 'MAX_DRAWDOWN', by: 'metrics' } });
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

  it.each([
    { limits: { dailyStopPct: -3, weeklyStopPct: null }, bid: '56700', code: 'DAILY_LOSS_LIMIT' }, // 10 670: −3% from 11 000
    { limits: { dailyStopPct: -3, weeklyStopPct: null }, bid: '56701', code: undefined },
    { limits: { dailyStopPct: null, weeklyStopPct: -7 }, bid: '52300', code: 'WEEKLY_LOSS_LIMIT' }, // 10 230: −7%
    { limits: { dailyStopPct: null, weeklyStopPct: -7 }, bid: '52301', code: undefined },
  ])('after equity peaked at 11 000 today, a mark at $bid trips: $code', async ({ limits, bid, code }) => {
    await setPolicy(w, { symbols: [BTC], lossLimits: { ...limits, maxDrawdownPct: null } });
    await measureAt('60000');
    const snap = await measureAt(bid);
    expect(snap.trip?.code).toBe(code);
    expect(w.alerts.ofKind('KILL_SWITCH_TRIPPED').map((a) => a.details?.['code'])).toEqual(code ? [code] : []);
  });

  it('trips on maxConsecutiveLosses losing trades in a row, once', async () => {
    const now = w.clock.now();
    await editLedger(w, (l) => ({ ...l, trades: [1, 2, 3, 4, 5].map((i) => loss(now - 10 * M + i)) })); // default limit 5
    const snap = await measureAt('50000');
    expect(snap.trip).toMatchObject({ code: 'CONSECUTIVE_LOSSES' });
    expect((await w.state.getKillSwitch())?.value.reason).toContain('5 losing trades in a row');
    expect((await measureAt('50000')).tripped).toBe(false);
    expect(w.alerts.ofKind('KILL_SWITCH_TRIPPED')).toHaveLength(1);
  });

  it('trips on a burst of errorBurstCount exchange errors within the window', async () => {
    const now = w.clock.now() + M;
    await w.state.putExchangeHealth({ consecutiveFailures: 5, recentErrors: [0, 1, 2, 3, 4].map((i) => now - 299_000 + i), updatedAt: now }, 0);
    expect((await measureAt('50000')).trip?.code).toBe('ERROR_BURST');
  });

  it('ignores an error burst that happened before the last operator reset, but not a new one', async () => {
    await setPolicy(w, { symbols: [BTC], lossLimits: DRAWDOWN_ONLY, killSwitch: { cooldownSeconds: 0 } });
    const now = w.clock.now();
    const burst = (at: number) => [1, 2, 3, 4, 5].map((i) => at - 10 + i);
    await w.state.putExchangeHealth({ consecutiveFailures: 0, recentErrors: burst(now), updatedAt: now }, 0);
    await w.state.putKillSwitch(tripKillSwitch(undefined, { reason: 'burst', by: 'metrics', at: now }), 0);
    await resetKillSwitchNow(w, { by: 'alice', reason: 'exchange recovered' });
    const snap = await measureAt('50000'); // a minute later: the burst is still inside the 300 s window
    expect(snap).toMatchObject({ killSwitch: 'ARMED', tripped: false });

    const h = (await w.state.getExchangeHealth())!;
    await w.state.putExchangeHealth({ ...h.value, recentErrors: [...h.value.recentErrors, ...burst(w.clock.now())] }, h.version);
    expect((await measureAt('50000')).trip?.code).toBe('ERROR_BURST');
  });
});

describe('measurePortfolio: state reads', () => {
  it('reads the exchange-health item once per cycle while ARMED, for the triggers and the gauges alike', async () => {
    const now = w.clock.now();
    await w.state.putExchangeHealth({ consecutiveFailures: 2, recentErrors: [now - 1000], updatedAt: now }, 0);
    let reads = 0;
    const read = w.state.getExchangeHealth.bind(w.state);
    const state = new Proxy(w.state, {
      get: (target, key) => {
        if (key === 'getExchangeHealth') return () => { reads++; return read(); };
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    w.clock.advance(M);
    await seedBook(w, BTC, '50000', '50000.01');
    const snap = await measurePortfolio({ ...w, state });
    expect(snap).toMatchObject({ killSwitch: 'ARMED', tripped: false });
    expect(snap.gauges).toEqual((await measurePortfolio(w)).gauges);
    expect(reads).toBe(1);
  });
});

describe('tripKillSwitchNow and resetKillSwitchNow', () => {
  let close: number;
  beforeEach(async () => {
    w = buildWorld();
    close = latestClose(w.clock.now());
    await setPolicy(w, { ...UNPACED, symbols: [BTC, ETH] });
    await seedMarket(w, BTC, '49999.99', '50000');
    await seedMarket(w, ETH, '2999.99', '3000');
  });

  /**
   * An OPEN entry (resting buy limit) and an OPEN exit (resting sell limit), both holding reservations: approved
   * under execution.orderType 'limit' 500 bps from the book (execution sends only what a decision approved).
   */
  async function restingOrders(killSwitch: Record<string, unknown> = {}) {
    await trade(w, intentFor(ETH, 'entry', close)); // hold ETH to exit
    await setPolicy(w, { ...UNPACED, symbols: [BTC, ETH], execution: { orderType: 'limit', limitOffsetBps: 500 }, killSwitch });
    const entry = await approve(w, intentFor(BTC, 'entry', close));
    const exit = await approve(w, intentFor(ETH, 'exit', close));
    expect((await executeOrder(w, entry)).status).toBe('OPEN');
    expect((await executeOrder(w, exit)).status).toBe('OPEN');
    return { entry, exit };
  }

  it('cancels open entry orders on the exchange, releasing their reservations, and leaves open exits alone', async () => {
    const { entry, exit } = await restingOrders();
    expect(Object.keys((await storedLedger(w)).value.reservations).sort()).toEqual([entry.orderId, exit.orderId].sort());

    const out = await tripKillSwitchNow(w, { reason: 'operator: exchange incident', by: 'alice' });
    expect(out).toMatchObject({ tripped: true, canceled: [entry.clientOrderId], cancelFailures: [] });
    expect((await w.state.getOrder(entry.orderId))?.value.status).toBe('CANCELED');
    expect((await w.venue.get(entry.clientOrderId))?.value.status).toBe('canceled');
    expect((await w.state.getOrder(exit.orderId))?.value.status).toBe('OPEN');
    expect((await w.venue.get(exit.clientOrderId))?.value.status).toBe('open');
    expect(Object.keys((await storedLedger(w)).value.reservations)).toEqual([exit.orderId]);
    const [alert] = w.alerts.ofKind('KILL_SWITCH_TRIPPED');
    expect(alert).toMatchObject({ severity: 'critical', details: { by: 'alice', code: 'MANUAL', tripCount: 1 } });
  });

  it('cancels open entries when the metrics cycle trips the switch', async () => {
    const { entry } = await restingOrders();
    await w.state.putExchangeHealth({ consecutiveFailures: 0, recentErrors: [1, 2, 3, 4, 5].map((i) => w.clock.now() - i), updatedAt: w.clock.now() }, 0);
    const snap = await measurePortfolio(w);
    expect(snap.trip?.code).toBe('ERROR_BURST');
    expect((await w.state.getOrder(entry.orderId))?.value.status).toBe('CANCELED');
  });

  it('finishes the cancel sweep on the next metrics cycle after a manual kill that could not reach the exchange', async () => {
    const { entry, exit } = await restingOrders();
    // what `stratus kill` does from a laptop: the switch item only, no exchange, no alert
    await w.state.putKillSwitch(tripKillSwitch(initialKillSwitch(), { reason: 'manual', by: 'alice', at: w.clock.now() }), 0);
    const snap = await measurePortfolio(w);
    expect(snap).toMatchObject({ killSwitch: 'TRIPPED', tripped: false });
    expect((await w.state.getOrder(entry.orderId))?.value.status).toBe('CANCELED');
    expect((await w.state.getOrder(exit.orderId))?.value.status).toBe('OPEN');
    expect(Object.keys((await storedLedger(w)).value.reservations)).toEqual([exit.orderId]);
    expect(w.alerts.ofKind('KILL_SWITCH_TRIPPED')).toEqual([]); // the operator's trip is not re-announced
  });

  it('leaves open entries when the policy says not to cancel them on a trip', async () => {
    const { entry } = await restingOrders({ cancelOpenEntriesOnTrip: false });
    expect((await tripKillSwitchNow(w, { reason: 'r', by: 'alice' })).canceled).toEqual([]);
    expect((await w.state.getOrder(entry.orderId))?.value.status).toBe('OPEN');
  });

  it('is idempotent: a second trip neither counts nor alerts again', async () => {
    await tripKillSwitchNow(w, { reason: 'first', by: 'alice' });
    const again = await tripKillSwitchNow(w, { reason: 'second', by: 'bob' });
    expect(again.tripped).toBe(false);
    expect(again.state).toMatchObject({ status: 'TRIPPED', reason: 'first', tripCount: 1 });
    expect(w.alerts.ofKind('KILL_SWITCH_TRIPPED')).toHaveLength(1);
  });

  it('resets to COOLDOWN for killSwitch.cooldownSeconds, recording who and why, and is a no-op when ARMED', async () => {
    expect((await resetKillSwitchNow(w, { by: 'alice', reason: 'nothing to reset' })).reset).toBe(false);
    expect(await w.state.getKillSwitch()).toBeUndefined();
    await tripKillSwitchNow(w, { reason: 'r', by: 'metrics' });
    const out = await resetKillSwitchNow(w, { by: 'alice', reason: 'checked the exchange' });
    expect(out.state).toMatchObject({ status: 'COOLDOWN', changedBy: 'alice', reason: 'checked the exchange', cooldownUntil: w.clock.now() + 900_000 });
    expect(w.alerts.ofKind('KILL_SWITCH_RESET')).toHaveLength(1);
  });
});
