/**
 * The exchange is slow to show an order it accepted (a query lag): deterministic scenarios against the fake
 * Binance on loopback, with the orders queue's redeliveries and the reconcile schedule on a virtual clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CcxtExchange, createCcxtClient } from '../../../shared/adapters/ccxt-exchange.js';
import { MemoryAlerts } from '../../../shared/adapters/memory-alerts.js';
import { MemoryPolicyStore } from '../../../shared/adapters/memory-policy-store.js';
import { MemoryStateStore } from '../../../shared/adapters/memory-state-store.js';
import { reserve } from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import { clientOrderIdFor, isTerminal, orderIdFor, type OrderRecord, type OrderRequest } from '../../../shared/domain/order.js';
import { QUEUES } from '../../../shared/resources.js';
import { executeOrder, type ExecutionDeps } from '../../../shared/services/execute-order.js';
import { loadLedger } from '../../../shared/services/portfolio.js';
import { reconcileAccount, STUCK_ORDER_MS } from '../../../shared/services/reconcile-account.js';
import { recordApprovedDecision } from '../../support/approved-decision.js';
import { FakeBinance, fault } from '../../support/fake-binance.js';
import { Crash, CrashPlan, crashable } from '../../support/fake-binance/crash.js';

const T0 = Date.UTC(2024, 2, 1, 12, 0);
const MIN = 60_000;
const REDELIVERY_MS = QUEUES.orders.visibilityTimeoutSeconds * 1000;
const clock = { t: T0, now() { return this.t; } };

let fake: FakeBinance;
let venue: CcxtExchange;
let state: MemoryStateStore;
let policies: MemoryPolicyStore;
let alerts: MemoryAlerts;

beforeEach(async () => {
  clock.t = T0;
  fake = await FakeBinance.start({ apiKey: 'k', secret: 's', balances: { USDT: '10000', BTC: '0' }, now: () => clock.now() });
  venue = new CcxtExchange(createCcxtClient('binance', { apiKey: 'k', secret: 's' }, { restOrigin: fake.origin, rateLimit: false, timeoutMs: 200 }),
    { sleep: async () => {}, random: () => 0, retry: { maxRetries: 0, retryBaseDelayMs: 1, retryMaxDelayMs: 1 } });
  state = new MemoryStateStore();
  alerts = new MemoryAlerts();
});
afterEach(async () => {
  await fake.stop();
});

async function usePolicy(execution: Record<string, number> = {}): Promise<void> {
  policies = new MemoryPolicyStore({ clock, validation: { exchangeKeysConfigured: true } });
  await policies.write({ mode: 'LIVE', liveTradingConfirmed: true, symbols: ['BTC/USDT'], paper: { startingCash: '10000' }, execution }, { by: 'test', at: T0 });
  const loaded = await policies.load();
  if (loaded.source !== 'active') throw new Error(`policy rejected: ${JSON.stringify(loaded.rejected)}`);
}

function deps(plan = new CrashPlan()): ExecutionDeps {
  const exchange = crashable(venue, 'exchange', plan);
  return { clock, state: crashable(state, 'state', plan), policies, alerts, exchangeFor: () => exchange };
}

/** An approved LIVE market buy of 0.002 BTC (or as `over` says) with its decision and reservation, as the risk function leaves them. */
async function approved(name: string, over: Partial<OrderRequest> = {}): Promise<OrderRequest> {
  const orderId = orderIdFor(name);
  const ledger = await loadLedger(state, (await policies.load()).policy, clock.now());
  await state.putLedger(reserve(ledger.value, { orderId, symbol: 'BTC/USDT', side: 'buy', notional: dec('100.0002'), createdAt: clock.now(), kind: 'entry' }), ledger.version);
  const request: OrderRequest = {
    orderId, clientOrderId: clientOrderIdFor(orderId), intentId: name, strategy: 'momentum', symbol: 'BTC/USDT', side: 'buy', kind: 'entry',
    type: 'market', quantity: '0.002', referencePrice: '50000.1', reservedNotional: '100.0002', mode: 'LIVE', policyHash: 'test', createdAt: clock.now(),
    ...over,
  };
  await recordApprovedDecision(state, request, clock.now());
  return request;
}

/** Redelivers the message every visibility timeout, as SQS does, until a delivery completes; returns the errors seen. */
async function redeliverUntilDone(request: OrderRequest, max = 12): Promise<{ record: OrderRecord; errors: string[] }> {
  const errors: string[] = [];
  for (let d = 0; d < max; d++) {
    clock.t += REDELIVERY_MS;
    try {
      return { record: await executeOrder(deps(), request), errors };
    } catch (error) {
      errors.push((error as { code?: string }).code ?? String(error));
    }
  }
  throw new Error(`not done after ${max} redeliveries: ${errors.join(', ')}`);
}

async function expectLedgerMatchesExchange(request: OrderRequest): Promise<void> {
  const ledger = (await loadLedger(state, (await policies.load()).policy, clock.now())).value;
  expect(ledger.positions['BTC/USDT']?.quantity.toFixed()).toBe(fake.totals().BTC);
  expect(ledger.cash.toFixed()).toBe(fake.totals().USDT);
  expect(ledger.reservations[request.orderId]).toBeUndefined();
}

