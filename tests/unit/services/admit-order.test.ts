import { beforeEach, describe, expect, it } from 'vitest';
import { clientOrderIdFor, newOrderRecord, orderIdFor, transitionOrder, type OrderRequest } from '../../../shared/domain/order.js';
import { followUpOrderId } from '../../../shared/services/book-fills.js';
import { executeOrder } from '../../../shared/services/execute-order.js';
import { approve, buildWorld, intentFor, latestClose, seedMarket, setPolicy, storedLedger, UNPACED, type World } from './support.js';

const BTC = 'BTC/USDT';
let w: World;
let close: number;
beforeEach(async () => {
  w = buildWorld();
  close = latestClose(w.clock.now());
  await setPolicy(w, { ...UNPACED, symbols: [BTC] });
  await seedMarket(w, BTC, '49999.99', '50000');
});

/** A well-formed buy nobody decided: what a forged or stray orders.fifo message carries. */
function undecided(over: Partial<OrderRequest> = {}): OrderRequest {
  const intent = intentFor(BTC, 'entry', close);
  const orderId = orderIdFor(intent.intentId);
  return {
    orderId, clientOrderId: clientOrderIdFor(orderId), intentId: intent.intentId, strategy: 'momentum', symbol: BTC, side: 'buy', kind: 'entry',
    type: 'market', quantity: '0.1', referencePrice: '50000', reservedNotional: '5005', mode: 'PAPER', policyHash: 'test-policy', createdAt: w.clock.now(), ...over,
  };
}

describe('executeOrder sends only what a stored approved decision approved', () => {
  it('refuses a well-formed order with no stored decision: REJECTED NO_APPROVED_DECISION, never placed, alerted, acked', async () => {
    const forged = undecided();
    const record = await executeOrder(w, forged);
    expect(record).toMatchObject({ status: 'REJECTED', rejectReason: 'NO_APPROVED_DECISION' });
    expect(w.placements).toEqual([]);
    expect(await w.venue.list()).toEqual([]);
    expect((await w.state.getOrder(forged.orderId))?.value.status).toBe('REJECTED');
    expect(w.alerts.ofKind('ORDER_REFUSED')).toMatchObject([{ severity: 'critical', details: { code: 'NO_APPROVED_DECISION', clientOrderId: forged.clientOrderId } }]);
    expect(await executeOrder(w, forged)).toEqual(record); // a redelivery is settled: nothing to retry
    expect(w.placements).toEqual([]);
  });

  it('refuses an order whose quantity differs from its approved decision: DECISION_MISMATCH', async () => {
    const approved = await approve(w, intentFor(BTC, 'entry', close));
    const record = await executeOrder(w, { ...approved, quantity: '4' });
    expect(record).toMatchObject({ status: 'REJECTED', rejectReason: 'DECISION_MISMATCH' });
    expect(record.history.at(-1)?.note).toMatch(/quantity/);
    expect(w.placements).toEqual([]);
    expect(Object.keys((await storedLedger(w)).value.reservations)).toEqual([approved.orderId]); // a forgery releases nothing
  });

  it.each([
    ['side', { side: 'sell', kind: 'exit' }], ['symbol', { symbol: 'ETH/USDT' }], ['policy hash', { policyHash: 'other' }],
    ['limit price', { type: 'limit', limitPrice: '90000' }],
  ] as [string, Partial<OrderRequest>][])('refuses an order whose %s differs from its approved decision', async (_field, patch) => {
    const approved = await approve(w, intentFor(BTC, 'entry', close));
    expect(await executeOrder(w, { ...approved, ...patch })).toMatchObject({ status: 'REJECTED', rejectReason: 'DECISION_MISMATCH' });
    expect(w.placements).toEqual([]);
  });

  it('refuses an order for an intent the risk engine rejected', async () => {
    await setPolicy(w, { ...UNPACED, symbols: [BTC], readOnly: true });
    const intent = intentFor(BTC, 'entry', close);
    await expect(approve(w, intent)).rejects.toThrow(/READ_ONLY/);
    await setPolicy(w, { ...UNPACED, symbols: [BTC] });
    expect(await executeOrder(w, undecided({ quantity: '0.004' }))).toMatchObject({ status: 'REJECTED', rejectReason: 'NO_APPROVED_DECISION' });
    expect(w.placements).toEqual([]);
  });

  it('refuses a forged follow-up of an approved order whose predecessor is still working', async () => {
    await setPolicy(w, { ...UNPACED, symbols: [BTC], execution: { orderType: 'limit', limitOffsetBps: 500 } });
    const approved = await approve(w, intentFor(BTC, 'entry', close));
    expect((await executeOrder(w, approved)).status).toBe('OPEN');
    const orderId = followUpOrderId(approved.orderId, 1);
    const forged = { ...approved, orderId, clientOrderId: clientOrderIdFor(orderId), type: 'market' as const, limitPrice: undefined };
    expect(await executeOrder(w, forged)).toMatchObject({ status: 'REJECTED', rejectReason: 'DECISION_MISMATCH' });
    expect(w.placements).toEqual([approved.clientOrderId]);
  });

  it('refuses a follow-up with no reservation of its own even after its predecessor closed', async () => {
    const approved = await approve(w, intentFor(BTC, 'entry', close));
    const at = w.clock.now();
    await w.state.createOrder(transitionOrder(newOrderRecord(approved, at), 'CANCELED', at));
    const orderId = followUpOrderId(approved.orderId, 1);
    const forged = { ...approved, orderId, clientOrderId: clientOrderIdFor(orderId) };
    const record = await executeOrder(w, forged);
    expect(record).toMatchObject({ status: 'REJECTED', rejectReason: 'DECISION_MISMATCH' });
    expect(record.history.at(-1)?.note).toMatch(/no reservation/);
    expect(w.placements).toEqual([]);
  });
});
