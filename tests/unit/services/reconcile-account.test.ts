import { beforeEach, describe, expect, it } from 'vitest';
import { EXCHANGE_ERROR, ExchangeApiError } from '../../../shared/adapters/ccxt-errors.js';
import { money } from '../../../shared/domain/money.js';
import { clientOrderIdFor, newOrderRecord, orderIdFor, transitionOrder, type OrderRequest } from '../../../shared/domain/order.js';
import type { Exchange } from '../../../shared/ports.js';
import { ADOPTED, reconcileAccount, STUCK_ORDER_MS } from '../../../shared/services/reconcile-account.js';
import {
  approve, buildWorld, crashAfterPlacement, held, intentFor, latestClose, M, putCandle, seedMarket, setPolicy, storedLedger, trade, UNPACED,
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

  it('reports and alerts balance drift above driftAlertPct when the venue holds a fill the ledger lacks', async () => {
    // Tolerances low enough for the 0.004 BTC (0.4 % of one unit) to count too, high enough not to trip.
    await setPolicy(w, { ...UNPACED, symbols: [BTC, ETH], reconcile: { driftAlertPct: 0.1, driftTripPct: 5 } });
    await trade(w, intentFor(ETH, 'entry', close));
    await (await venue()).placeOrder(strayOrder()); // 0.004 BTC at 50 025, fee 0.2001

    const report = await reconcileAccount(w);
    expect(report.drift).toEqual({ BTC: '0.004', USDT: '-200.3001' });
    expect(report.driftPct.BTC).toBe('0.4');
    expect(report.unknownOpenOrders).toEqual([]); // a filled market order is not open
    expect(report.adoptedOrders).toEqual([]);
    expect(report.killSwitchTripped).toBe(false);
    const alerts = w.alerts.ofKind('RECONCILE_DRIFT');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'warning', details: { drift: { BTC: '0.004', USDT: '-200.3001' } } });
  });

  it.each([
    { quantity: '0.0005', alert: false, trip: false }, // 25 USDT of 10 000: 0.25 %
    { quantity: '0.002', alert: true, trip: false }, //   100 USDT: 1 %, above driftAlertPct 0.5
    { quantity: '0.005', alert: true, trip: true }, //    250 USDT: 2.5 %, above driftTripPct 2
  ])('with the default tolerances, a stray buy of $quantity BTC alerts: $alert, trips the kill switch: $trip', async ({ quantity, alert, trip }) => {
    await (await venue()).placeOrder(strayOrder({ quantity }));

    const report = await reconcileAccount(w);
    expect(Object.keys(report.drift)).toEqual(alert ? ['USDT'] : []);
    expect(w.alerts.ofKind('RECONCILE_DRIFT')).toHaveLength(alert ? 1 : 0);
    expect(report.killSwitchTripped).toBe(trip);
    expect((await w.state.getKillSwitch())?.value.status ?? 'ARMED').toBe(trip ? 'TRIPPED' : 'ARMED');
    const trips = w.alerts.ofKind('KILL_SWITCH_TRIPPED');
    expect(trips.map((a) => a.details?.code)).toEqual(trip ? ['BALANCE_DRIFT'] : []);
  });

  it('does not count a fill that lands between its ledger and balance reads as drift: it refreshes and measures again', async () => {
    const request = await approve(w, intentFor(BTC, 'entry', close));
    let raced = false;
    const racing = { ...w, exchangeFor: (...args: Parameters<World['exchangeFor']>): Exchange => {
      const ex = w.exchangeFor(...args);
      return {
        id: ex.id, loadMarket: (s) => ex.loadMarket(s), placeOrder: (r) => ex.placeOrder(r), cancelOrder: (s, id) => ex.cancelOrder(s, id),
        fetchOrderByClientId: (s, id) => ex.fetchOrderByClientId(s, id), fetchOpenOrders: (s) => ex.fetchOpenOrders(s),
        fetchBalances: async () => {
          if (!raced) { raced = true; await crashAfterPlacement(w, request); } // a concurrent execution, mid-flight
          return ex.fetchBalances();
        },
      };
    } };

    const report = await reconcileAccount(racing);
    expect(raced).toBe(true);
    expect(report).toMatchObject({ drift: {}, killSwitchTripped: false, fillsBooked: 1 });
    expect((await w.state.getOrder(request.orderId))!.value.status).toBe('FILLED');
    expect(w.alerts.ofKind('RECONCILE_DRIFT')).toEqual([]);
    expect(w.alerts.ofKind('KILL_SWITCH_TRIPPED')).toEqual([]);
  });

  it('adopts an open order carrying our prefix that the ledger lacks: an entry, reserved, alerted once', async () => {
    const resting = strayOrder({ type: 'limit', limitPrice: '40000' }); // below the bid: rests open
    await (await venue()).placeOrder(resting);

    const report = await reconcileAccount(w);
    expect(report).toMatchObject({ adoptedOrders: [resting.clientOrderId], unknownOpenOrders: [], drift: {}, problems: [] });
    const adopted = (await w.state.getOrder(resting.orderId))!.value;
    expect(adopted).toMatchObject({
      status: 'OPEN', kind: 'entry', side: 'buy', type: 'limit', strategy: ADOPTED, clientOrderId: resting.clientOrderId,
      quantity: '0.004', limitPrice: '40000', reservedNotional: '160',
    });
    expect(adopted.history.map((h) => h.status)).toEqual(['NEW', 'SUBMITTING', 'OPEN']);
    const reservation = (await storedLedger(w)).value.reservations[resting.orderId];
    expect(reservation).toMatchObject({ side: 'buy', kind: 'entry' });
    expect(money(reservation!.notional)).toBe('160');
    expect(w.alerts.ofKind('RECONCILE_DRIFT')).toHaveLength(1);
    expect(w.alerts.ofKind('RECONCILE_DRIFT')[0]!.details).toMatchObject({ adoptedOrders: [resting.clientOrderId] });

    const again = await reconcileAccount(w);
    expect(again).toMatchObject({ adoptedOrders: [], unknownOpenOrders: [], ordersChecked: 1, ordersUpdated: 0 });
    expect(w.alerts.ofKind('RECONCILE_DRIFT')).toHaveLength(1);
  });

  it('finishes an adoption a crash cut short after the record: reserves what is left to fill', async () => {
    const resting = strayOrder({ type: 'limit', limitPrice: '40000', strategy: ADOPTED, reservedNotional: '160' });
    await (await venue()).placeOrder(resting);
    const at = w.clock.now();
    await w.state.createOrder(transitionOrder(newOrderRecord(resting, at), 'SUBMITTING', at)); // then the crash

    const report = await reconcileAccount(w);
    expect(report).toMatchObject({ adoptedOrders: [], ordersChecked: 1, ordersUpdated: 1 });
    expect((await w.state.getOrder(resting.orderId))!.value.status).toBe('OPEN');
    expect(money((await storedLedger(w)).value.reservations[resting.orderId]!.notional)).toBe('160');
  });

  it('adopts an open sell carrying our prefix as an exit of the held position', async () => {
    await trade(w, intentFor(BTC, 'entry', close));
    const qty = money(held((await storedLedger(w)).value, BTC));
    const resting = strayOrder({ side: 'sell', kind: 'exit', type: 'limit', limitPrice: '60000', quantity: qty });
    await (await venue()).placeOrder(resting);

    const report = await reconcileAccount(w);
    expect(report.adoptedOrders).toEqual([resting.clientOrderId]);
    expect((await w.state.getOrder(resting.orderId))!.value).toMatchObject({ status: 'OPEN', kind: 'exit', side: 'sell', exitReason: ADOPTED });
    expect(report.drift).toEqual({});
  });

  it('books a fill that happened while the pipeline was down for an adopted order, once, and closes the order', async () => {
    const resting = strayOrder({ type: 'limit', limitPrice: '49000' });
    await (await venue()).placeOrder(resting);
    await reconcileAccount(w);
    // While down: the market trades through the limit.
    await putCandle(w, BTC, latestClose(w.clock.now()) + M, 48_900, { high: 49_500, open: 49_500 });
    w.clock.advance(3 * M);

    const report = await reconcileAccount(w);
    expect(report).toMatchObject({ ordersChecked: 1, ordersUpdated: 1, fillsBooked: 1, drift: {} });
    expect((await w.state.getOrder(resting.orderId))!.value).toMatchObject({ status: 'FILLED', filledQuantity: '0.004' });
    const ledger = (await storedLedger(w)).value;
    expect(money(held(ledger, BTC))).toBe('0.004');
    expect(ledger.fillCount).toBe(1);
    expect(ledger.reservations).toEqual({});

    const replay = await reconcileAccount(w);
    expect(replay).toMatchObject({ ordersChecked: 0, fillsBooked: 0 });
    expect((await storedLedger(w)).value.fillCount).toBe(1);
  });

  it('closes an order the exchange canceled (by hand, on its site) and releases its reservation', async () => {
    const request = { ...(await approve(w, intentFor(BTC, 'entry', close))), type: 'limit' as const, limitPrice: '40000' };
    await crashAfterPlacement(w, request);
    await (await venue()).cancelOrder(BTC, request.clientOrderId);

    const report = await reconcileAccount(w);
    expect(report).toMatchObject({ ordersChecked: 1, ordersUpdated: 1, fillsBooked: 0, drift: {} });
    expect((await w.state.getOrder(request.orderId))!.value.status).toBe('CANCELED');
    expect((await storedLedger(w)).value.reservations).toEqual({});
  });

  it('reports an order open on the exchange but final in the ledger, without adopting it again', async () => {
    const request = { ...(await approve(w, intentFor(BTC, 'entry', close))), type: 'limit' as const, limitPrice: '40000' };
    await (await venue()).placeOrder(request);
    const at = w.clock.now();
    const record = transitionOrder(transitionOrder(newOrderRecord(request, at), 'SUBMITTING', at), 'EXPIRED', at);
    await w.state.createOrder(record);

    const report = await reconcileAccount(w);
    expect(report.adoptedOrders).toEqual([]);
    expect(report.unknownOpenOrders).toEqual([request.clientOrderId]);
    expect(report.problems).toEqual([{ clientOrderId: request.clientOrderId, error: 'open on the exchange but EXPIRED in the ledger' }]);
    expect(w.alerts.ofKind('RECONCILE_DRIFT')).toHaveLength(1);
  });

  it('books the fills of an order stuck in SUBMITTING, moves it to FILLED, and leaves no drift', async () => {
    const request = await approve(w, intentFor(BTC, 'entry', close));
    await crashAfterPlacement(w, request);
    w.clock.advance(5 * M);

    const report = await reconcileAccount(w);
    expect(report).toMatchObject({ ordersChecked: 1, ordersUpdated: 1, fillsBooked: 1, drift: {} });
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

  it('expires a SUBMITTING order the venue never saw only once not-found answers span the settle window and STUCK_ORDER_MS has passed, releasing its reservation', async () => {
    const request = await approve(w, intentFor(BTC, 'entry', close));
    const at = w.clock.now();
    await w.state.createOrder(transitionOrder(newOrderRecord(request, at), 'SUBMITTING', at)); // its message then dead-lettered
    expect(Object.keys((await storedLedger(w)).value.reservations)).toEqual([request.orderId]);

    for (let minute = 5; minute < 30; minute += 5) { // the reconcile schedule
      w.clock.advance(5 * M);
      await reconcileAccount(w);
    }
    w.clock.advance(4 * M);
    await reconcileAccount(w); // 29 min: resolved "never placed", but a live retry may still come
    const kept = (await w.state.getOrder(request.orderId))!.value;
    expect(kept.status).toBe('SUBMITTING');
    expect(kept.history.map((h) => h.note)).toContain('never placed: 3 not-found answers over 780 s');
    expect(Object.keys((await storedLedger(w)).value.reservations)).toEqual([request.orderId]);

    w.clock.advance(2 * M);
    const report = await reconcileAccount(w);
    expect(report.ordersUpdated).toBe(1);
    expect((await w.state.getOrder(request.orderId))!.value).toMatchObject({ status: 'EXPIRED', rejectReason: 'NEVER_REACHED_EXCHANGE' });
    expect((await storedLedger(w)).value.reservations).toEqual({});
    expect(w.placements).toHaveLength(0);
  });

  it('keeps an unresolved SUBMITTING order and its reservation past STUCK_ORDER_MS until settleNotFoundChecks not-found answers were recorded', async () => {
    const request = await approve(w, intentFor(BTC, 'entry', close));
    const at = w.clock.now();
    await w.state.createOrder(transitionOrder(newOrderRecord(request, at), 'SUBMITTING', at));
    w.clock.advance(STUCK_ORDER_MS + M); // reconcile did not run meanwhile
    for (let run = 1; run <= 2; run++) {
      const report = await reconcileAccount(w);
      expect(report.unresolvedOrders, `run ${run}`).toEqual([request.clientOrderId]);
      expect((await w.state.getOrder(request.orderId))!.value.status).toBe('SUBMITTING');
    }
    expect(Object.keys((await storedLedger(w)).value.reservations)).toEqual([request.orderId]);
    await reconcileAccount(w);
    expect((await w.state.getOrder(request.orderId))!.value.status).toBe('EXPIRED');
  });

  it('alerts ORDER_UNRESOLVED (critical) once when a send of unknown outcome stays unresolved past unresolvedAlertSeconds, with no redelivery', async () => {
    await setPolicy(w, { ...UNPACED, symbols: [BTC, ETH], execution: { settleWindowSeconds: 1200, settleNotFoundChecks: 10, unresolvedAlertSeconds: 1500 } });
    const request = await approve(w, intentFor(BTC, 'entry', close));
    const at = w.clock.now();
    await w.state.createOrder(transitionOrder(newOrderRecord(request, at), 'SUBMITTING', at));
    for (let minute = 5; minute < 25; minute += 5) { w.clock.advance(5 * M); await reconcileAccount(w); }
    expect(w.alerts.ofKind('ORDER_UNRESOLVED')).toEqual([]);
    for (let minute = 25; minute <= 45; minute += 5) { w.clock.advance(5 * M); await reconcileAccount(w); }
    const alerts = w.alerts.ofKind('ORDER_UNRESOLVED');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'critical', at: at + 25 * M, details: { clientOrderId: request.clientOrderId, symbol: BTC } });
    expect((await w.state.getOrder(request.orderId))!.value.status).toBe('SUBMITTING');
    const cleared = () => w.alerts.resolutions.filter((r) => r.kind === 'ORDER_UNRESOLVED');
    expect(cleared()).toEqual([]);

    w.clock.advance(5 * M);
    await reconcileAccount(w); // the 10th not-found answer: never placed, and idle past STUCK_ORDER_MS
    expect((await w.state.getOrder(request.orderId))!.value.status).toBe('EXPIRED');
    expect(cleared()).toEqual([{ kind: 'ORDER_UNRESOLVED', key: request.clientOrderId, at: at + 50 * M }]);
  });

  it('alerts ORDER_UNRESOLVED for an unresolved send also while the exchange cannot be asked about it', async () => {
    const request = await approve(w, intentFor(BTC, 'entry', close));
    const at = w.clock.now();
    await w.state.createOrder(transitionOrder(newOrderRecord(request, at), 'SUBMITTING', at));
    const down = new ExchangeApiError(EXCHANGE_ERROR.unavailable, 'exchange down', true);
    const unreachable = { ...w, exchangeFor: (...args: Parameters<World['exchangeFor']>) => {
      const ex = w.exchangeFor(...args);
      return Object.assign(Object.create(ex) as typeof ex, { fetchOrderByClientId: async () => { throw down; } });
    } };
    w.clock.advance(1200 * 1000);
    await expect(reconcileAccount(unreachable)).rejects.toBe(down);
    await expect(reconcileAccount(unreachable)).rejects.toBe(down);
    expect(w.alerts.ofKind('ORDER_UNRESOLVED')).toHaveLength(1);
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
