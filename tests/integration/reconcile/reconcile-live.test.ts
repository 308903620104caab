/**
 * Reconciliation in LIVE mode against the fake Binance REST server (CcxtExchange from createCcxtClient,
 * pointed at it, paced by the shared DynamoDB rate limiter as deps.ts wires it) and the state and policy
 * tables on dynalite: orders placed while the pipeline was down are adopted, fills that happened while it
 * was down are booked exactly once, finished orders are closed, and balance drift alerts or trips.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CcxtExchange, createCcxtClient } from '../../../shared/adapters/ccxt-exchange.js';
import { DynamoPolicyStore } from '../../../shared/adapters/dynamo-policy-store.js';
import { DynamoRateLimiter, RATE_LIMIT_TYPE, rateWindowPk } from '../../../shared/adapters/dynamo-rate-limiter.js';
import { DynamoStateStore } from '../../../shared/adapters/dynamo-state-store.js';
import { MemoryAlerts } from '../../../shared/adapters/memory-alerts.js';
import { chargeCcxtRequests } from '../../../shared/adapters/rate-limited-exchange.js';
import { dec, money } from '../../../shared/domain/money.js';
import { clientOrderIdFor, orderIdFor, type OrderRequest } from '../../../shared/domain/order.js';
import { provision } from '../../../shared/local/provision.js';
import type { Clock, Exchange } from '../../../shared/ports.js';
import { executeOrder } from '../../../shared/services/execute-order.js';
import { recordApprovedDecision } from '../../support/approved-decision.js';
import { ADOPTED, reconcileAccount, type ReconcileDeps } from '../../../shared/services/reconcile-account.js';
import { FakeBinance } from '../../support/fake-binance.js';
import { useDynalite } from '../../support/dynalite-suite.js';

const BTC = 'BTC/USDT';
const T0 = Date.UTC(2024, 5, 3, 12, 0, 30);
const KEYS = { apiKey: 'live-key', secret: 'live-secret' };

class TestClock implements Clock {
  constructor(public t: number) {}
  now(): number { return this.t; }
}

const suite$ = useDynalite();
let suite = 0;
let fake: FakeBinance;
let clock: TestClock;
let deps: ReconcileDeps & { alerts: MemoryAlerts; state: DynamoStateStore };
let stateTable: string;

/** A CcxtExchange on the fake as deps.ts builds the LIVE venue: keys, spot only, retries, every request charged to the shared budget. */
function liveVenue(): Exchange {
  const ccxt = createCcxtClient('binance', KEYS, { restOrigin: fake.origin, rateLimit: false });
  const limiter = new DynamoRateLimiter({ tableName: stateTable, client: suite$.client, clock, key: 'binance', budget: 1200 });
  return new CcxtExchange(ccxt, {
    retry: { maxRetries: 2, retryBaseDelayMs: 1, retryMaxDelayMs: 5 }, beforeRequest: chargeCcxtRequests(limiter, () => ccxt.markets !== undefined),
  });
}

beforeEach(async () => {
  clock = new TestClock(T0);
  fake = await FakeBinance.start({ ...KEYS, balances: { USDT: '10000', BTC: '0', ETH: '0' }, now: () => clock.now() });
  const { tables } = await provision(suite$.e, `reconlive${++suite}`);
  stateTable = tables.state;
  const policies = new DynamoPolicyStore({ tableName: tables.policy, client: suite$.client, clock, validation: { exchangeKeysConfigured: true } });
  await policies.write({ mode: 'LIVE', liveTradingConfirmed: true, symbols: [BTC, 'ETH/USDT'] }, { by: 'test', at: T0 });
  expect((await policies.load()).source).toBe('active');
  const exchange = liveVenue();
  deps = {
    clock, policies, alerts: new MemoryAlerts(), state: new DynamoStateStore({ tableName: tables.state, client: suite$.client }),
    exchangeFor: (policy, mode = policy.mode) => {
      if (mode !== 'LIVE') throw new Error(`only the LIVE venue exists here, asked for ${mode}`);
      return exchange;
    },
  };
});
afterEach(async () => {
  await fake.stop();
});

let n = 0;
/** An order request carrying our suite$.client order prefix, as the pipeline (or a process that lost its record) makes it. */
function ours(over: Partial<OrderRequest> = {}): OrderRequest {
  const orderId = orderIdFor(`reconcile-live-${++n}`);
  return {
    orderId, clientOrderId: clientOrderIdFor(orderId), intentId: `intent-${n}`, strategy: 'momentum', symbol: BTC, side: 'buy',
    kind: 'entry', type: 'limit', limitPrice: '40000', quantity: '0.002', referencePrice: '40000', reservedNotional: '80',
    mode: 'LIVE', policyHash: 'h', createdAt: T0, ...over,
  };
}

async function ledger() {
  return (await deps.state.getLedger())!.value;
}

