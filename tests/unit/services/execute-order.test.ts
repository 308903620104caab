import { beforeEach, describe, expect, it } from 'vitest';
import { ExchangeApiError } from '../../../shared/adapters/ccxt-errors.js';
import { paperTradeId } from '../../../shared/adapters/paper-exchange.js';
import { circuitState } from '../../../shared/domain/circuit-breaker.js';
import type { ExchangeHealth } from '../../../shared/domain/exchange-health.js';
import { StateUnreadableError } from '../../../shared/domain/errors.js';
import { RISK_EXIT_STRATEGY } from '../../../shared/domain/exits.js';
import { intentIdFor } from '../../../shared/domain/intent.js';
import { tripKillSwitch } from '../../../shared/domain/kill-switch.js';
import { money } from '../../../shared/domain/money.js';
import { clientOrderIdFor, newOrderRecord, orderIdFor, transitionOrder } from '../../../shared/domain/order.js';
import { executeOrder, SUBMIT_LEASE_MS } from '../../../shared/services/execute-order.js';
import {
  approve, approveAs, buildWorld, crashAfterPlacement, editLedger, held, intentFor, latestClose, ledgerHolding, M, RecordingStateStore, seedMarket,
  setPolicy, storedLedger, trade, UNPACED, type World, type WorldOptions,
} from './support.js';

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';

let w: World;
let close: number;

async function setup(options: WorldOptions = {}): Promise<void> {
  w = buildWorld(options);
  close = latestClose(w.clock.now());
  await setPolicy(w, { ...UNPACED, symbols: [BTC, ETH] });
  await seedMarket(w, BTC, '49999.99', '50000');
  await seedMarket(w, ETH, '2999.99', '3000');
}
beforeEach(() => setup());

async function trip(): Promise<void> {
  const ks = await w.state.getKillSwitch();
  await w.state.putKillSwitch(tripKillSwitch(ks?.value, { reason: 'test', by: 'operator', at: w.clock.now() }), ks?.version ?? 0);
}

