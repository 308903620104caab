/**
 * The chaos test's concurrent-duplicate-delivery findings as deterministic scenarios: two deliveries of the
 * same order message run at once (an SQS redelivery racing a slow first delivery) and the fake exchange holds
 * one placement until the other delivery has finished, so the interleaving is exact, not timing-dependent.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CcxtExchange, createCcxtClient } from '../../../shared/adapters/ccxt-exchange.js';
import { MemoryAlerts } from '../../../shared/adapters/memory-alerts.js';
import { MemoryPolicyStore } from '../../../shared/adapters/memory-policy-store.js';
import { MemoryStateStore } from '../../../shared/adapters/memory-state-store.js';
import { reserve } from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import { recordApprovedDecision } from '../../support/approved-decision.js';
import { clientOrderIdFor, orderIdFor, type OrderRequest } from '../../../shared/domain/order.js';
import { executeOrder, type ExecutionDeps } from '../../../shared/services/execute-order.js';
import { loadLedger } from '../../../shared/services/portfolio.js';
import { FakeBinance, fault, type Fault } from '../../support/fake-binance.js';

const T0 = Date.UTC(2024, 2, 1, 12, 0);
const POLICY = { mode: 'LIVE', liveTradingConfirmed: true, symbols: ['BTC/USDT', 'ETH/USDT'], paper: { startingCash: '10000' } };

let fake: FakeBinance;
let deps: ExecutionDeps;
let state: MemoryStateStore;
let request: OrderRequest;

beforeEach(async () => {
  const clock = { now: () => T0 };
  fake = await FakeBinance.start({ apiKey: 'k', secret: 's', balances: { USDT: '10000', BTC: '0' }, now: clock.now });
  const venue = new CcxtExchange(createCcxtClient('binance', { apiKey: 'k', secret: 's' }, { restOrigin: fake.origin, rateLimit: false }),
    { sleep: async () => {}, random: () => 0 });
  const policies = new MemoryPolicyStore({ clock, validation: { exchangeKeysConfigured: true } });
  await policies.write(POLICY, { by: 'test', at: T0 });
  const { policy } = await policies.load();
  state = new MemoryStateStore();
  deps = { clock, state, policies, alerts: new MemoryAlerts(), exchangeFor: () => venue };
  const orderId = orderIdFor('concurrent-delivery');
  request = {
    orderId, clientOrderId: clientOrderIdFor(orderId), intentId: 'concurrent-delivery', strategy: 'momentum', symbol: 'BTC/USDT',
    side: 'buy', kind: 'entry', type: 'market', quantity: '0.002', referencePrice: '50000.1', reservedNotional: '100.0002',
    mode: 'LIVE', policyHash: 'test', createdAt: T0,
  };
  const ledger = await loadLedger(state, policy, T0);
  await state.putLedger(reserve(ledger.value, {
    orderId, symbol: 'BTC/USDT', side: 'buy', notional: dec('100.0002'), createdAt: T0, kind: 'entry',
  }), ledger.version);
  await recordApprovedDecision(state, request, T0);
});
afterEach(async () => {
  await fake.stop();
});

/**
 * Runs two deliveries at once. The first placement to reach the exchange is held until one delivery has
 * finished; later placements get `then` (undefined: handled normally).
 */
async function twoDeliveriesOneHeld(...then: (Fault | undefined)[]): Promise<void> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => { release = resolve; });
  fake.script('POST /api/v3/order', fault.hold(held), ...then);
  const deliveries = [executeOrder(deps, request), executeOrder(deps, request)].map((p) => p.then(() => undefined, () => undefined));
  await Promise.race(deliveries);
  release();
  await Promise.all(deliveries);
}

describe('concurrent duplicate deliveries of one order message', () => {
  it('place the order on the exchange once', async () => {
    await twoDeliveriesOneHeld();
    expect(fake.ordersByClientId(request.clientOrderId)).toHaveLength(1);
  });

  it('never record REJECTED for an order the exchange filled', async () => {
    // The second placement to arrive is refused (funds momentarily short); the held first one is accepted after it.
    await twoDeliveriesOneHeld(fault.reject(-2010, 'Account has insufficient balance for requested action.'));

    const onExchange = fake.ordersByClientId(request.clientOrderId);
    const record = (await state.getOrder(request.orderId))?.value;
    expect(onExchange.map((o) => o.status)).toEqual(['FILLED']);
    expect(record?.status).toBe('FILLED');
  });
});