describe('reconcileAccount, LIVE, against the fake Binance', () => {
  it('adopts an order placed while the pipeline was down, books each fill once, and closes it when the exchange fills the rest', async () => {
    const stray = ours();
    await liveVenue().placeOrder(stray); // a process that never recorded it: only the exchange knows it
    fake.fillOrder(stray.clientOrderId, { quantity: '0.001' }); // part of it fills while down

    const first = await reconcileAccount(deps);
    expect(first).toMatchObject({ adoptedOrders: [stray.clientOrderId], unknownOpenOrders: [], fillsBooked: 1, drift: {}, problems: [] });
    expect((await deps.state.getOrder(stray.orderId))!.value).toMatchObject({
      status: 'PARTIALLY_FILLED', strategy: ADOPTED, kind: 'entry', filledQuantity: '0.001', limitPrice: '40000',
    });
    expect(money((await ledger()).positions[BTC]!.quantity)).toBe('0.000999'); // 0.001 less the 0.1 % fee in BTC
    expect(Object.keys((await ledger()).reservations)).toEqual([stray.orderId]);
    expect(deps.alerts.ofKind('RECONCILE_DRIFT')).toHaveLength(1);

    const replay = await reconcileAccount(deps);
    expect(replay).toMatchObject({ adoptedOrders: [], fillsBooked: 0, drift: {} });
    expect((await ledger()).fillCount).toBe(1);

    fake.fillOrder(stray.clientOrderId); // the rest fills, still while down
    const last = await reconcileAccount(deps);
    expect(last).toMatchObject({ adoptedOrders: [], fillsBooked: 1, ordersUpdated: 1, drift: {} });
    expect((await deps.state.getOrder(stray.orderId))!.value).toMatchObject({ status: 'FILLED', filledQuantity: '0.002' });
    const final = await ledger();
    expect(final.fillCount).toBe(2);
    expect(final.reservations).toEqual({});
    expect(money(final.positions[BTC]!.quantity)).toBe(fake.balance('BTC').free);
    expect(deps.alerts.ofKind('KILL_SWITCH_TRIPPED')).toEqual([]);
  });

  it('books a fill that happened while the pipeline was down for an order it knows, once, however often reconcile runs', async () => {
    const request = ours();
    await recordApprovedDecision(deps.state, request, T0); // execution sends only what a decision approved
    expect((await executeOrder(deps, request)).status).toBe('OPEN');
    const fill = fake.fillOrder(request.clientOrderId); // fills while the pipeline is down

    const reports = await Promise.all([reconcileAccount(deps), reconcileAccount(deps)]); // a scheduled run and `stratus reconcile`
    await reconcileAccount(deps);

    expect(reports.every((r) => r.drift && Object.keys(r.drift).length === 0)).toBe(true);
    expect((await deps.state.getOrder(request.orderId))!.value).toMatchObject({ status: 'FILLED', filledQuantity: '0.002' });
    const booked = await ledger();
    expect(booked.fillCount).toBe(1);
    expect(booked.appliedFillIds).toEqual([`${BTC}#${fill.tradeId}`]);
    expect((await deps.state.listFills()).map((f) => f.tradeId)).toEqual([String(fill.tradeId)]);
    expect(fake.ordersByClientId(request.clientOrderId)).toHaveLength(1); // reconcile never places anything
  });

  it('closes an order the exchange expired while the pipeline was down', async () => {
    const request = ours();
    await recordApprovedDecision(deps.state, request, T0);
    await executeOrder(deps, request);
    fake.expireOrder(request.clientOrderId);

    const report = await reconcileAccount(deps);
    expect(report).toMatchObject({ ordersChecked: 1, ordersUpdated: 1, fillsBooked: 0, drift: {} });
    expect((await deps.state.getOrder(request.orderId))!.value.status).toBe('EXPIRED');
  });

  it.each([
    { quantity: '0.0004', alert: false, trip: false }, // ~20 USDT of 10 000: 0.2 %
    { quantity: '0.002', alert: true, trip: false }, //  ~100 USDT: 1 %, above driftAlertPct 0.5
    { quantity: '0.005', alert: true, trip: true }, //   ~250 USDT: 2.5 %, above driftTripPct 2
  ])('a buy of $quantity BTC the ledger never saw (filled at once) alerts: $alert, trips the kill switch: $trip', async ({ quantity, alert, trip }) => {
    await liveVenue().placeOrder(ours({ type: 'market', quantity })); // closed at once: not open, only the balances show it

    const report = await reconcileAccount(deps);
    expect(Object.keys(report.drift)).toEqual(alert ? ['USDT'] : []);
    if (alert) expect(dec(report.drift.USDT!).neg().toNumber()).toBeCloseTo(Number(quantity) * 50000.1, 2);
    expect(deps.alerts.ofKind('RECONCILE_DRIFT')).toHaveLength(alert ? 1 : 0);
    expect(report.killSwitchTripped).toBe(trip);
    expect((await deps.state.getKillSwitch())?.value.status ?? 'ARMED').toBe(trip ? 'TRIPPED' : 'ARMED');
    expect(deps.alerts.ofKind('KILL_SWITCH_TRIPPED').map((a) => a.details?.code)).toEqual(trip ? ['BALANCE_DRIFT'] : []);
  });

  it('charges its exchange requests to the shared per-minute budget in the state table', async () => {
    await reconcileAccount(deps);
    const window = Math.floor(clock.now() / 60_000) * 60_000;
    const item = await suite$.client.send(new GetCommand({ TableName: stateTable, Key: { pk: rateWindowPk('binance', window), sk: RATE_LIMIT_TYPE } }));
    // exchangeInfo 20 (first call) + openOrders without symbol 80 + account 20
    expect(item.Item?.used).toBe(120);
    expect(fake.calls('GET /api/v3/openOrders').map((r) => r.params.symbol)).toEqual([undefined]);
  });
});
