import { describe, expect, it } from 'vitest';
import { EXCHANGE_ERROR, ExchangeApiError } from '../../../shared/adapters/ccxt-errors.js';
import { paperRandom } from '../../../shared/domain/fill-model.js';
import { reserve } from '../../../shared/domain/ledger.js';
import { dec, money, sum } from '../../../shared/domain/money.js';
import {
  clientOrderIdFor, newOrderRecord, orderIdFor, transitionOrder, type OrderRecord, type OrderRequest,
} from '../../../shared/domain/order.js';
import { PolicySchema } from '../../../shared/domain/policy.js';
import type { Exchange } from '../../../shared/ports.js';
import { followUpAttempt, followUpOrderId } from '../../../shared/services/book-fills.js';
import { executeOrder } from '../../../shared/services/execute-order.js';
import { actionFor, manageOpenOrders, MAX_FOLLOW_UPS, ORPHAN_RESERVATION_MS } from '../../../shared/services/manage-open-orders.js';
import {
  approve, buildWorld, editLedger, held, intentFor, latestClose, ledgerHolding, M, putCandle, seedBook, seedMarket, setPolicy,
  storedLedger, UNPACED, withPolicyPaperModel, type World,
} from './support.js';

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';

let w: World;
let close: number;

/** Limit orders 10 bps inside the decision price, 120 s timeout; paper fills without market impact (hand-checkable prices). */
async function setup(execution: Record<string, unknown> = {}): Promise<void> {
  w = withPolicyPaperModel(buildWorld());
  close = latestClose(w.clock.now());
  await setPolicy(w, {
    ...UNPACED, symbols: [BTC, ETH], paper: { impactCoefficient: 0 },
    execution: { orderType: 'limit', limitOffsetBps: 10, limitTimeoutSeconds: 120, ...execution },
  });
  await seedMarket(w, BTC, '49999.99', '50000');
  await putCandle(w, BTC, close - M, 50000); // a deep last candle (volume 1000): market orders are not capped
}

/** Approves and executes a BTC entry: a 0.004 BTC limit buy at 49 950 resting on the venue. */
async function restingEntry(): Promise<OrderRecord> {
  const order = await executeOrder(w, await approve(w, intentFor(BTC, 'entry', close)));
  expect(order).toMatchObject({ status: 'OPEN', limitPrice: '49950', quantity: '0.004' });
  return order;
}

async function stored(orderId: string): Promise<OrderRecord> {
  const o = await w.state.getOrder(orderId);
  if (!o) throw new Error(`no order ${orderId}`);
  return o.value;
}

/** A candle trading through 49 950 with this volume, opening one minute after T0, and the clock past its close. */
async function tradeThrough(volume: number): Promise<void> {
  await putCandle(w, BTC, close + M, 50000, { low: 49900, high: 50000, volume });
  w.clock.t = close + 2 * M + 5_000;
  await seedBook(w, BTC, '49999.99', '50000');
}

