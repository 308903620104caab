import type { ClosedTrade } from '../../../shared/domain/ledger.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { keys } from '../../../shared/adapters/codec.js';
import { PAPER_MARKETS } from '../../../shared/adapters/paper-markets.js';
import { tripKillSwitch } from '../../../shared/domain/kill-switch.js';
import { reserve } from '../../../shared/domain/ledger.js';
import type { MarketInfo } from '../../../shared/domain/market.js';
import { dec, money } from '../../../shared/domain/money.js';
import { orderIdFor } from '../../../shared/domain/order.js';
import { decideIntent } from '../../../shared/services/decide-intent.js';
import {
  buildWorld, editLedger, intentFor, latestClose, ledgerHolding, M, reservedTotal, seedBook, seedMarket, setPolicy, storedLedger, UNPACED,
  trade, type World,
} from './support.js';

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';

let w: World;
let close: number;
beforeEach(async () => {
  w = buildWorld();
  close = latestClose(w.clock.now());
  await setPolicy(w, { symbols: [BTC, ETH], ...UNPACED });
  await seedMarket(w, BTC, '49999.99', '50000');
});

async function trip(world: World): Promise<void> {
  const ks = await world.state.getKillSwitch();
  const ok = await world.state.putKillSwitch(tripKillSwitch(ks?.value, { reason: 'test', by: 'operator', at: world.clock.now() }), ks?.version ?? 0);
  if (!ok) throw new Error('could not trip the kill switch');
}

