/**
 * Sliced orders (execution.slicing) end to end on dynalite and the fake Binance through ccxt: the parent is never
 * sent, its children go through executeOrder's exactly-once path, the parent's reservation covers them, and the
 * manage loop, the kill switch and the ledger treat children and parent as documented.
 */
import { describe, expect, it } from 'vitest';
import { CcxtExchange, createCcxtClient } from '../../../shared/adapters/ccxt-exchange.js';
import { DynamoStateStore } from '../../../shared/adapters/dynamo-state-store.js';
import { MemoryAlerts } from '../../../shared/adapters/memory-alerts.js';
import { MemoryMarketStore } from '../../../shared/adapters/memory-market-store.js';
import { MemoryPolicyStore } from '../../../shared/adapters/memory-policy-store.js';
import { reserve } from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import { clientOrderIdFor, newOrderRecord, orderIdFor, transitionOrder, type OrderRequest } from '../../../shared/domain/order.js';
import { CLIENT_ORDER_PREFIX } from '../../../shared/resources.js';
import { sliceOrderId } from '../../../shared/domain/slicing.js';
import { provision } from '../../../shared/local/provision.js';
import { executeOrder, type ExecutionDeps } from '../../../shared/services/execute-order.js';
import { manageOpenOrders } from '../../../shared/services/manage-open-orders.js';
import { reconcileAccount, STUCK_ORDER_MS } from '../../../shared/services/reconcile-account.js';
import { loadLedger } from '../../../shared/services/portfolio.js';
import { tripKillSwitchNow } from '../../../shared/services/trip-kill-switch.js';
import { recordApprovedDecision } from '../../support/approved-decision.js';
import { useDynalite } from '../../support/dynalite-suite.js';
import { FakeBinance } from '../../support/fake-binance.js';

const suite = useDynalite();
const T0 = Date.UTC(2024, 2, 1, 12, 0);
let n = 0;

async function world(policyDoc: Record<string, unknown> = {}) {
  const clock = { t: T0, now() { return this.t; } };
  const fake = await FakeBinance.start({ apiKey: 'k', secret: 's', balances: { USDT: '100000', BTC: '1', ETH: '0' }, now: () => clock.now() });
  const { tables } = await provision(suite.e, `sliced${++n}`);
  const state = new DynamoStateStore({ tableName: tables.state, client: suite.client });
  const policies = new MemoryPolicyStore({ clock, validation: { exchangeKeysConfigured: true } });
  await policies.write({ mode: 'LIVE', liveTradingConfirmed: true, symbols: ['BTC/USDT'], paper: { startingCash: '100000' }, ...policyDoc }, { by: 'test', at: T0 });
  const { policy } = await policies.load();
  const client = createCcxtClient('binance', { apiKey: 'k', secret: 's' }, { restOrigin: fake.origin, rateLimit: false, timeoutMs: 2_000 });
  const exchange = new CcxtExchange(client, { retry: policy.exchange });
  const market = new MemoryMarketStore();
  const alerts = new MemoryAlerts();
  const deps: ExecutionDeps & { market: MemoryMarketStore } = { clock, state, policies, alerts, exchangeFor: () => exchange, market };
  // Seed the ledger's starting position for sells (1 BTC, as the fake exchange holds).
  return { clock, fake, state, policy, deps, alerts };
}

type World = Awaited<ReturnType<typeof world>>;

/** An approved sliced order with its reservation, as the risk function leaves it. */
async function approve(w: World, over: Partial<OrderRequest> & Pick<OrderRequest, 'side' | 'quantity' | 'slices'>): Promise<OrderRequest> {
  const intentId = `sliced-${++n}`;
  const orderId = orderIdFor(intentId);
  const buy = over.side === 'buy';
  const request: OrderRequest = {
    orderId, clientOrderId: clientOrderIdFor(orderId), intentId, strategy: 'momentum', symbol: 'BTC/USDT', kind: buy ? 'entry' : 'exit',
    type: 'market', referencePrice: buy ? '50000.10' : '50000', reservedNotional: buy ? dec(over.quantity).mul('50050.1').toFixed() : '0',
    mode: 'LIVE', policyHash: 'test', createdAt: w.clock.now(), sliceIntervalSeconds: 0, ...(buy ? {} : { exitReason: 'signal' }), ...over,
  };
  const stored = await loadLedger(w.state, w.policy, w.clock.now());
  const notional = dec(request.reservedNotional);
  const next = reserve(stored.value, { orderId, symbol: request.symbol, side: request.side, notional, createdAt: w.clock.now(), strategy: 'momentum', kind: request.kind });
  if (!(await w.state.putLedger(next, stored.version))) throw new Error('reservation lost a write race');
  await recordApprovedDecision(w.state, request, w.clock.now());
  return request;
}