describe('executeOrder', () => {
  it('moves an approved order NEW → SUBMITTING → FILLED, books its fill once and releases the reservation', async () => {
    const request = await approve(w, intentFor(BTC, 'entry', close));
    expect(Object.keys((await storedLedger(w)).value.reservations)).toEqual([request.orderId]);

    const record = await executeOrder(w, request);

    // Buy 0.004 at ask 50 000 + 5 bps slippage = 50 025; fee 10 bps of 200.1 = 0.2001.
    expect(record).toMatchObject({ status: 'FILLED', filledQuantity: '0.004', averagePrice: '50025', fees: '0.2001' });
    expect(record.history.map((h) => h.status)).toEqual(['NEW', 'SUBMITTING', 'FILLED']);
    expect((await w.state.getOrder(request.orderId))?.value).toEqual(record);
    const ledger = (await storedLedger(w)).value;
    expect(ledger.reservations).toEqual({});
    expect(money(held(ledger, BTC))).toBe('0.004');
    expect(money(ledger.cash)).toBe('9799.6999');
    expect(ledger.fillCount).toBe(1);
    expect((await w.state.listFills()).map((f) => f.tradeId)).toEqual([paperTradeId(request.clientOrderId)]);
    expect(w.placements).toEqual([request.clientOrderId]);
  });

  it('treats a redelivered FILLED order as a no-op: no second placement, no double booking', async () => {
    const request = await approve(w, intentFor(BTC, 'entry', close));
    const first = await executeOrder(w, request);
    const ledgerBefore = await storedLedger(w);
    w.clock.advance(10_000);
    const again = await executeOrder(w, request);
    expect(again).toEqual(first);
    expect(w.placements).toHaveLength(1);
    expect(await storedLedger(w)).toEqual(ledgerBefore);
    expect(await w.state.listFills()).toHaveLength(1);
    expect(await w.venue.list()).toHaveLength(1);
  });

  it('resumes an order stuck in SUBMITTING after a crash: finds it by client id, does not place again, books once', async () => {
    const request = await approve(w, intentFor(BTC, 'entry', close));
    await crashAfterPlacement(w, request);
    expect(w.placements).toEqual([request.clientOrderId]); // the pre-crash placement

    const record = await executeOrder(w, request);
    expect(record.status).toBe('FILLED');
    expect(record.exchangeOrderId).toBeDefined();
    expect(w.placements).toHaveLength(1);
    const ledger = (await storedLedger(w)).value;
    expect(ledger.fillCount).toBe(1);
    expect(money(held(ledger, BTC))).toBe('0.004');
    expect(ledger.reservations).toEqual({});

    await executeOrder(w, request); // and a further redelivery changes nothing
    expect((await storedLedger(w)).value.fillCount).toBe(1);
    expect(w.placements).toHaveLength(1);
  });

  it('cancels an entry whose kill switch tripped after approval and releases its reservation, while an exit still executes', async () => {
    await trade(w, intentFor(BTC, 'entry', close)); // hold 0.004 BTC
    w.clock.advance(M);
    await seedMarket(w, BTC, '49999.99', '50000');
    await seedMarket(w, ETH, '2999.99', '3000');
    const exit = await approve(w, intentFor(BTC, 'exit', close + M));
    const entry = await approve(w, intentFor(ETH, 'entry', close + M));
    await trip();

    const canceled = await executeOrder(w, entry);
    expect(canceled).toMatchObject({ status: 'CANCELED', rejectReason: 'KILL_SWITCH_NOT_ARMED' });
    expect(w.placements).not.toContain(entry.clientOrderId);

    const sold = await executeOrder(w, exit);
    expect(sold.status).toBe('FILLED');
    const ledger = (await storedLedger(w)).value;
    expect(ledger.positions).toEqual({});
    expect(ledger.reservations).toEqual({});
  });

  it('cancels an exit whose kill switch tripped after approval when the policy does not allow exits while halted', async () => {
    await setPolicy(w, { ...UNPACED, symbols: [BTC, ETH], risk: { allowExitsWhenHalted: false } });
    await trade(w, intentFor(BTC, 'entry', close));
    w.clock.advance(M);
    await seedMarket(w, BTC, '49999.99', '50000');
    const exit = await approve(w, intentFor(BTC, 'exit', close + M)); // approved while ARMED
    await trip();

    const record = await executeOrder(w, exit);
    expect(record).toMatchObject({ status: 'CANCELED', rejectReason: 'KILL_SWITCH_NOT_ARMED' });
    expect(w.placements).not.toContain(exit.clientOrderId);
    expect(money(held((await storedLedger(w)).value, BTC))).toBe('0.004');
  });

  it.each([
    { now: 'DRY_RUN', extra: {} },
    { now: 'LIVE', extra: { liveTradingConfirmed: true } },
  ])('cancels a PAPER order with MODE_CHANGED when the policy is now $now, and never places it', async ({ now, extra }) => {
    const request = await approve(w, intentFor(BTC, 'entry', close));
    await setPolicy(w, { ...UNPACED, symbols: [BTC, ETH], mode: now, ...extra });

    const record = await executeOrder(w, request);
    expect(record).toMatchObject({ status: 'CANCELED', rejectReason: 'MODE_CHANGED' });
    expect(w.placements).toEqual([]);
    expect((await storedLedger(w)).value.reservations).toEqual({});
  });

  it('records a permanent exchange rejection as REJECTED, alerts ORDER_REJECTED and releases the reservation', async () => {
    await setup({ venueCash: '1' }); // the venue account holds 1 USDT; the ledger thinks 10 000
    const request = await approve(w, intentFor(BTC, 'entry', close));

    const record = await executeOrder(w, request);
    expect(record.status).toBe('REJECTED');
    expect(record.rejectReason).toMatch(/^INSUFFICIENT_FUNDS: /);
    const alerts = w.alerts.ofKind('ORDER_REJECTED');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.details).toMatchObject({ symbol: BTC, code: 'INSUFFICIENT_FUNDS' });
    const ledger = (await storedLedger(w)).value;
    expect(ledger.reservations).toEqual({});
    expect(ledger.fillCount).toBe(0);
    expect(await w.state.listFills()).toEqual([]);

    await executeOrder(w, request); // a redelivery does not try again
    expect(w.placements).toHaveLength(1);
    expect(w.alerts.ofKind('ORDER_REJECTED')).toHaveLength(1);
  });

  it('rethrows a retryable exchange failure leaving the order SUBMITTING, and fills it on the redelivery', async () => {
    const request = await approve(w, intentFor(BTC, 'entry', close));
    w.clock.advance(181_000); // the book is now older than staleDataSeconds: the paper venue has no price

    const failure = await executeOrder(w, request).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ExchangeApiError);
    expect((failure as ExchangeApiError).retryable).toBe(true);
    expect((await w.state.getOrder(request.orderId))?.value.status).toBe('SUBMITTING');
    expect(Object.keys((await storedLedger(w)).value.reservations)).toEqual([request.orderId]);

    await seedMarket(w, BTC, '49999.99', '50000');
    const record = await executeOrder(w, request);
    expect(record.status).toBe('FILLED');
    expect((await storedLedger(w)).value.fillCount).toBe(1);
  });
});