describe('manageOpenOrders: limit timeouts', () => {
  it('leaves a limit order younger than limitTimeoutSeconds working', async () => {
    await setup();
    const order = await restingEntry();
    w.clock.advance(119_000);
    const report = await manageOpenOrders(w);
    expect(report).toMatchObject({ checked: 1, canceled: [], followUps: [], failures: [] });
    expect((await stored(order.orderId)).status).toBe('OPEN');
  });

  it('books the fill of a resting order whose limit a later candle traded through', async () => {
    await setup();
    const order = await restingEntry();
    await tradeThrough(1000);
    await manageOpenOrders(w);
    // 0.004 x 49 950 = 199.8; maker fee 10 bps = 0.1998
    expect(await stored(order.orderId)).toMatchObject({ status: 'FILLED', filledQuantity: '0.004', averagePrice: '49950', fees: '0.1998' });
    const ledger = (await storedLedger(w)).value;
    expect(money(held(ledger, BTC))).toBe('0.004');
    expect(money(ledger.cash)).toBe('9800.0002'); // 10 000 - 199.8 - 0.1998
    expect(ledger.reservations).toEqual({});
  });

  it('cancels a timed-out limit order (onLimitTimeout cancel) and releases its reservation', async () => {
    await setup({ onLimitTimeout: 'cancel' });
    const order = await restingEntry();
    w.clock.advance(120_000);
    const report = await manageOpenOrders(w);
    expect(report.canceled).toEqual([order.clientOrderId]);
    expect(await stored(order.orderId)).toMatchObject({ status: 'CANCELED', filledQuantity: '0' });
    expect((await storedLedger(w)).value.reservations).toEqual({});
    expect((await w.venue.get(order.clientOrderId))?.value.status).toBe('canceled');
  });

  it('replaces a timed-out limit order under a client order id derived from the old one, at the current price, once', async () => {
    await setup({ onLimitTimeout: 'replace' });
    const order = await restingEntry();
    w.clock.advance(120_000);
    await seedBook(w, BTC, '50099.99', '50100');
    const report = await manageOpenOrders(w);

    const nextId = followUpOrderId(order.orderId, 1);
    expect(report.followUps).toEqual([{ from: order.clientOrderId, to: clientOrderIdFor(nextId), action: 'replace' }]);
    expect((await stored(order.orderId)).status).toBe('CANCELED');
    // 50 100 x 0.999 = 50 049.9
    const next = await stored(nextId);
    expect(next).toMatchObject({ status: 'OPEN', type: 'limit', limitPrice: '50049.9', quantity: '0.004', intentId: order.intentId });
    expect(followUpAttempt(next)).toBe(1);
    const ledger = (await storedLedger(w)).value;
    // only the follow-up's reservation: 0.004 x 50 049.9 x 1.001 (taker fee)
    expect(Object.keys(ledger.reservations)).toEqual([nextId]);
    expect(money(ledger.reservations[nextId]!.notional)).toBe('200.3997996');

    await manageOpenOrders(w); // the replacement is young: nothing more happens
    expect(w.placements).toEqual([order.clientOrderId, clientOrderIdFor(nextId)]);
    expect(await w.state.listOrders()).toHaveLength(2);
  });

  it('carries on a replace that failed after creating its follow-up, without a duplicate order', async () => {
    await setup({ onLimitTimeout: 'replace' });
    const order = await restingEntry();
    w.clock.advance(120_000);
    const down = { ...w, exchangeFor: (...a: Parameters<World['exchangeFor']>) => cancelFails(w.exchangeFor(...a)) };
    const first = await manageOpenOrders(down);
    expect(first.failures.map((f) => f.clientOrderId)).toEqual([order.clientOrderId]);
    const nextId = followUpOrderId(order.orderId, 1);
    expect((await stored(nextId)).status).toBe('NEW'); // created and reserved before the cancel was tried
    expect((await stored(order.orderId)).status).toBe('OPEN');

    const second = await manageOpenOrders(w);
    expect(second.resumed).toEqual([clientOrderIdFor(nextId)]);
    expect((await stored(order.orderId)).status).toBe('CANCELED');
    expect((await stored(nextId)).status).toBe('OPEN');
    expect(w.placements).toEqual([order.clientOrderId, clientOrderIdFor(nextId)]);
    expect(await w.venue.list()).toHaveLength(2);
    expect(Object.keys((await storedLedger(w)).value.reservations)).toEqual([nextId]);
  });

  it('takes the remainder of a timed-out limit order at market (onLimitTimeout market)', async () => {
    await setup({ onLimitTimeout: 'market' });
    const order = await restingEntry();
    w.clock.advance(120_000);
    const report = await manageOpenOrders(w);
    const nextId = followUpOrderId(order.orderId, 1);
    expect(report.followUps).toEqual([{ from: order.clientOrderId, to: clientOrderIdFor(nextId), action: 'market' }]);
    // ask 50 000 + 5 bps = 50 025
    expect(await stored(nextId)).toMatchObject({ status: 'FILLED', type: 'market', filledQuantity: '0.004', averagePrice: '50025' });
    const ledger = (await storedLedger(w)).value;
    expect(money(held(ledger, BTC))).toBe('0.004');
    expect(ledger.reservations).toEqual({});
  });
});

