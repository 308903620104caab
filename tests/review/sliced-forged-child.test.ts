/**
 * Forged slice-child messages on orders.fifo: a child that is in the plan with the planned quantity but sent ahead of
 * its time, ahead of its elder sibling, after its elder sibling was refused, or as a limit order, must be refused
 * (DECISION_MISMATCH) and never reach the exchange — execution sends children only as workSliced would.
 */
import { describe, expect, it } from 'vitest';
import { CcxtExchange, createCcxtClient } from '../../shared/adapters/ccxt-exchange.js';
import { DynamoStateStore } from '../../shared/adapters/dynamo-state-store.js';
import { MemoryAlerts } from '../../shared/adapters/memory-alerts.js';
import { MemoryMarketStore } from '../../shared/adapters/memory-market-store.js';
import { MemoryPolicyStore } from '../../shared/adapters/memory-policy-store.js';
import { reserve } from '../../shared/domain/ledger.js';
import { dec } from '../../shared/domain/money.js';
import { clientOrderIdFor, orderIdFor, type OrderRequest } from '../../shared/domain/order.js';
import { sliceOrderId } from '../../shared/domain/slicing.js';
import { provision } from '../../shared/local/provision.js';
import { executeOrder, type ExecutionDeps } from '../../shared/services/execute-order.js';
import { loadLedger } from '../../shared/services/portfolio.js';
import { recordApprovedDecision } from '../support/approved-decision.js';
import { useDynalite } from '../support/dynalite-suite.js';
import { FakeBinance } from '../support/fake-binance.js';

const suite = useDynalite();
const T0 = Date.UTC(2024, 2, 1, 12, 0);
let n = 0;

async function world() {
  const clock = { t: T0, now() { return this.t; } };
  const fake = await FakeBinance.start({ apiKey: 'k', secret: 's', balances: { USDT: '100000', BTC: '1' }, now: () => clock.now() });
  const { tables } = await provision(suite.e, `rforged${++n}`);
  const state = new DynamoStateStore({ tableName: tables.state, client: suite.client });
  const policies = new MemoryPolicyStore({ clock, validation: { exchangeKeysConfigured: true } });
  await policies.write({ mode: 'LIVE', liveTradingConfirmed: true, symbols: ['BTC/USDT'], paper: { startingCash: '100000' } }, { by: 'test', at: T0 });
  const { policy } = await policies.load();
  const client = createCcxtClient('binance', { apiKey: 'k', secret: 's' }, { restOrigin: fake.origin, rateLimit: false, timeoutMs: 2_000 });
  const exchange = new CcxtExchange(client, { retry: policy.exchange });
  const deps: ExecutionDeps & { market: MemoryMarketStore } = { clock, state, policies, alerts: new MemoryAlerts(), exchangeFor: () => exchange, market: new MemoryMarketStore() };
  return { clock, fake, state, policy, deps };
}

type World = Awaited<ReturnType<typeof world>>;

async function approveSliced(w: World, slices: string[], sliceIntervalSeconds: number): Promise<OrderRequest> {
  const intentId = `rforged-${++n}`;
  const orderId = orderIdFor(intentId);
  const quantity = slices.reduce((s, q) => s.add(q), dec(0)).toFixed();
  const request: OrderRequest = {
    orderId, clientOrderId: clientOrderIdFor(orderId), intentId, strategy: 'momentum', symbol: 'BTC/USDT', side: 'buy', kind: 'entry',
    type: 'market', quantity, referencePrice: '50000.10', reservedNotional: dec(quantity).mul('50050.1').toFixed(), mode: 'LIVE', policyHash: 'test',
    createdAt: w.clock.now(), slices, sliceIntervalSeconds,
  };
  const stored = await loadLedger(w.state, w.policy, w.clock.now());
  const next = reserve(stored.value, { orderId, symbol: 'BTC/USDT', side: 'buy', notional: dec(request.reservedNotional), createdAt: w.clock.now(), strategy: 'momentum', kind: 'entry' });
  if (!(await w.state.putLedger(next, stored.version))) throw new Error('reservation lost a write race');
  await recordApprovedDecision(w.state, request, w.clock.now());
  return request;
}

/** The index-th child exactly as planned (ids, quantity), as a forger with the decision in hand would write it. */
function forgedChild(r: OrderRequest, index: number, over: Partial<OrderRequest> = {}): OrderRequest {
  const orderId = sliceOrderId(r.orderId, index);
  return {
    ...r, slices: undefined, sliceIntervalSeconds: undefined, orderId, clientOrderId: clientOrderIdFor(orderId),
    quantity: r.slices![index]!, reservedNotional: '0', parentOrderId: r.orderId, sliceIndex: index, executedBefore: '0', ...over,
  };
}

describe('a forged slice child with the planned id and quantity', () => {
  it('is refused when it arrives before it is due (the plan spaces children 600 s apart)', async () => {
    const w = await world();
    try {
      const r = await approveSliced(w, ['0.1', '0.1', '0.1'], 600);
      await executeOrder(w.deps, r);
      expect(w.fake.orders).toHaveLength(1);
      expect(await executeOrder(w.deps, forgedChild(r, 1))).toMatchObject({ status: 'REJECTED', rejectReason: 'DECISION_MISMATCH' });
      expect(w.fake.orders).toHaveLength(1);
    } finally {
      await w.fake.stop();
    }
  });

  it('is refused ahead of its elder sibling, even once due', async () => {
    const w = await world();
    try {
      const r = await approveSliced(w, ['0.1', '0.1', '0.1'], 60);
      await executeOrder(w.deps, r); // child 0 sent, child 1 due at +60 s
      w.clock.t += 120_000; // child 1 and 2 due, child 1 not yet sent
      expect(await executeOrder(w.deps, forgedChild(r, 2))).toMatchObject({ status: 'REJECTED', rejectReason: 'DECISION_MISMATCH' });
      expect(w.fake.orders).toHaveLength(1);
    } finally {
      await w.fake.stop();
    }
  });

  it('is refused as a limit order', async () => {
    const w = await world();
    try {
      const r = await approveSliced(w, ['0.1', '0.1'], 0);
      const [orderId, clientOrderId] = [sliceOrderId(r.orderId, 0), clientOrderIdFor(sliceOrderId(r.orderId, 0))];
      await w.state.createOrder({ ...(await import('../../shared/domain/order.js')).newOrderRecord(r, w.clock.now()) });
      const child = forgedChild(r, 0, { type: 'limit', limitPrice: '99999' });
      expect(await executeOrder(w.deps, { ...child, orderId, clientOrderId })).toMatchObject({ status: 'REJECTED', rejectReason: 'DECISION_MISMATCH' });
      expect(w.fake.orders).toHaveLength(0);
    } finally {
      await w.fake.stop();
    }
  });
});