const childIds = (r: OrderRequest) => r.slices!.map((_, i) => clientOrderIdFor(sliceOrderId(r.orderId, i)));

describe('sliced orders on dynalite and the fake Binance', () => {
  it('sends a sliced market buy as its children only, each once under its own client order id, and books the parent filled with their total', async () => {
    const w = await world();
    try {
      const r = await approve(w, { side: 'buy', quantity: '0.3', slices: ['0.1', '0.1', '0.1'] });
      const parent = await executeOrder(w.deps, r);
      expect(parent).toMatchObject({ status: 'FILLED', filledQuantity: '0.3' });
      expect(w.fake.ordersByClientId(r.clientOrderId)).toEqual([]);
      for (const id of childIds(r)) {
        expect(id.startsWith(CLIENT_ORDER_PREFIX) && id.length <= 36).toBe(true);
        expect(w.fake.ordersByClientId(id).map((o) => [o.status, Number(o.executedQty)])).toEqual([['FILLED', 0.1]]);
      }
      const ledger = (await loadLedger(w.state, w.policy, w.clock.now())).value;
      expect(ledger.reservations[r.orderId]).toBeUndefined();
      expect(ledger.positions['BTC/USDT']?.quantity.toFixed()).toBe(dec(w.fake.totals().BTC!).sub(1).toFixed()); // less the commission taken in BTC
      // a redelivery of the parent sends nothing again
      expect(await executeOrder(w.deps, r)).toMatchObject({ status: 'FILLED' });
      expect(w.fake.orders).toHaveLength(3);
    } finally {
      await w.fake.stop();
    }
  });

  it('holds children until they are due, keeps the parent reserved meanwhile, and the manage loop sends the rest when due', async () => {
    const w = await world();
    try {
      const r = await approve(w, { side: 'buy', quantity: '0.2', slices: ['0.1', '0.1'], sliceIntervalSeconds: 60 });
      expect(await executeOrder(w.deps, r)).toMatchObject({ status: 'PARTIALLY_FILLED', filledQuantity: '0.1' });
      expect(w.fake.orders).toHaveLength(1);
      expect((await loadLedger(w.state, w.policy, w.clock.now())).value.reservations[r.orderId]).toBeDefined();
      w.clock.t += 30_000;
      await manageOpenOrders(w.deps);
      expect(w.fake.orders).toHaveLength(1);
      w.clock.t += 30_000;
      const report = await manageOpenOrders(w.deps);
      expect(report.failures).toEqual([]);
      expect((await w.state.getOrder(r.orderId))?.value).toMatchObject({ status: 'FILLED', filledQuantity: '0.2' });
      expect(w.fake.orders.map((o) => o.clientOrderId)).toEqual(childIds(r));
      expect((await loadLedger(w.state, w.policy, w.clock.now())).value.reservations[r.orderId]).toBeUndefined();
    } finally {
      await w.fake.stop();
    }
  });

  it("cancels an entry's unsent children when the kill switch trips and releases the parent's reservation", async () => {
    const w = await world();
    try {
      const r = await approve(w, { side: 'buy', quantity: '0.3', slices: ['0.1', '0.1', '0.1'], sliceIntervalSeconds: 60 });
      await executeOrder(w.deps, r);
      await tripKillSwitchNow(w.deps, { reason: 'test', by: 'test' });
      const parent = (await w.state.getOrder(r.orderId))?.value;
      expect(parent).toMatchObject({ status: 'CANCELED', filledQuantity: '0.1', rejectReason: 'SLICES_HELD' });
      w.clock.t += 120_000;
      await manageOpenOrders(w.deps);
      expect(w.fake.orders).toHaveLength(1);
      expect((await loadLedger(w.state, w.policy, w.clock.now())).value.reservations[r.orderId]).toBeUndefined();
    } finally {
      await w.fake.stop();
    }
  });

  it("lets an exit's children continue while the kill switch is tripped, and books the sliced exit as one closed trade", async () => {
    const w = await world();
    try {
      const buy = await approve(w, { side: 'buy', quantity: '0.2', slices: ['0.1', '0.1'] });
      await executeOrder(w.deps, buy);
      const held = (await loadLedger(w.state, w.policy, w.clock.now())).value.positions['BTC/USDT']!.quantity; // 0.2 less the BTC commission
      const half = held.div(2).toDecimalPlaces(5, 1);
      const sell = await approve(w, { side: 'sell', quantity: held.toFixed(), slices: [half.toFixed(), held.sub(half).toFixed()], sliceIntervalSeconds: 60 });
      await executeOrder(w.deps, sell);
      await tripKillSwitchNow(w.deps, { reason: 'test', by: 'test' });
      w.clock.t += 60_000;
      expect((await manageOpenOrders(w.deps)).failures).toEqual([]);
      expect((await w.state.getOrder(sell.orderId))?.value).toMatchObject({ status: 'FILLED', filledQuantity: held.toFixed() });
      expect(w.fake.orders).toHaveLength(4);
      const ledger = (await loadLedger(w.state, w.policy, w.clock.now())).value;
      expect(ledger.positions['BTC/USDT']).toBeUndefined();
      expect(ledger.trades?.map((t) => t.quantity.toFixed())).toEqual([held.toFixed()]);
    } finally {
      await w.fake.stop();
    }
  });

  it('carries on a parent left SUBMITTING (its message dead-lettered) from the manage loop, and lets reconcile cancel one never admitted', async () => {
    const w = await world();
    try {
      const stuck = await approve(w, { side: 'buy', quantity: '0.2', slices: ['0.1', '0.1'] });
      const created = await w.state.createOrder(newOrderRecord(stuck, w.clock.now()));
      expect(await w.state.updateOrder(transitionOrder(created.value, 'SUBMITTING', w.clock.now()), created.version)).toBe(true);
      const never = await approve(w, { side: 'buy', quantity: '0.2', slices: ['0.1', '0.1'] });
      await w.state.createOrder(newOrderRecord(never, w.clock.now()));
      w.clock.t += STUCK_ORDER_MS + 60_000;
      const managed = await manageOpenOrders(w.deps);
      expect(managed.resumed).toEqual([stuck.clientOrderId]);
      expect((await w.state.getOrder(stuck.orderId))?.value).toMatchObject({ status: 'FILLED', filledQuantity: '0.2' });
      await reconcileAccount(w.deps);
      expect((await w.state.getOrder(never.orderId))?.value).toMatchObject({ status: 'CANCELED', rejectReason: 'NEVER_REACHED_EXCHANGE' });
      const ledger = (await loadLedger(w.state, w.policy, w.clock.now())).value;
      expect([ledger.reservations[stuck.orderId], ledger.reservations[never.orderId]]).toEqual([undefined, undefined]);
      expect(w.fake.orders.map((o) => o.clientOrderId)).toEqual(childIds(stuck));
    } finally {
      await w.fake.stop();
    }
  });

  it('stops at a child cancelled at its admission (the policy mode changed) and sends no later child', async () => {
    const w = await world();
    try {
      const r = await approve(w, { side: 'buy', quantity: '0.3', slices: ['0.1', '0.1', '0.1'], sliceIntervalSeconds: 60 });
      await executeOrder(w.deps, r);
      await w.deps.policies.write({ mode: 'PAPER', symbols: ['BTC/USDT'] }, { by: 'test', at: w.clock.now() });
      w.clock.t += 60_000;
      await manageOpenOrders(w.deps);
      expect((await w.state.getOrder(sliceOrderId(r.orderId, 1)))?.value).toMatchObject({ status: 'CANCELED', rejectReason: 'MODE_CHANGED' });
      expect((await w.state.getOrder(r.orderId))?.value).toMatchObject({ status: 'CANCELED', filledQuantity: '0.1', rejectReason: 'SLICES_HELD' });
      w.clock.t += 120_000;
      await manageOpenOrders(w.deps);
      expect(await w.state.getOrder(sliceOrderId(r.orderId, 2))).toBeUndefined();
      expect(w.fake.orders).toHaveLength(1);
    } finally {
      await w.fake.stop();
    }
  });

  it('refuses a slice child that is not in the decision\'s plan and sends nothing', async () => {
    const w = await world();
    try {
      const r = await approve(w, { side: 'buy', quantity: '0.2', slices: ['0.1', '0.1'], sliceIntervalSeconds: 600 });
      await executeOrder(w.deps, r);
      const forged: OrderRequest = {
        ...r, slices: undefined, sliceIntervalSeconds: undefined, orderId: sliceOrderId(r.orderId, 1), clientOrderId: clientOrderIdFor(sliceOrderId(r.orderId, 1)),
        quantity: '0.15', reservedNotional: '0', parentOrderId: r.orderId, sliceIndex: 1,
      };
      expect(await executeOrder(w.deps, forged)).toMatchObject({ status: 'REJECTED', rejectReason: 'DECISION_MISMATCH' });
      expect(w.fake.orders).toHaveLength(1);
    } finally {
      await w.fake.stop();
    }
  });
});
