import { beforeEach, describe, expect, it } from 'vitest';
import { EXCHANGE_ERROR, ExchangeApiError } from '../../../shared/adapters/ccxt-errors.js';
import { money } from '../../../shared/domain/money.js';
import { clientOrderIdFor, newOrderRecord, orderIdFor, transitionOrder, type OrderRequest } from '../../../shared/domain/order.js';
import { reconcileAccount, STUCK_ORDER_MS } from '../../../shared/services/reconcile-account.js';
import {
  approve, buildWorld, crashAfterPlacement, held, intentFor, latestClose, M, seedMarket, setPolicy, storedLedger, trade, UNPACED,
  type World,
} from './support.js';

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

/** An order nobody in the pipeline decided: as if placed by hand (or by a lost process) with our prefix. */
function strayOrder(over: Partial<OrderRequest> = {}): OrderRequest {
  const orderId = orderIdFor('stray');
  return {
    orderId, clientOrderId: clientOrderIdFor(orderId), intentId: 'stray', strategy: 'momentum', symbol: BTC, side: 'buy',
    kind: 'entry', type: 'market', quantity: '0.004', referencePrice: '50000', reservedNotional: '0', mode: 'PAPER',
    policyHash: 'none', createdAt: w.clock.now(), ...over,
  };
}

async function venue() {
  return w.exchangeFor((await w.policies.load()).policy);
}

describe('reconcileAccount', () => {
  it('finds no drift and raises no alert after normal paper trading', async () => {
    await trade(w, intentFor(BTC, 'entry', close));
    await trade(w, intentFor(ETH, 'entry', close));
    w.clock.advance(M);
    await seedMarket(w, BTC, '49999.99', '50000');
    await trade(w, intentFor(BTC, 'exit', close + M));
    w.clock.advance(45_000);

    const report = await reconcileAccount(w);
    expect(report).toMatchObject({ ordersChecked: 0, ordersUpdated: 0, unknownOpenOrders: [], drift: {} });
    expect(w.alerts.ofKind('RECONCILE_DRIFT')).toEqual([]);
  });

  it('reports and alerts balance drift when the venue holds a fill the ledger lacks', async () => {
    await trade(w, intentFor(ETH, 'entry', close));
    await (await venue()).placeOrder(strayOrder()); // 0.004 BTC at 50 025, fee 0.2001

    const report = await reconcileAccount(w);
    expect(report.drift).toEqual({ BTC: '0.004', USDT: '-200.3001' });
    expect(report.unknownOpenOrders).toEqual([]); // a filled market order is not open
    const alerts = w.alerts.ofKind('RECONCILE_DRIFT');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.details).toMatchObject({ drift: { BTC: '0.004', USDT: '-200.3001' } });
  });

  it('flags an open order carrying our prefix that the ledger does not know', async () => {
    const resting = strayOrder({ type: 'limit', limitPrice: '40000' }); // below the bid: rests open
    await (await venue()).placeOrder(resting);

    const report = await reconcileAccount(w);
    expect(report.unknownOpenOrders).toEqual([resting.clientOrderId]);
    expect(report.drift).toEqual({});
    expect(w.alerts.ofKind('RECONCILE_DRIFT')).toHaveLength(1);
  });

  it('books the fills of an order stuck in SUBMITTING, moves it to FILLED, and leaves no drift', async () => {
    const request = await approve(w, intentFor(BTC, 'entry', close));
    await crashAfterPlacement(w, request);
    w.clock.advance(5 * M);

    const report = await reconcileAccount(w);
    expect(report).toMatchObject({ ordersChecked: 1, ordersUpdated: 1, drift: {} });
    const order = (await w.state.getOrder(request.orderId))!.value;
    expect(order).toMatchObject({ status: 'FILLED', filledQuantity: '0.004' });
    const ledger = (await storedLedger(w)).value;
    expect(money(held(ledger, BTC))).toBe('0.004');
    expect(ledger.fillCount).toBe(1);
    expect(ledger.reservations).toEqual({});
    expect(w.placements).toHaveLength(1);
    expect(w.alerts.ofKind('RECONCILE_DRIFT')).toEqual([]);

    const second = await reconcileAccount(w); // nothing left to do
    expect(second).toMatchObject({ ordersChecked: 0, ordersUpdated: 0, drift: {} });
    expect((await storedLedger(w)).value.fillCount).toBe(1);
  });

  it('expires a SUBMITTING order the venue never saw once it is older than STUCK_ORDER_MS, releasing its reservation', async () => {
    const request = await approve(w, intentFor(BTC, 'entry', close));
    const at = w.clock.now();
    await w.state.createOrder(transitionOrder(newOrderRecord(request, at), 'SUBMITTING', at)); // its message then dead-lettered
    expect(Object.keys((await storedLedger(w)).value.reservations)).toEqual([request.orderId]);

    w.clock.advance(STUCK_ORDER_MS - M);
    await reconcileAccount(w);
    expect((await w.state.getOrder(request.orderId))!.value.status).toBe('SUBMITTING'); // a live retry may still come

    w.clock.advance(2 * M);
    const report = await reconcileAccount(w);
    expect(report.ordersUpdated).toBe(1);
    expect((await w.state.getOrder(request.orderId))!.value).toMatchObject({ status: 'EXPIRED', rejectReason: 'NEVER_REACHED_EXCHANGE' });
    expect((await storedLedger(w)).value.reservations).toEqual({});
    expect(w.placements).toHaveLength(0);
  });

  it('notes a retryable exchange failure on the health item (for the error-burst trigger) and rethrows it', async () => {
    const down = new ExchangeApiError(EXCHANGE_ERROR.unavailable, 'exchange down', true);
    const unreachable = { ...w, exchangeFor: (...args: Parameters<World['exchangeFor']>) => {
      const ex = w.exchangeFor(...args);
      return Object.assign(Object.create(ex) as typeof ex, { fetchOpenOrders: async () => { throw down; } });
    } };
    await expect(reconcileAccount(unreachable)).rejects.toBe(down);
    expect((await w.state.getExchangeHealth())?.value).toEqual({ consecutiveFailures: 1, recentErrors: [w.clock.now()], updatedAt: w.clock.now() });
  });
});