describe('executeOrder: the trade journal', () => {
  it("carries a risk exit's reason from the intent through the order and the fill into the closed trade", async () => {
    await trade(w, { ...intentFor(BTC, 'entry', close) });
    w.clock.advance(M);
    await seedMarket(w, BTC, '44999.99', '45000');
    const exitIntent = {
      ...intentFor(BTC, 'exit', close + M), strategy: RISK_EXIT_STRATEGY, reason: 'stop-loss',
      intentId: intentIdFor(RISK_EXIT_STRATEGY, BTC, 'sell', close + M),
    };
    const request = await approve(w, exitIntent);
    expect(request.exitReason).toBe('stop-loss');
    await executeOrder(w, request);

    const [fill] = (await w.state.listFills()).filter((f) => f.side === 'sell');
    expect(fill).toMatchObject({ strategy: RISK_EXIT_STRATEGY, exitReason: 'stop-loss' });
    const trades = (await storedLedger(w)).value.trades!;
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ symbol: BTC, strategy: 'momentum', exitReason: 'stop-loss', quantity: expect.anything() });
    expect(trades[0]!.pnl.lt(0)).toBe(true);
  });

  it('records the strategy that opened a position', async () => {
    await trade(w, intentFor(BTC, 'entry', close));
    expect((await storedLedger(w)).value.positions[BTC]?.strategy).toBe('momentum');
  });
});

describe('executeOrder: exchange health', () => {
  const health = async () => (await w.state.getExchangeHealth())?.value;
  /** Approves an entry, then lets the top of book go stale so the paper venue fails retryably. */
  async function failingOrder() {
    const request = await approve(w, intentFor(BTC, 'entry', close));
    w.clock.advance(181_000);
    return request;
  }

  it('records a retryable failure on the health item before rethrowing, and a success closes it again', async () => {
    const request = await failingOrder();
    const at = w.clock.now();
    await expect(executeOrder(w, request)).rejects.toBeInstanceOf(ExchangeApiError);
    expect(await health()).toEqual({ consecutiveFailures: 1, recentErrors: [at], updatedAt: at });

    await seedMarket(w, BTC, '49999.99', '50000');
    expect((await executeOrder(w, request)).status).toBe('FILLED');
    expect(await health()).toEqual({ consecutiveFailures: 0, recentErrors: [at], updatedAt: w.clock.now() });
  });

  it('opens the circuit breaker after failureThreshold consecutive retryable failures', async () => {
    await setPolicy(w, { ...UNPACED, symbols: [BTC, ETH], circuitBreaker: { failureThreshold: 3, openSeconds: 60 } });
    const request = await failingOrder();
    const { policy } = await w.policies.load();
    for (let i = 0; i < 3; i++) {
      await expect(executeOrder(w, request)).rejects.toBeInstanceOf(ExchangeApiError);
      w.clock.advance(1_000);
    }
    expect(await health()).toMatchObject({ consecutiveFailures: 3, openedAt: w.clock.now() - 1_000 });
    expect(circuitState(await health(), w.clock.now(), policy)).toBe('open');
  });

  it('does not count a permanent rejection as an exchange failure', async () => {
    await setup({ venueCash: '1' });
    const request = await approve(w, intentFor(BTC, 'entry', close));
    expect((await executeOrder(w, request)).status).toBe('REJECTED');
    expect(await health()).toBeUndefined();
  });

  it.each([
    ['always loses the conditional write', class extends RecordingStateStore {
      override async putExchangeHealth(): Promise<boolean> { return false; }
    }],
    ['cannot read the health item', class extends RecordingStateStore {
      override async getExchangeHealth(): Promise<{ value: ExchangeHealth; version: number } | undefined> {
        // Broken only once the order is approved: at decision time an unreadable health item rightly fails closed.
        if (this.broken) throw new StateUnreadableError('exchange health');
        return super.getExchangeHealth();
      }
    }],
  ])('never fails an order because the health store %s', async (_label, Store) => {
    const store = new Store();
    w = { ...buildWorld(), state: store };
    close = latestClose(w.clock.now());
    await setPolicy(w, { ...UNPACED, symbols: [BTC, ETH] });
    await seedMarket(w, BTC, '49999.99', '50000');
    const request = await failingOrder();
    store.broken = true;
    await expect(executeOrder(w, request)).rejects.toBeInstanceOf(ExchangeApiError); // the exchange's error, not the store's
    await seedMarket(w, BTC, '49999.99', '50000');
    expect((await executeOrder(w, request)).status).toBe('FILLED');
  });
});