describe('manageOpenOrders: partial fills', () => {
  /** An entry partly filled by a thin candle (volume 0.03: at most 0.003 x share fills). */
  async function partlyFilled(partialFill: string): Promise<{ order: OrderRecord; part: string }> {
    await setup({ partialFill, limitTimeoutSeconds: 600 }); // not timed out when the partial fill is seen
    const order = await restingEntry();
    await tradeThrough(0.03);
    const ex = await w.exchangeFor((await w.policies.load()).policy).fetchOrderByClientId(BTC, order.clientOrderId);
    const part = ex!.filledQuantity;
    expect(dec(part).gt(0) && dec(part).lt('0.004')).toBe(true);
    return { order, part };
  }

  it('keeps a partly filled order working (partialFill keep), its fill booked and its reservation held', async () => {
    const { order, part } = await partlyFilled('keep');
    const report = await manageOpenOrders(w);
    expect(report).toMatchObject({ canceled: [], followUps: [] });
    expect(await stored(order.orderId)).toMatchObject({ status: 'PARTIALLY_FILLED', filledQuantity: part });
    const ledger = (await storedLedger(w)).value;
    expect(money(held(ledger, BTC))).toBe(part);
    expect(Object.keys(ledger.reservations)).toEqual([order.orderId]);

    await manageOpenOrders(w); // another pass with nothing new books nothing twice
    expect((await storedLedger(w)).value.fillCount).toBe(1);
    await putCandle(w, BTC, close + 2 * M, 50000, { low: 49900, volume: 1000 }); // the rest fills in the next candle
    w.clock.t = close + 3 * M + 5_000;
    await manageOpenOrders(w);
    expect(await stored(order.orderId)).toMatchObject({ status: 'FILLED', filledQuantity: '0.004' });
    const after = (await storedLedger(w)).value;
    expect([money(held(after, BTC)), after.fillCount, after.reservations]).toEqual(['0.004', 2, {}]);
    expect(after.positions[BTC]?.adds).toBeUndefined();
  });

  it('cancels the rest of a partly filled order (partialFill cancel)', async () => {
    const { order, part } = await partlyFilled('cancel');
    const report = await manageOpenOrders(w);
    expect(report.canceled).toEqual([order.clientOrderId]);
    expect(await stored(order.orderId)).toMatchObject({ status: 'CANCELED', filledQuantity: part });
    const ledger = (await storedLedger(w)).value;
    expect(money(held(ledger, BTC))).toBe(part);
    expect(ledger.reservations).toEqual({});
  });

  it('tops up the rest at market (partialFill top-up): one position, one add, every fill booked once', async () => {
    const { order, part } = await partlyFilled('top-up');
    await manageOpenOrders(w);
    const nextId = followUpOrderId(order.orderId, 1);
    expect(await stored(order.orderId)).toMatchObject({ status: 'CANCELED', filledQuantity: part });
    expect(await stored(nextId)).toMatchObject({ status: 'FILLED', type: 'market', quantity: money(dec('0.004').sub(part)) });
    const ledger = (await storedLedger(w)).value;
    expect(money(held(ledger, BTC))).toBe('0.004');
    expect(ledger.positions[BTC]?.adds).toBeUndefined(); // the top-up continues the entry, it is not a pyramiding add
    const fills = await w.state.listFills();
    expect(fills).toHaveLength(2);
    expect(ledger.fillCount).toBe(2);
    expect(money(sum(fills.map((f) => f.quantity)))).toBe('0.004');
    expect(ledger.reservations).toEqual({});

    await manageOpenOrders(w); // nothing is left to do
    expect(await w.state.listFills()).toHaveLength(2);
  });
});

describe('manageOpenOrders: an exchange slow to show an order', () => {
  it('does not settle a timed-out order on a cancel reply without its trades while the exchange does not show the order, and books its fill once it does', async () => {
    await setup({ onLimitTimeout: 'cancel' });
    const order = await restingEntry();
    await tradeThrough(0.03); // partly filled on the venue, the ledger has not seen it
    w.clock.advance(120_000);
    const lagging = { on: true };
    const base = w.exchangeFor;
    const world: World = { ...w, exchangeFor: (...args: Parameters<World['exchangeFor']>) => {
      const ex = base(...args);
      return Object.assign(Object.create(ex) as typeof ex, {
        fetchOrderByClientId: async (symbol: string, id: string) => (lagging.on ? undefined : ex.fetchOrderByClientId(symbol, id)),
        cancelOrder: async (symbol: string, id: string) => ({ ...(await ex.cancelOrder(symbol, id)), trades: [] }),
      });
    } };

    const first = await manageOpenOrders(world);
    expect(first.failures.map((f) => f.clientOrderId)).toEqual([order.clientOrderId]);
    expect(await stored(order.orderId)).toMatchObject({ status: 'OPEN', filledQuantity: '0' });
    expect(Object.keys((await storedLedger(w)).value.reservations)).toEqual([order.orderId]);

    lagging.on = false;
    await manageOpenOrders(world);
    const settled = await stored(order.orderId);
    expect(settled.status).toBe('CANCELED');
    expect(dec(settled.filledQuantity).gt(0)).toBe(true);
    const ledger = (await storedLedger(w)).value;
    expect(money(held(ledger, BTC))).toBe(settled.filledQuantity);
    expect([ledger.fillCount, ledger.reservations]).toEqual([1, {}]);
  });
});

