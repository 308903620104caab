import { beforeEach, describe, expect, it } from 'vitest';
import { newOrderRecord, transitionOrder, type OrderRequest } from '../../../shared/domain/order.js';
import { tripKillSwitchNow } from '../../../shared/services/trip-kill-switch.js';
import { approve, buildWorld, intentFor, latestClose, seedMarket, setPolicy, storedLedger, trade, UNPACED, type World } from './support.js';

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';
let w: World;
let close: number;
beforeEach(async () => {
  w = buildWorld();
  close = latestClose(w.clock.now());
  await setPolicy(w, { ...UNPACED, symbols: [BTC, ETH] });
  await seedMarket(w, BTC, '49999.99', '50000');
  await seedMarket(w, ETH, '2999.99', '3000');
});

/** An approved order whose record is NEW: the risk function sent it, execution has not admitted it yet. */
async function newOrder(request: OrderRequest): Promise<OrderRequest> {
  await w.state.createOrder(newOrderRecord(request, w.clock.now()));
  return request;
}

/** An approved entry whose record is SUBMITTING, as a delivery that crashed mid-send leaves it; `venue` says what reached the exchange. */
async function submittingEntry(venue: 'resting' | 'filled' | 'nothing'): Promise<OrderRequest> {
  const request = await approve(w, intentFor(BTC, 'entry', close));
  const at = w.clock.now();
  await w.state.createOrder(transitionOrder(newOrderRecord(request, at), 'SUBMITTING', at));
  const { policy } = await w.policies.load();
  if (venue === 'resting') await w.exchangeFor(policy).placeOrder({ ...request, type: 'limit', limitPrice: '40000' });
  if (venue === 'filled') await w.exchangeFor(policy).placeOrder(request);
  return request;
}

const statusOf = async (r: OrderRequest) => (await w.state.getOrder(r.orderId))?.value;
const reservations = async () => Object.keys((await storedLedger(w)).value.reservations).sort();

describe('the kill switch cancel sweep covers entries not yet sent', () => {
  it('cancels a NEW entry with KILL_SWITCH_NOT_ARMED and releases its reservation, leaving a NEW exit alone', async () => {
    await trade(w, intentFor(ETH, 'entry', close)); // hold ETH to exit
    const entry = await newOrder(await approve(w, intentFor(BTC, 'entry', close)));
    const exit = await newOrder(await approve(w, intentFor(ETH, 'exit', close)));
    expect(await reservations()).toEqual([entry.orderId, exit.orderId].sort());

    const out = await tripKillSwitchNow(w, { reason: 'drawdown', by: 'metrics' });
    expect(out).toMatchObject({ canceled: [entry.clientOrderId], unresolved: [], cancelFailures: [] });
    expect(await statusOf(entry)).toMatchObject({ status: 'CANCELED', rejectReason: 'KILL_SWITCH_NOT_ARMED' });
    expect((await statusOf(exit))?.status).toBe('NEW');
    expect(await reservations()).toEqual([exit.orderId]);
    expect(w.placements).not.toContain(entry.clientOrderId);
  });

  it('never releases a NEW entry\'s reservation twice when the sweep runs again', async () => {
    const entry = await newOrder(await approve(w, intentFor(BTC, 'entry', close)));
    await tripKillSwitchNow(w, { reason: 'r', by: 'metrics' });
    const after = await storedLedger(w);
    const again = await tripKillSwitchNow(w, { reason: 'r', by: 'metrics' });
    expect(again.canceled).toEqual([]);
    expect(await storedLedger(w)).toEqual(after);
    expect((await statusOf(entry))?.history.map((h) => h.status)).toEqual(['NEW', 'CANCELED']);
  });

  it('asks the exchange about a SUBMITTING entry first and cancels it there when it is resting', async () => {
    const entry = await submittingEntry('resting');
    const out = await tripKillSwitchNow(w, { reason: 'r', by: 'metrics' });
    expect(out.canceled).toEqual([entry.clientOrderId]);
    expect((await statusOf(entry))?.status).toBe('CANCELED');
    expect((await w.venue.get(entry.clientOrderId))?.value.status).toBe('canceled');
    expect(await reservations()).toEqual([]);
  });

  it('books a SUBMITTING entry the exchange already filled, once', async () => {
    const entry = await submittingEntry('filled');
    const out = await tripKillSwitchNow(w, { reason: 'r', by: 'metrics' });
    expect(out.canceled).toEqual([]);
    expect((await statusOf(entry))?.status).toBe('FILLED');
    const ledger = (await storedLedger(w)).value;
    expect([ledger.fillCount, ledger.positions[BTC]?.quantity.toFixed()]).toEqual([1, '0.004']);
    await tripKillSwitchNow(w, { reason: 'r', by: 'metrics' });
    expect((await storedLedger(w)).value.fillCount).toBe(1);
  });

  it('leaves a SUBMITTING entry the exchange does not show to the submit path, keeping its reservation, and reports it unresolved', async () => {
    const entry = await submittingEntry('nothing');
    const out = await tripKillSwitchNow(w, { reason: 'r', by: 'metrics' });
    expect(out).toMatchObject({ canceled: [], unresolved: [entry.clientOrderId], cancelFailures: [] });
    expect((await statusOf(entry))?.status).toBe('SUBMITTING');
    expect(await reservations()).toEqual([entry.orderId]);
  });
});