describe('executeOrder: limit orders by policy', () => {
  const limitPolicy = (execution: Record<string, unknown>) => setPolicy(w, { ...UNPACED, symbols: [BTC, ETH], execution: { orderType: 'limit', ...execution } });

  it("places a decision's market entry as a limit at the decision price minus limitOffsetBps, floored to the tick, and leaves it OPEN", async () => {
    await limitPolicy({ limitOffsetBps: 10 });
    const request = await approve(w, intentFor(BTC, 'entry', close));
    expect(request).toMatchObject({ type: 'market', referencePrice: '50000' });
    expect(request.limitPrice).toBeUndefined();

    const record = await executeOrder(w, request);
    // 50 000 x (1 - 0.001) = 49 950: below the ask, so it rests
    expect(record).toMatchObject({ status: 'OPEN', type: 'limit', limitPrice: '49950', filledQuantity: '0' });
    expect(record.history.map((h) => [h.status, h.note])).toEqual([
      ['NEW', undefined], ['SUBMITTING', 'limit 49950: 10 bps from 50000'], ['OPEN', undefined],
    ]);
    expect(await w.venue.list()).toEqual([expect.objectContaining({ clientOrderId: request.clientOrderId, type: 'limit', limitPrice: '49950', status: 'open' })]);
    expect(Object.keys((await storedLedger(w)).value.reservations)).toEqual([request.orderId]);

    expect(await executeOrder(w, request)).toEqual(record); // a redelivery places nothing again
    expect(w.placements).toEqual([request.clientOrderId]);
  });

  it('fills a limit at the ask (offset 0) at once, at its limit, since it is marketable', async () => {
    await limitPolicy({ limitOffsetBps: 0 });
    const record = await executeOrder(w, await approve(w, intentFor(BTC, 'entry', close)));
    // the slipped ask 50 025 is above the limit 50 000: 0.004 x 50 000 = 200, fee 0.2
    expect(record).toMatchObject({ status: 'FILLED', type: 'limit', limitPrice: '50000', averagePrice: '50000', fees: '0.2' });
  });

  it('places an exit signal as a sell limit above the decision price, ceiled to the tick', async () => {
    await trade(w, intentFor(BTC, 'entry', close));
    await limitPolicy({ limitOffsetBps: 10 });
    w.clock.advance(M);
    await seedMarket(w, BTC, '49999.99', '50000');
    const record = await executeOrder(w, await approve(w, intentFor(BTC, 'exit', close + M)));
    // 49 999.99 x 1.001 = 50 049.98999 -> 50 049.99
    expect(record).toMatchObject({ status: 'OPEN', side: 'sell', type: 'limit', limitPrice: '50049.99' });
  });

  it.each(['stop-loss', 'trailing-stop'])('sends a %s exit at market even when the policy places limit orders', async (reason) => {
    await trade(w, intentFor(BTC, 'entry', close));
    await limitPolicy({ limitOffsetBps: 10 });
    w.clock.advance(M);
    await seedMarket(w, BTC, '44999.99', '45000');
    const exitIntent = {
      ...intentFor(BTC, 'exit', close + M), strategy: RISK_EXIT_STRATEGY, reason,
      intentId: intentIdFor(RISK_EXIT_STRATEGY, BTC, 'sell', close + M),
    };
    const record = await executeOrder(w, await approve(w, exitIntent));
    expect(record).toMatchObject({ status: 'FILLED', type: 'market' });
    expect(record.limitPrice).toBeUndefined();
    expect((await storedLedger(w)).value.positions).toEqual({});
  });
});