describe('manageOpenOrders: dust after a partial exit', () => {
  /** Holds 0.004 BTC; an exit limit (sell 0.004 at 50 049.99) then fills all but 0.00001 BTC (0.5 USDT, under the 5 USDT minimum). */
  async function exitAllButDust(partialFill: string): Promise<OrderRecord> {
    await setup({ partialFill, limitTimeoutSeconds: 600 });
    const at = w.clock.now();
    await editLedger(w, () => ledgerHolding(BTC, '0.004', '200', at));
    const { policy } = await w.policies.load();
    const fundId = orderIdFor('funding');
    const funding: OrderRequest = {
      orderId: fundId, clientOrderId: clientOrderIdFor(fundId), intentId: 'funding', strategy: 'momentum', symbol: BTC, side: 'buy',
      kind: 'entry', type: 'market', quantity: '0.004', referencePrice: '50000', reservedNotional: '0', mode: 'PAPER', policyHash: 'test', createdAt: at,
    };
    await w.exchangeFor(policy).placeOrder(funding); // the venue holds the BTC the ledger says we hold
    const exit = await executeOrder(w, await approve(w, intentFor(BTC, 'exit', close)));
    expect(exit).toMatchObject({ status: 'OPEN', limitPrice: '50049.99' });
    // the candle's volume is chosen so that cap = volume x 10 % x share floors to exactly 0.00399
    const share = 0.5 + paperRandom(1, exit.clientOrderId, close + M) / 2;
    await putCandle(w, BTC, close + M, 50000, { high: 50100, low: 50000, volume: Number((0.003995 / (0.1 * share)).toFixed(8)) });
    w.clock.t = close + 2 * M + 5_000;
    await seedBook(w, BTC, '49999.99', '50000');
    return exit;
  }

  it('writes the unsellable rest off when the partly filled exit is cancelled: no position is left', async () => {
    const exit = await exitAllButDust('cancel');
    await manageOpenOrders(w);
    const record = await stored(exit.orderId);
    expect(record).toMatchObject({ status: 'CANCELED', filledQuantity: '0.00399' });
    expect(record.history.at(-1)?.note).toBe('dust written off: 0.00001 BTC');
    const ledger = (await storedLedger(w)).value;
    expect(ledger.positions).toEqual({});
    expect(ledger.reservations).toEqual({});
    expect(ledger.trades?.map((t) => money(t.quantity))).toEqual(['0.004']);
  });

  it('does not try to top up a remainder the exchange would refuse: the follow-up is cancelled, nothing is reserved', async () => {
    const exit = await exitAllButDust('top-up');
    await manageOpenOrders(w);
    const next = await stored(followUpOrderId(exit.orderId, 1));
    expect(next.status).toBe('CANCELED');
    expect(next.rejectReason).toMatch(/^NOTHING_TO_FOLLOW_UP: /);
    const ledger = (await storedLedger(w)).value;
    expect(ledger.positions).toEqual({});
    expect(ledger.reservations).toEqual({});
    expect(w.placements).not.toContain(next.clientOrderId);
  });
});