describe('an exchange slow to show an order it accepted', () => {
  it('a 15-minute query lag never produces a second order (settleWindowSeconds 900)', async () => {
    await usePolicy({ settleWindowSeconds: 900, unresolvedAlertSeconds: 1800 });
    const request = await approved('lag-15-min');
    fake.setQueryLag(() => 15 * MIN);
    fake.script('POST /api/v3/order', fault.responseLost());
    await expect(executeOrder(deps(), request)).rejects.toMatchObject({ retryable: true });

    const { record, errors } = await redeliverUntilDone(request);
    expect(fake.ordersByClientId(request.clientOrderId)).toHaveLength(1);
    expect(record).toMatchObject({ status: 'FILLED', filledQuantity: '0.002' });
    expect(errors).toEqual(['ORDER_UNRESOLVED', 'ORDER_UNRESOLVED']);
    await expectLedgerMatchesExchange(request);
  });

  it('with the default settle window, a 400 s query lag after a crash between the accept and the record never produces a second order', async () => {
    await usePolicy();
    const request = await approved('lag-400-s');
    fake.setQueryLag(() => 400_000);
    const plan = new CrashPlan('after exchange.placeOrder');
    await expect(executeOrder(deps(plan), request)).rejects.toBeInstanceOf(Crash);
    expect(fake.ordersByClientId(request.clientOrderId)).toHaveLength(1);

    const { record, errors } = await redeliverUntilDone(request);
    expect(fake.ordersByClientId(request.clientOrderId)).toHaveLength(1);
    expect(record.status).toBe('FILLED');
    expect(errors).toEqual(['ORDER_UNRESOLVED']);
    await expectLedgerMatchesExchange(request);
  });

  it('re-sends a send of unknown outcome that never reached the exchange once not-found answers span the settle window, and places it once', async () => {
    await usePolicy();
    const request = await approved('never-arrived');
    const plan = new CrashPlan('before exchange.placeOrder');
    await expect(executeOrder(deps(plan), request)).rejects.toBeInstanceOf(Crash); // claimed, then died: outcome unknown

    const { record, errors } = await redeliverUntilDone(request);
    expect(errors).toEqual(['ORDER_UNRESOLVED', 'ORDER_UNRESOLVED']); // answers at 6 and 12 min; resolved at 18 (3 answers, 10 min after the lease)
    expect(record.status).toBe('FILLED');
    expect(fake.ordersByClientId(request.clientOrderId)).toHaveLength(1);
  });

  it('records no REJECTED for a re-send the exchange refuses as a duplicate while it still hides the first (resting) order: it stays unresolved until shown', async () => {
    await usePolicy(); // a 10-minute window against a 20-minute lag: the window is too short, the duplicate refusal still holds
    const request = await approved('lag-beyond-window', { type: 'limit', limitPrice: '49000' }); // rests below the ask
    fake.setQueryLag(() => 20 * MIN);
    fake.script('POST /api/v3/order', fault.responseLost());
    await expect(executeOrder(deps(), request)).rejects.toMatchObject({ retryable: true });

    const { record, errors } = await redeliverUntilDone(request);
    expect(errors).toContain('ORDER_UNRESOLVED');
    expect(record).toMatchObject({ status: 'OPEN', filledQuantity: '0' });
    expect(fake.ordersByClientId(request.clientOrderId)).toHaveLength(1);
    expect(fake.calls('POST /api/v3/order')).toHaveLength(2); // the re-send, refused: "Duplicate order sent."
  });

  it('reconcile keeps an unresolved order and its reservation past STUCK_ORDER_MS while the settle window runs, and books it once the exchange shows it', async () => {
    await usePolicy({ settleWindowSeconds: 2400, unresolvedAlertSeconds: 3000 });
    const request = await approved('lag-35-min');
    fake.setQueryLag(() => 35 * MIN);
    fake.script('POST /api/v3/order', fault.responseLost());
    await expect(executeOrder(deps(), request)).rejects.toMatchObject({ retryable: true }); // its message is then dead-lettered
    const reconcile = () => reconcileAccount({ clock, state, policies, alerts, exchangeFor: () => venue });
    for (let at = 5 * MIN; at < 35 * MIN; at += 5 * MIN) {
      clock.t = T0 + at;
      await reconcile();
      const order = (await state.getOrder(request.orderId))!.value;
      expect(isTerminal(order.status), `${at / MIN} min: ${order.status}`).toBe(false);
    }
    expect(STUCK_ORDER_MS).toBeLessThan(35 * MIN);
    clock.t = T0 + 35 * MIN;
    await reconcile();
    expect((await state.getOrder(request.orderId))!.value).toMatchObject({ status: 'FILLED', filledQuantity: '0.002' });
    expect(fake.ordersByClientId(request.clientOrderId)).toHaveLength(1);
    await expectLedgerMatchesExchange(request);
  });
});