describe('executeOrder: dust never blocks an exit', () => {
  /** Buys `quantity` BTC on the paper venue only (not through the ledger), as if bought earlier. */
  async function fundVenue(quantity: string): Promise<void> {
    const { policy } = await w.policies.load();
    const orderId = orderIdFor('funding');
    await w.exchangeFor(policy).placeOrder({
      orderId, clientOrderId: clientOrderIdFor(orderId), intentId: 'funding', strategy: 'momentum', symbol: BTC, side: 'buy', kind: 'entry',
      type: 'market', quantity, referencePrice: '50000', reservedNotional: '0', mode: 'PAPER', policyHash: 'test', createdAt: w.clock.now(),
    });
  }

  it('exits a position 0.0000123 BTC over a step multiple fully: sells the step-floored part, writes the rest off, no position is left', async () => {
    const at = w.clock.now();
    await editLedger(w, () => ledgerHolding(BTC, '0.0040123', '200.615', at)); // 0.0040123 x 50 000
    await fundVenue('0.00402'); // the venue holds the BTC
    w.clock.advance(M);
    await seedMarket(w, BTC, '49999.99', '50000');
    const exit = await approve(w, intentFor(BTC, 'exit', close + M));
    expect(exit.quantity).toBe('0.00401'); // the whole sellable quantity, floored to the 0.00001 step

    const record = await executeOrder(w, exit);
    expect(record).toMatchObject({ status: 'FILLED', filledQuantity: '0.00401' });
    expect(record.history.at(-1)?.note).toBe('dust written off: 0.0000023 BTC');
    const ledger = (await storedLedger(w)).value;
    expect(ledger.positions).toEqual({});
    // sold 0.00401 at 49 999.99 x 0.9995 -> 49 974.99: proceeds 200.3997099, fee 0.20039971; the whole cost 200.615 is released
    const trades = ledger.trades!;
    expect(trades).toHaveLength(1);
    expect([money(trades[0]!.quantity), money(trades[0]!.pnl)]).toEqual(['0.0040123', '-0.41568981']);
    expect(money(ledger.realizedPnl)).toBe('-0.41568981');

    const before = await storedLedger(w);
    await executeOrder(w, exit); // a redelivery writes nothing off twice
    expect(await storedLedger(w)).toEqual(before);
  });

  it('writes nothing off when what is left after an exit can still be sold', async () => {
    const at = w.clock.now();
    await editLedger(w, () => ledgerHolding(BTC, '0.0040123', '200.615', at));
    await fundVenue('0.00402');
    w.clock.advance(M);
    await seedMarket(w, BTC, '49999.99', '50000');
    const intent = intentFor(BTC, 'exit', close + M);
    const orderId = orderIdFor(intent.intentId);
    const exit = await approveAs(w, {
      orderId, clientOrderId: clientOrderIdFor(orderId), intentId: intent.intentId, strategy: 'momentum', symbol: BTC, side: 'sell', kind: 'exit',
      type: 'market', quantity: '0.002', referencePrice: '49999.99', reservedNotional: '0', mode: 'PAPER', policyHash: 'test', createdAt: w.clock.now(),
      exitReason: 'signal',
    });
    const record = await executeOrder(w, exit); // sells only part: 0.0020123 (> 0.0001 minimum) remains
    expect(record.history.at(-1)?.note).toBeUndefined();
    expect(money(held((await storedLedger(w)).value, BTC))).toBe('0.0020123');
  });
});