describe('manageOpenOrders: the ledger sweep', () => {
  it('releases the reservation of a final order and of an order never created after ORPHAN_RESERVATION_MS, keeps a young one', async () => {
    await setup();
    const now = w.clock.now();
    const done = transitionOrder(newOrderRecord(await approve(w, intentFor(BTC, 'entry', close)), now), 'CANCELED', now);
    await w.state.createOrder(done); // CANCELED, yet its reservation (made by approve) is still in the ledger
    await editLedger(w, (l) => reserve(reserve(l, {
      orderId: 'orphan-old', symbol: ETH, side: 'buy', notional: dec(10), createdAt: now - ORPHAN_RESERVATION_MS - 1,
    }), { orderId: 'orphan-young', symbol: ETH, side: 'buy', notional: dec(10), createdAt: now - 60_000 }));

    const report = await manageOpenOrders(w);
    expect([...report.released].sort()).toEqual([clientOrderIdFor(done.orderId), clientOrderIdFor('orphan-old')].sort());
    expect(Object.keys((await storedLedger(w)).value.reservations)).toEqual(['orphan-young']);
  });

  it('writes off a position below the amount step that no order is working on', async () => {
    await setup();
    const at = w.clock.now();
    await editLedger(w, () => ledgerHolding(BTC, '0.0000023', '0.115', at));
    const report = await manageOpenOrders(w);
    expect(report.dust).toEqual([BTC]);
    const ledger = (await storedLedger(w)).value;
    expect(ledger.positions).toEqual({});
    expect(ledger.trades?.map((t) => [money(t.quantity), money(t.pnl), t.exitReason])).toEqual([['0.0000023', '-0.115', 'dust']]);
    expect(money(ledger.realizedPnl)).toBe('-0.115');
  });
});

describe('actionFor', () => {
  const policy = PolicySchema.parse({
    execution: { orderType: 'limit', limitTimeoutSeconds: 120, onLimitTimeout: 'replace', partialFill: 'top-up' },
  });
  const T = 1_000_000;
  const order = (over: Partial<OrderRecord> = {}): OrderRecord => {
    const intentId = over.intentId ?? 'intent';
    const orderId = orderIdFor(intentId);
    return {
      orderId, clientOrderId: clientOrderIdFor(orderId), intentId, strategy: 'momentum', symbol: BTC, side: 'buy', kind: 'entry',
      type: 'limit', limitPrice: '100', quantity: '1', referencePrice: '100', reservedNotional: '100', mode: 'PAPER', policyHash: 'h',
      createdAt: T - 5_000, status: 'OPEN', filledQuantity: '0', fees: '0', updatedAt: T,
      history: [{ status: 'NEW', at: T - 5_000 }, { status: 'SUBMITTING', at: T }, { status: 'OPEN', at: T }], ...over,
    };
  };
  /** The id of the n-th follow-up in the chain of intent 'intent'. */
  const chainId = (n: number) => Array.from({ length: n }, (_, i) => i + 1).reduce((id, k) => followUpOrderId(id, k), orderIdFor('intent'));

  it.each([
    { name: 'a young open limit order is kept', o: order(), now: T + 119_999, action: 'keep' },
    { name: 'a limit order timed out since it was submitted gets onLimitTimeout', o: order(), now: T + 120_000, action: 'replace' },
    { name: 'a young partial fill gets partialFill (top-up = market)', o: order({ status: 'PARTIALLY_FILLED', filledQuantity: '0.5' }), now: T + 1, action: 'market' },
    { name: 'a market order never times out', o: order({ type: 'market', limitPrice: undefined }), now: T + 10 * 120_000, action: 'keep' },
    { name: `the ${MAX_FOLLOW_UPS}th follow-up is only cancelled`, o: order({ orderId: chainId(MAX_FOLLOW_UPS) }), now: T + 120_000, action: 'cancel' },
    { name: 'an earlier follow-up is still replaced', o: order({ orderId: chainId(MAX_FOLLOW_UPS - 1) }), now: T + 120_000, action: 'replace' },
  ])('$name', ({ o, now, action }) => {
    expect(actionFor(o, policy, now)).toBe(action);
  });

  it('recognises follow-up ids and nothing else', () => {
    expect(followUpAttempt({ intentId: 'intent', orderId: chainId(3) })).toBe(3);
    expect(followUpAttempt({ intentId: 'intent', orderId: orderIdFor('intent') })).toBe(0);
    expect(followUpAttempt({ intentId: 'other', orderId: chainId(3) })).toBe(0);
  });
});

/** The venue with every cancel failing retryably (an exchange outage in the middle of a replace). */
function cancelFails(ex: Exchange): Exchange {
  return {
    id: ex.id,
    loadMarket: (s) => ex.loadMarket(s),
    placeOrder: (r) => ex.placeOrder(r),
    fetchOrderByClientId: (s, c) => ex.fetchOrderByClientId(s, c),
    fetchOpenOrders: (s) => ex.fetchOpenOrders(s),
    cancelOrder: async () => { throw new ExchangeApiError(EXCHANGE_ERROR.unavailable, 'exchange unavailable', true); },
    fetchBalances: () => ex.fetchBalances(),
  };
}