describe('decideIntent', () => {
  it('approves an entry, reserves notional plus taker fee, and sends the order with dedup id = order id', async () => {
    const intent = intentFor(BTC, 'entry', close);
    const decision = await decideIntent(w, intent);
    const orderId = orderIdFor(intent.intentId);
    // 2% of 10 000 equity at ask 50 000 = 0.004 BTC = 200 USDT; reserved 200 × 1.001.
    expect(decision).toMatchObject({ approved: true, reasons: [], quantity: '0.004', notional: '200' });
    expect(decision.order).toMatchObject({ orderId, side: 'buy', kind: 'entry', quantity: '0.004', reservedNotional: '200.2', mode: 'PAPER' });
    const ledger = (await storedLedger(w)).value;
    expect(Object.keys(ledger.reservations)).toEqual([orderId]);
    expect(money(ledger.reservations[orderId]!.notional)).toBe('200.2');
    expect(w.orders.sent).toEqual([{ body: decision.order, groupId: BTC, deduplicationId: orderId }]);
    expect(await w.state.getDecision(intent.intentId)).toEqual(decision);
  });

  it('returns the stored decision for a redelivered intent and re-sends the same order without reserving again', async () => {
    const intent = intentFor(BTC, 'entry', close);
    const first = await decideIntent(w, intent);
    const ledgerAfterFirst = await storedLedger(w);
    await trip(w); // would reject a fresh decision: the stored one must win
    w.clock.advance(30_000);
    const second = await decideIntent(w, intent);
    expect(second).toEqual(first);
    expect(await storedLedger(w)).toEqual(ledgerAfterFirst);
    expect(w.orders.attempts).toHaveLength(2);
    expect(w.orders.attempts[1]).toEqual(w.orders.attempts[0]);
    expect(w.orders.sent).toHaveLength(1);
  });

  it('reserves once when an intent is redelivered after a crash between the reservation and the decision record', async () => {
    const intent = intentFor(BTC, 'entry', close);
    const orderId = orderIdFor(intent.intentId);
    await editLedger(w, (l) => reserve(l, { orderId, symbol: BTC, side: 'buy', notional: dec('200.2'), createdAt: w.clock.now() }));
    const decision = await decideIntent(w, intent);
    expect(decision.approved).toBe(true);
    const ledger = (await storedLedger(w)).value;
    expect(Object.keys(ledger.reservations)).toEqual([orderId]);
    expect(money(reservedTotal(ledger))).toBe('200.2');
  });

  it('releases a reservation left by a crashed earlier delivery when the redelivered intent is rejected', async () => {
    const intent = intentFor(BTC, 'entry', close);
    const orderId = orderIdFor(intent.intentId);
    await editLedger(w, (l) => reserve(l, { orderId, symbol: BTC, side: 'buy', notional: dec('200.2'), createdAt: w.clock.now() }));
    await trip(w);
    const decision = await decideIntent(w, intent);
    expect(decision.reasons.map((r) => r.code)).toEqual(['KILL_SWITCH_NOT_ARMED']);
    expect((await storedLedger(w)).value.reservations).toEqual({});
  });

  it('rejects an entry with KILL_SWITCH_NOT_ARMED while the switch is tripped: nothing reserved, nothing sent', async () => {
    await trip(w);
    const decision = await decideIntent(w, intentFor(BTC, 'entry', close));
    expect(decision.approved).toBe(false);
    expect(decision.reasons.map((r) => r.code)).toEqual(['KILL_SWITCH_NOT_ARMED']);
    expect(decision.order).toBeUndefined();
    expect((await storedLedger(w)).value.reservations).toEqual({});
    expect(w.orders.attempts).toEqual([]);
  });

  it.each([
    { allowExitsWhenHalted: true, approved: true, codes: [] },
    { allowExitsWhenHalted: false, approved: false, codes: ['KILL_SWITCH_NOT_ARMED'] },
  ])('with allowExitsWhenHalted=$allowExitsWhenHalted, an exit while tripped is approved=$approved', async ({ allowExitsWhenHalted, approved, codes }) => {
    await setPolicy(w, { symbols: [BTC, ETH], risk: { allowExitsWhenHalted }, ...UNPACED });
    await editLedger(w, () => ledgerHolding(BTC, '0.004', '200.2', w.clock.now()));
    await trip(w);
    const decision = await decideIntent(w, intentFor(BTC, 'exit', close));
    expect(decision.approved).toBe(approved);
    expect(decision.reasons.map((r) => r.code)).toEqual(codes);
    expect(w.orders.sent.map((m) => [m.body.side, m.body.quantity])).toEqual(approved ? [['sell', '0.004']] : []);
  });

  it('refuses a buy labelled exit while TRIPPED, built in-process past the queue schema: nothing reserved, nothing sent', async () => {
    await editLedger(w, () => ledgerHolding(BTC, '0.004', '200.2', w.clock.now()));
    await trip(w);
    const forged = { ...intentFor(BTC, 'entry', close), kind: 'exit' as const };
    const decision = await decideIntent(w, forged);
    expect(decision.approved).toBe(false);
    expect(decision.reasons.map((r) => r.code)).toContain('KILL_SWITCH_NOT_ARMED');
    expect(decision.kind).toBe('entry');
    expect((await storedLedger(w)).value.reservations).toEqual({});
    expect(w.orders.attempts).toEqual([]);
  });

  it('rejects with NO_MARKET_PRICE when the symbol has no top of book', async () => {
    const decision = await decideIntent(w, intentFor(ETH, 'entry', close));
    expect(decision.approved).toBe(false);
    expect(decision.reasons.map((r) => r.code)).toEqual(['NO_MARKET_PRICE']);
    expect(w.orders.attempts).toEqual([]);
    expect((await storedLedger(w)).value.reservations).toEqual({});
  });

  it.each([
    { item: 'ledger', plant: { ...keys.ledger, doc: { cash: 'plenty' }, version: 3 } },
    { item: 'kill switch', plant: { ...keys.killSwitch, doc: { status: 'MAYBE' }, version: 1 } },
  ])('fails closed on an unreadable $item: rejected STATE_UNREADABLE decision, critical alert, no order', async ({ plant }) => {
    w.state.plantItem(plant);
    const intent = intentFor(BTC, 'entry', close);
    const decision = await decideIntent(w, intent);
    expect(decision.approved).toBe(false);
    expect(decision.reasons.map((r) => r.code)).toEqual(['STATE_UNREADABLE']);
    expect(await w.state.getDecision(intent.intentId)).toEqual(decision);
    const alerts = w.alerts.ofKind('STATE_UNREADABLE');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.severity).toBe('critical');
    expect(w.orders.attempts).toEqual([]);
  });

  it('does not approve a second entry for a symbol whose first entry order is still pending', async () => {
    await decideIntent(w, intentFor(BTC, 'entry', close)); // approved; its order has not filled yet
    w.clock.advance(M);
    await seedBook(w, BTC, '49999.99', '50000');
    const second = await decideIntent(w, intentFor(BTC, 'entry', close + M));
    // Together the two would hold 4% of equity in BTC, above maxPositionPct 3 (and v1 does not pyramid).
    expect(second.approved).toBe(false);
    expect(w.orders.sent).toHaveLength(1);
  });

  it('rejects a second entry once the first has filled (position already open)', async () => {
    await trade(w, intentFor(BTC, 'entry', close));
    w.clock.advance(M);
    await seedBook(w, BTC, '49999.99', '50000');
    const second = await decideIntent(w, intentFor(BTC, 'entry', close + M));
    expect(second.reasons.map((r) => r.code)).toContain('POSITION_ALREADY_OPEN');
  });

  it('holds maxTotalExposurePct under 20 concurrent decisions for 20 symbols against one store', async () => {
    const symbols = Array.from({ length: 20 }, (_, i) => `C${String(i).padStart(2, '0')}/USDT`);
    const markets: Record<string, MarketInfo> = { ...PAPER_MARKETS };
    for (const s of symbols) {
      markets[s] = { ...PAPER_MARKETS[BTC]!, symbol: s, base: s.slice(0, 3), amountStep: '0.001', minAmount: '0.001' };
    }
    w = buildWorld({ markets });
    await setPolicy(w, { symbols, risk: { stakePct: 2, maxPositionPct: 3, maxTotalExposurePct: 9, maxOpenPositions: 20 }, ...UNPACED });
    for (const s of symbols) await seedMarket(w, s, '99.99', '100');

    const decisions = await Promise.all(symbols.map((s) => decideIntent(w, intentFor(s, 'entry', close))));

    // Each entry is 2 BTC-like units at 100 = 200 notional, reserving 200.2; the cap is 9% of 10 000 = 900.
    // An entry passes while reserved + 200 <= 900, i.e. with 0..3 reserved already: exactly 4 fit.
    const approved = decisions.filter((d) => d.approved);
    expect(approved).toHaveLength(4);
    expect(decisions.filter((d) => !d.approved).every((d) => d.reasons.some((r) => r.code === 'MAX_TOTAL_EXPOSURE'))).toBe(true);
    const ledger = (await storedLedger(w)).value;
    expect(Object.keys(ledger.reservations).sort()).toEqual(approved.map((d) => d.order!.orderId).sort());
    expect(money(reservedTotal(ledger))).toBe('800.8');
    for (const written of w.state.ledgersWritten) expect(reservedTotal(written).lte(900)).toBe(true);
    expect(w.state.ledgerConflicts).toBeGreaterThan(0); // the decisions really did race
    expect(w.orders.sent).toHaveLength(4);
  });

  it('trips the kill switch at decision time when a trigger is due before the metrics cycle ran, and refuses the entry', async () => {
    // five losing trades in a row just closed (maxConsecutiveLosses 5); the switch is still ARMED
    const losses: ClosedTrade[] = Array.from({ length: 5 }, (_, i) => ({
      symbol: ETH, strategy: 'momentum', quantity: dec('0.1'), pnl: dec('-3'), pnlPct: dec('-1'),
      openedAt: close - 10 * M, closedAt: close - (5 - i) * M, exitReason: 'signal',
    }));
    await editLedger(w, (l) => ({ ...l, trades: losses }));
    const decision = await decideIntent(w, intentFor(BTC, 'entry', close));
    expect(decision.approved).toBe(false);
    expect(decision.reasons.map((r) => r.code)).toContain('KILL_SWITCH_NOT_ARMED');
    const ks = (await w.state.getKillSwitch())!.value;
    expect(ks).toMatchObject({ status: 'TRIPPED', changedBy: 'risk', tripCount: 1 });
    expect(w.alerts.ofKind('KILL_SWITCH_TRIPPED')).toHaveLength(1);
    expect(w.orders.sent).toEqual([]);
  });
});