describe('executeOrder: one send per order, whatever the deliveries', () => {
  it('lets a delivery that finds the order SUBMITTING by another, and unknown to the exchange, send nothing while the lease runs, then only after not-found answers span the settle window', async () => {
    const request = await approve(w, intentFor(BTC, 'entry', close));
    const at = w.clock.now();
    await w.state.createOrder(transitionOrder(newOrderRecord(request, at), 'SUBMITTING', at)); // another delivery is sending it

    const err = await executeOrder(w, request).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ORDER_IN_FLIGHT', retryable: true });
    expect(w.placements).toEqual([]);

    w.clock.advance(SUBMIT_LEASE_MS - 1);
    await expect(executeOrder(w, request)).rejects.toMatchObject({ code: 'ORDER_IN_FLIGHT' });
    // The claimant may have died after the exchange accepted: its outcome is unknown, one "not found" settles nothing.
    w.clock.advance(1);
    await expect(executeOrder(w, request)).rejects.toMatchObject({ code: 'ORDER_UNRESOLVED', retryable: true });
    w.clock.advance(300_000);
    await expect(executeOrder(w, request)).rejects.toMatchObject({ code: 'ORDER_UNRESOLVED' });
    w.clock.advance(299_999); // three answers, but 1 ms short of settleWindowSeconds (600) after the lease
    await expect(executeOrder(w, request)).rejects.toMatchObject({ code: 'ORDER_UNRESOLVED' });
    expect(w.placements).toEqual([]);
    const unresolved = (await w.state.getOrder(request.orderId))!.value;
    expect(unresolved.status).toBe('SUBMITTING');
    expect(unresolved.history.map((h) => h.note).filter((n) => n?.startsWith('not found'))).toHaveLength(3);
    expect(Object.keys((await storedLedger(w)).value.reservations)).toEqual([request.orderId]);

    w.clock.advance(1);
    await seedMarket(w, BTC, '49999.99', '50000');
    const record = await executeOrder(w, request);
    expect(record.status).toBe('FILLED');
    expect(record.history.map((h) => h.note)).toEqual(expect.arrayContaining(['never placed: 4 not-found answers over 600 s', 'send claimed by a redelivery']));
    expect(w.placements).toEqual([request.clientOrderId]);
  });

  it('needs settleNotFoundChecks not-found answers before re-sending, however long ago the unknown send was', async () => {
    const request = await approve(w, intentFor(BTC, 'entry', close));
    const at = w.clock.now();
    await w.state.createOrder(transitionOrder(newOrderRecord(request, at), 'SUBMITTING', at));
    w.clock.advance(3_600_000);
    await seedMarket(w, BTC, '49999.99', '50000');
    for (let i = 0; i < 2; i++) await expect(executeOrder(w, request)).rejects.toMatchObject({ code: 'ORDER_UNRESOLVED' });
    expect(w.placements).toEqual([]);
    expect((await executeOrder(w, request)).status).toBe('FILLED');
    expect(w.placements).toEqual([request.clientOrderId]);
  });

  it('never re-sends a placement whose outcome is unknown (timed out) on a redelivery until the settle window has passed', async () => {
    const request = await approve(w, intentFor(BTC, 'entry', close));
    const timeouts = { left: 1 };
    const base = w.exchangeFor;
    w = { ...w, exchangeFor: (...args: Parameters<World['exchangeFor']>) => {
      const ex = base(...args);
      return Object.assign(Object.create(ex) as typeof ex, {
        placeOrder: async (r: typeof request) => {
          if (timeouts.left-- > 0) throw new ExchangeApiError('EXCHANGE_TIMEOUT', 'timed out (the order may have reached the exchange)', true, { outcomeUnknown: true });
          return ex.placeOrder(r);
        },
      });
    } };
    await expect(executeOrder(w, request)).rejects.toMatchObject({ code: 'EXCHANGE_TIMEOUT' });
    expect((await w.state.getOrder(request.orderId))!.value.history.at(-1)?.note).toBe('outcome unknown: EXCHANGE_TIMEOUT');
    for (const redelivery of [1, 2]) {
      w.clock.advance(360_000); // the orders queue's visibility timeout
      await expect(executeOrder(w, request), `redelivery ${redelivery}`).rejects.toMatchObject({ code: 'ORDER_UNRESOLVED' });
    }
    expect(w.placements).toEqual([]);
    w.clock.advance(360_000);
    await seedMarket(w, BTC, '49999.99', '50000');
    expect((await executeOrder(w, request)).status).toBe('FILLED');
    expect(w.placements).toEqual([request.clientOrderId]);
  });

  it('frees the lease at once when its send failed before reaching the exchange', async () => {
    const request = await approve(w, intentFor(BTC, 'entry', close));
    w.clock.advance(181_000); // stale book: the paper venue refuses before anything is placed
    await expect(executeOrder(w, request)).rejects.toMatchObject({ code: 'NO_MARKET_PRICE' });
    expect((await w.state.getOrder(request.orderId))?.value.history.at(-1)?.note).toBe('not sent: NO_MARKET_PRICE');

    await seedMarket(w, BTC, '49999.99', '50000');
    expect((await executeOrder(w, request)).status).toBe('FILLED'); // no wait for the lease
  });

  it('sends once when two deliveries of one message run at once', async () => {
    const request = await approve(w, intentFor(BTC, 'entry', close));
    const results = await Promise.allSettled([executeOrder(w, request), executeOrder(w, request)]);
    expect(w.placements).toEqual([request.clientOrderId]);
    expect(results.some((r) => r.status === 'fulfilled' && r.value.status === 'FILLED')).toBe(true);
    expect((await storedLedger(w)).value.fillCount).toBe(1);
  });
});

