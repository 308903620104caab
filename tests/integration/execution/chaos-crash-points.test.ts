/**
 * Single crash points of the chaos test as deterministic scenarios, against the fake Binance on loopback.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CcxtExchange, createCcxtClient } from '../../../shared/adapters/ccxt-exchange.js';
import { MemoryAlerts } from '../../../shared/adapters/memory-alerts.js';
import { MemoryPolicyStore } from '../../../shared/adapters/memory-policy-store.js';
import { MemoryStateStore } from '../../../shared/adapters/memory-state-store.js';
import { reserve } from '../../../shared/domain/ledger.js';
import { dec, ZERO } from '../../../shared/domain/money.js';
import { recordApprovedDecision } from '../../support/approved-decision.js';
import { clientOrderIdFor, orderIdFor, type OrderRequest } from '../../../shared/domain/order.js';
import type { Policy } from '../../../shared/domain/policy.js';
import { executeOrder, type ExecutionDeps } from '../../../shared/services/execute-order.js';
import { loadLedger } from '../../../shared/services/portfolio.js';
import { FakeBinance } from '../../support/fake-binance.js';
import { Crash, CrashPlan, crashable } from '../../support/fake-binance/crash.js';

const T0 = Date.UTC(2024, 2, 1, 12, 0);
const POLICY = { mode: 'LIVE', liveTradingConfirmed: true, symbols: ['BTC/USDT', 'ETH/USDT'], paper: { startingCash: '10000' } };

let fake: FakeBinance;
let state: MemoryStateStore;
let venue: CcxtExchange;
let policies: MemoryPolicyStore;
let policy: Policy;
const clock = { t: T0, now() { return this.t; } };

beforeEach(async () => {
  clock.t = T0;
  fake = await FakeBinance.start({ apiKey: 'k', secret: 's', balances: { USDT: '10000', BTC: '0' }, now: () => clock.now() });
  venue = new CcxtExchange(createCcxtClient('binance', { apiKey: 'k', secret: 's' }, { restOrigin: fake.origin, rateLimit: false }),
    { sleep: async () => {}, random: () => 0 });
  policies = new MemoryPolicyStore({ clock, validation: { exchangeKeysConfigured: true } });
  await policies.write(POLICY, { by: 'test', at: T0 });
  policy = (await policies.load()).policy;
  state = new MemoryStateStore();
});
afterEach(async () => {
  await fake.stop();
});

function deps(plan = new CrashPlan()): ExecutionDeps {
  const exchange = crashable(venue, 'exchange', plan);
  return { clock, state: crashable(state, 'state', plan), policies, alerts: new MemoryAlerts(), exchangeFor: () => exchange };
}

async function approved(name: string, side: 'buy' | 'sell', quantity: string): Promise<OrderRequest> {
  const orderId = orderIdFor(name);
  const notional = dec(quantity).mul('50000');
  const ledger = await loadLedger(state, policy, clock.now());
  await state.putLedger(reserve(ledger.value, { orderId, symbol: 'BTC/USDT', side, notional, createdAt: clock.now(), kind: side === 'buy' ? 'entry' : 'exit' }), ledger.version);
  const request: OrderRequest = {
    orderId, clientOrderId: clientOrderIdFor(orderId), intentId: name, strategy: 'momentum', symbol: 'BTC/USDT', side,
    kind: side === 'buy' ? 'entry' : 'exit', type: 'market', quantity, referencePrice: '50000', reservedNotional: notional.toFixed(),
    mode: 'LIVE', policyHash: 'test', createdAt: clock.now(), ...(side === 'sell' ? { exitReason: 'signal' } : {}),
  };
  await recordApprovedDecision(state, request, clock.now());
  return request;
}

describe('an exit that leaves dust', () => {
  it('notes the dust it wrote off on the order', async () => {
    await executeOrder(deps(), await approved('buy', 'buy', '0.002'));
    const record = await executeOrder(deps(), await approved('sell', 'sell', '0.00199'));
    expect(record.history.map((h) => h.note).filter(Boolean)).toContainEqual(expect.stringMatching(/^dust written off: 0\.000008 BTC/));
  });
});

describe('a crash between booking an exit and recording it', () => {
  it('still notes the dust the exit wrote off on the order once the redelivery records it', async () => {
    await executeOrder(deps(), await approved('buy', 'buy', '0.002')); // holds 0.001998 BTC after the BTC fee
    const sell = await approved('sell', 'sell', '0.00199'); // leaves 0.000008 BTC: below the 0.00001 step, dust
    const plan = new CrashPlan('after state.putLedger');
    await expect(executeOrder(deps(plan), sell)).rejects.toBeInstanceOf(Crash);
    expect(plan.fired).toBe('after state.putLedger');
    clock.t += 360_000;
    const record = await executeOrder(deps(), sell);

    const ledger = (await loadLedger(state, policy, clock.now())).value;
    expect(record.status).toBe('FILLED');
    expect(ledger.positions['BTC/USDT']?.quantity ?? ZERO).toEqual(ZERO);
    expect(fake.balance('BTC').free).toBe('0.000008');
    expect(record.history.map((h) => h.note).filter(Boolean)).toContainEqual(expect.stringMatching(/^dust written off: 0\.000008 BTC/));
  });
});