describe('executeOrder: the kill switch is read again right before every send', () => {
  /** The order as a delivery left it: SUBMITTING, its send known not made (so a redelivery may send at once). */
  async function leftUnsent(request: Awaited<ReturnType<typeof approve>>): Promise<void> {
    const at = w.clock.now();
    const submitting = transitionOrder(newOrderRecord(request, at), 'SUBMITTING', at);
    await w.state.createOrder({ ...submitting, history: [...submitting.history, { status: 'SUBMITTING', at, note: 'not sent: EXCHANGE_UNAVAILABLE' }] });
  }

  it('cancels a redelivered entry the switch tripped on while it was SUBMITTING, releasing its reservation, and never sends it; a redelivered exit still goes', async () => {
    await trade(w, intentFor(BTC, 'entry', close));
    w.clock.advance(M);
    await seedMarket(w, BTC, '49999.99', '50000');
    await seedMarket(w, ETH, '2999.99', '3000');
    const entry = await approve(w, intentFor(ETH, 'entry', close + M));
    const exit = await approve(w, intentFor(BTC, 'exit', close + M));
    await leftUnsent(entry);
    await leftUnsent(exit);
    await trip();

    const record = await executeOrder(w, entry);
    expect(record).toMatchObject({ status: 'CANCELED', rejectReason: 'KILL_SWITCH_NOT_ARMED' });
    expect(w.placements).not.toContain(entry.clientOrderId);
    expect((await executeOrder(w, exit)).status).toBe('FILLED'); // risk.allowExitsWhenHalted (default true)
    expect((await storedLedger(w)).value.reservations).toEqual({});
  });

  it('cancels a redelivered exit the switch tripped on while it was SUBMITTING when the policy holds exits while halted', async () => {
    await trade(w, intentFor(BTC, 'entry', close));
    w.clock.advance(M);
    await seedMarket(w, BTC, '49999.99', '50000');
    const exit = await approve(w, intentFor(BTC, 'exit', close + M));
    await leftUnsent(exit);
    await setPolicy(w, { ...UNPACED, symbols: [BTC, ETH], risk: { allowExitsWhenHalted: false } });
    await trip();
    expect(await executeOrder(w, exit)).toMatchObject({ status: 'CANCELED', rejectReason: 'KILL_SWITCH_NOT_ARMED' });
    expect(w.placements).not.toContain(exit.clientOrderId);
    expect(money(held((await storedLedger(w)).value, BTC))).toBe('0.004');
  });
});
