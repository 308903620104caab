/**
 * One contract suite per storage port, run against both the in-memory and the
 * DynamoDB (dynalite) implementation so the two cannot drift apart. Each test
 * gets a fresh, empty store from `setup`; `plant`/`raw` read and write raw items
 * the way an operator (aws dynamodb put-item) or a corrupting bug would.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { RecordInvalidError, PolicyWriteConflictError } from '../../shared/adapters/errors.js';
import type { Candle, Timeframe } from '../../shared/domain/candle.js';
import type { Decision } from '../../shared/domain/decision.js';
import { StateUnreadableError } from '../../shared/domain/errors.js';
import type { KillSwitchState } from '../../shared/domain/kill-switch.js';
import type { Ledger } from '../../shared/domain/ledger.js';
import { dec } from '../../shared/domain/money.js';
import type { Fill, OrderRecord, OrderRequest, OrderStatus } from '../../shared/domain/order.js';
import { defaultPolicy, policyHash } from '../../shared/domain/policy.js';
import type { Clock, MarketDataStore, PolicyStore, StateStore } from '../../shared/ports.js';

/** A raw table item. */
export type RawItem = Record<string, unknown>;

/** A store plus raw access to the items behind it. */
export interface Harness<S> {
  readonly store: S;
  plant(item: RawItem): Promise<void>;
  raw(pk: string, sk: string): Promise<RawItem | undefined>;
}

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(public t = 1_700_000_000_000) {}
  now(): number { return this.t; }
  advance(ms: number): void { this.t += ms; }
}

// ---- fixtures ----

/** Minute-aligned epoch ms used as the start of every series. */
export const T0 = 1_700_000_040_000;
const MIN = 60_000;

/** A valid 1m BTC/USDT candle (override close, symbol, timeframe). */
export function candle(openTime: number, close = 100, symbol = 'BTC/USDT', timeframe: Timeframe = '1m'): Candle {
  return { symbol, timeframe, openTime, open: close - 1, high: close + 2, low: close - 2, close, volume: 12.5 };
}

function killSwitch(status: KillSwitchState['status'], tripCount = 0): KillSwitchState {
  return status === 'ARMED' ? { status, tripCount, history: [] } : {
    status, reason: 'drawdown 11% > 10%', changedAt: T0, changedBy: 'metrics', tripCount,
    history: [{ event: 'TRIP', at: T0, by: 'metrics', reason: 'drawdown' }],
  };
}

function ledger(cash: string, updatedAt = T0): Ledger {
  return {
    startingCash: dec('10000'), cash: dec(cash),
    positions: { 'BTC/USDT': { symbol: 'BTC/USDT', quantity: dec('0.00012345678901234567'), costBasis: dec('4.2'), openedAt: T0 } },
    reservations: { o1: { orderId: 'o1', symbol: 'ETH/USDT', side: 'buy', notional: dec('250.10'), createdAt: T0 } },
    realizedPnl: dec('-12.3456789'), feesPaid: dec('0.1'), peakEquity: dec('10012.5'),
    appliedFillIds: ['t1', 't2'], fillCount: 2, updatedAt,
  };
}

function orderRequest(orderId: string, createdAt: number, symbol = 'BTC/USDT'): OrderRequest {
  return {
    orderId, clientOrderId: `stx${orderId}`, intentId: `intent-${orderId}`, strategy: 'momentum', symbol, side: 'buy',
    kind: 'entry', type: 'market', quantity: '0.0015', referencePrice: '65000.12', reservedNotional: '97.5',
    mode: 'PAPER', policyHash: 'ph1', createdAt,
  };
}

function order(orderId: string, createdAt: number, status: OrderStatus = 'NEW'): OrderRecord {
  return {
    ...orderRequest(orderId, createdAt), status, filledQuantity: '0', fees: '0', updatedAt: createdAt,
    history: [{ status: 'NEW', at: createdAt }],
  };
}

function decision(intentId: string, decidedAt: number, symbol = 'BTC/USDT', approved = true): Decision {
  return {
    intentId, strategy: 'momentum', symbol, side: 'buy', kind: 'entry', approved,
    reasons: approved ? [] : [{ code: 'MAX_TOTAL_EXPOSURE', message: 'exposure 26% > 25%' }],
    ...(approved ? { quantity: '0.0015', notional: '97.5', order: orderRequest(`o-${intentId}`, decidedAt, symbol) } : {}),
    mode: 'PAPER', policyHash: 'ph1', policyVersion: 3, decidedAt,
  };
}

function fill(tradeId: string, time: number, symbol = 'BTC/USDT'): Fill {
  return {
    tradeId, orderId: 'o1', clientOrderId: 'stxo1', symbol, side: 'buy', quantity: '0.0015', price: '65010.5',
    fee: '0.0975', feeCurrency: 'USDT', liquidity: 'taker', time, policyHash: 'ph1',
  };
}

/** A ledger as comparable plain data (Decimals as strings). */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

// ---- MarketDataStore ----

/** The MarketDataStore contract. */
export function describeMarketStoreContract(name: string, setup: () => Promise<Harness<MarketDataStore>>): void {
  describe(`${name} (MarketDataStore contract)`, () => {
    let h: Harness<MarketDataStore>;
    beforeEach(async () => { h = await setup(); });

    it('returns the newest closed candles oldest first, limited to count', async () => {
      await h.store.putCandles([0, 1, 2, 3, 4].map((i) => candle(T0 + i * MIN, 100 + i)));
      const got = await h.store.getRecentClosedCandles('BTC/USDT', '1m', T0 + 5 * MIN, 3);
      expect(got).toEqual([2, 3, 4].map((i) => candle(T0 + i * MIN, 100 + i)));
      expect(await h.store.getRecentClosedCandles('BTC/USDT', '1m', T0 + 5 * MIN, 0)).toEqual([]);
    });

    it.each([
      ['one ms before the second candle closes', T0 + 2 * MIN - 1, [T0]],
      ['exactly when the second candle closes', T0 + 2 * MIN, [T0, T0 + MIN]],
      ['one ms before the first candle closes', T0 + MIN - 1, []],
      ['exactly when the first candle closes', T0 + MIN, [T0]],
    ])('returns only candles closed at now: %s', async (_label, now, openTimes) => {
      await h.store.putCandles([candle(T0), candle(T0 + MIN), candle(T0 + 2 * MIN)]);
      const got = await h.store.getRecentClosedCandles('BTC/USDT', '1m', now, 10);
      expect(got.map((c) => c.openTime)).toEqual(openTimes);
    });

    it('is idempotent: repeating a candle keeps one copy, and a revised candle replaces it', async () => {
      await h.store.putCandles([candle(T0), candle(T0 + MIN)]);
      await h.store.putCandles([candle(T0), candle(T0 + MIN)]);
      await h.store.putCandles([candle(T0 + MIN, 222), candle(T0 + MIN, 333)]);
      const got = await h.store.getRecentClosedCandles('BTC/USDT', '1m', T0 + 10 * MIN, 10);
      expect(got).toEqual([candle(T0), candle(T0 + MIN, 333)]);
    });

    it('writes more than one batch (25) in one call', async () => {
      const many = Array.from({ length: 70 }, (_, i) => candle(T0 + i * MIN, 100 + i));
      await h.store.putCandles([...many, many[0]!]);
      const got = await h.store.getRecentClosedCandles('BTC/USDT', '1m', T0 + 70 * MIN, 100);
      expect(got).toEqual(many);
    });

    it('keeps symbols and timeframes apart', async () => {
      await h.store.putCandles([candle(T0, 10), candle(T0, 20, 'ETH/USDT'), candle(T0, 30, 'BTC/USDT', '5m')]);
      expect((await h.store.getRecentClosedCandles('ETH/USDT', '1m', T0 + 10 * MIN, 5)).map((c) => c.close)).toEqual([20]);
      expect((await h.store.getRecentClosedCandles('BTC/USDT', '5m', T0 + 10 * MIN, 5)).map((c) => c.close)).toEqual([30]);
      expect(await h.store.getRecentClosedCandles('BTC/USDT', '5m', T0 + 5 * MIN - 1, 5)).toEqual([]);
      expect(await h.store.getRecentClosedCandles('SOL/USDT', '1m', T0 + 10 * MIN, 5)).toEqual([]);
    });

    it('rejects an invalid candle before writing any of the batch', async () => {
      const bad = { ...candle(T0 + MIN), close: Number.NaN };
      await expect(h.store.putCandles([candle(T0), bad])).rejects.toBeInstanceOf(RecordInvalidError);
      expect(await h.store.getRecentClosedCandles('BTC/USDT', '1m', T0 + 10 * MIN, 5)).toEqual([]);
    });

    it('throws StateUnreadableError for a corrupt candle item', async () => {
      await h.store.putCandles([candle(T0)]);
      await h.plant({ pk: 'CANDLE#BTC/USDT#1m', sk: String(T0 + MIN).padStart(13, '0'), symbol: 'BTC/USDT', timeframe: '1m', openTime: T0 + MIN, close: 'high' });
      await expect(h.store.getRecentClosedCandles('BTC/USDT', '1m', T0 + 10 * MIN, 5)).rejects.toBeInstanceOf(StateUnreadableError);
    });

    it('hands out copies: changing a returned candle does not change the store', async () => {
      await h.store.putCandles([candle(T0)]);
      const [first] = await h.store.getRecentClosedCandles('BTC/USDT', '1m', T0 + MIN, 1);
      (first as { close: number }).close = -1;
      expect((await h.store.getRecentClosedCandles('BTC/USDT', '1m', T0 + MIN, 1))[0]!.close).toBe(100);
    });

    it('keeps the newest top of book and ignores an older quote', async () => {
      expect(await h.store.getTopOfBook('BTC/USDT')).toBeUndefined();
      await h.store.putTopOfBook({ symbol: 'BTC/USDT', bid: '65000.1', ask: '65000.2', time: T0 + 2 });
      await h.store.putTopOfBook({ symbol: 'BTC/USDT', bid: '1', ask: '2', time: T0 + 1 });
      expect(await h.store.getTopOfBook('BTC/USDT')).toEqual({ symbol: 'BTC/USDT', bid: '65000.1', ask: '65000.2', time: T0 + 2 });
      await h.store.putTopOfBook({ symbol: 'BTC/USDT', bid: '65001', ask: '65002', time: T0 + 3 });
      expect((await h.store.getTopOfBook('BTC/USDT'))?.bid).toBe('65001');
    });

    it('round-trips the heartbeat per source', async () => {
      const hb = { source: 'market-stream', time: T0, lastCandle: { 'BTC/USDT': T0 - MIN }, messages: 42, lagMs: 180 };
      expect(await h.store.getHeartbeat('market-stream')).toBeUndefined();
      await h.store.putHeartbeat(hb);
      await h.store.putHeartbeat({ ...hb, source: 'other', messages: 1 });
      expect(await h.store.getHeartbeat('market-stream')).toEqual(hb);
    });

    it('throws StateUnreadableError for a corrupt book or heartbeat item', async () => {
      await h.plant({ pk: 'BOOK#BTC/USDT', sk: 'LATEST', symbol: 'BTC/USDT', bid: 'cheap', ask: '2', time: T0 });
      await h.plant({ pk: 'HEARTBEAT#market-stream', sk: 'LATEST', source: 'market-stream', time: 'now' });
      await expect(h.store.getTopOfBook('BTC/USDT')).rejects.toBeInstanceOf(StateUnreadableError);
      await expect(h.store.getHeartbeat('market-stream')).rejects.toBeInstanceOf(StateUnreadableError);
    });
  });
}

// ---- StateStore ----

/** The StateStore contract. */
export function describeStateStoreContract(name: string, setup: () => Promise<Harness<StateStore>>): void {
  describe(`${name} (StateStore contract)`, () => {
    let h: Harness<StateStore>;
    beforeEach(async () => { h = await setup(); });

    it('creates the kill switch at version 1 and advances it only from the expected version', async () => {
      const s = h.store;
      expect(await s.getKillSwitch()).toBeUndefined();
      expect(await s.putKillSwitch(killSwitch('ARMED'), 1)).toBe(false);
      expect(await s.putKillSwitch(killSwitch('ARMED'), 0)).toBe(true);
      expect(await s.putKillSwitch(killSwitch('TRIPPED', 9), 0)).toBe(false);
      expect(await s.getKillSwitch()).toEqual({ value: killSwitch('ARMED'), version: 1 });
      expect(await s.putKillSwitch(killSwitch('TRIPPED', 1), 1)).toBe(true);
      expect(await s.putKillSwitch(killSwitch('ARMED', 5), 1)).toBe(false);
      expect(await s.getKillSwitch()).toEqual({ value: killSwitch('TRIPPED', 1), version: 2 });
    });

    it('lets exactly one of two concurrent writers at the same version win (kill switch and ledger)', async () => {
      const s = h.store;
      await s.putKillSwitch(killSwitch('ARMED'), 0);
      await s.putLedger(ledger('10000'), 0);
      const ks = await Promise.all([s.putKillSwitch(killSwitch('TRIPPED', 1), 1), s.putKillSwitch(killSwitch('TRIPPED', 2), 1)]);
      const lg = await Promise.all([s.putLedger(ledger('9000'), 1), s.putLedger(ledger('8000'), 1)]);
      expect(ks.filter(Boolean)).toHaveLength(1);
      expect(lg.filter(Boolean)).toHaveLength(1);
      expect((await s.getKillSwitch())!.value.tripCount).toBe(ks[0] ? 1 : 2);
      expect((await s.getLedger())!.value.cash.toFixed()).toBe(lg[0] ? '9000' : '8000');
    });

    it('round-trips the ledger with every decimal digit', async () => {
      expect(await s().getLedger()).toBeUndefined();
      expect(await s().putLedger(ledger('9876.000000000000000000001'), 0)).toBe(true);
      const got = await s().getLedger();
      expect(got?.version).toBe(1);
      expect(plain(got?.value)).toEqual(plain(ledger('9876.000000000000000000001')));
      expect(got!.value.cash.eq(dec('9876.000000000000000000001'))).toBe(true);
      expect(got!.value.positions['BTC/USDT']!.quantity.toFixed()).toBe('0.00012345678901234567');
    });

    it('refuses to store a ledger or order it could not read back', async () => {
      await expect(s().putLedger({ ...ledger('1'), cash: dec(1).div(0) }, 0)).rejects.toBeInstanceOf(RecordInvalidError);
      await expect(s().createOrder({ ...order('o1', T0), quantity: 'lots' })).rejects.toBeInstanceOf(RecordInvalidError);
      expect(await s().getLedger()).toBeUndefined();
      expect(await s().getOrder('o1')).toBeUndefined();
    });

    it('stores a decision once and returns the stored one on a repeat', async () => {
      const first = decision('i1', T0);
      expect(await s().putDecision(first)).toEqual(first);
      const again = await s().putDecision({ ...decision('i1', T0 + 5, 'BTC/USDT', false) });
      expect(again).toEqual(first);
      expect(await s().getDecision('i1')).toEqual(first);
      expect(await s().getDecision('nope')).toBeUndefined();
    });

    it('creates an order once, then updates it only from the expected version', async () => {
      const created = await s().createOrder(order('o1', T0));
      expect(created).toEqual({ value: order('o1', T0), version: 1 });
      expect(await s().createOrder(order('o1', T0, 'SUBMITTING'))).toEqual(created);
      const submitting = { ...order('o1', T0, 'SUBMITTING'), updatedAt: T0 + 1 };
      const results = await Promise.all([s().updateOrder(submitting, 1), s().updateOrder({ ...submitting, status: 'REJECTED' }, 1)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await s().updateOrder(submitting, 1)).toBe(false);
      expect((await s().getOrder('o1'))?.version).toBe(2);
      expect(await s().updateOrder(order('o2', T0), 1)).toBe(false);
      expect(await s().getOrder('o2')).toBeUndefined();
    });

    it('records a fill once per (symbol, trade id)', async () => {
      expect(await s().putFill(fill('t1', T0))).toBe(true);
      expect(await s().putFill({ ...fill('t1', T0), price: '1' })).toBe(false);
      expect(await s().putFill(fill('t1', T0, 'ETH/USDT'))).toBe(true);
      expect(await s().listFills()).toEqual([fill('t1', T0), fill('t1', T0, 'ETH/USDT')]);
    });

    it('lists decisions oldest first, by symbol and from `since` inclusive', async () => {
      await s().putDecision(decision('i3', T0 + 3, 'ETH/USDT'));
      await s().putDecision(decision('i1', T0 + 1));
      await s().putDecision(decision('i2', T0 + 2, 'BTC/USDT', false));
      expect((await s().listDecisions()).map((d) => d.intentId)).toEqual(['i1', 'i2', 'i3']);
      expect((await s().listDecisions({ symbol: 'BTC/USDT' })).map((d) => d.intentId)).toEqual(['i1', 'i2']);
      expect((await s().listDecisions({ since: T0 + 2 })).map((d) => d.intentId)).toEqual(['i2', 'i3']);
      expect((await s().listDecisions({ symbol: 'ETH/USDT', since: T0 + 4 }))).toEqual([]);
    });

    it('lists orders by status and from `since` inclusive', async () => {
      await s().createOrder(order('a', T0 + 1));
      await s().createOrder(order('b', T0 + 2, 'OPEN'));
      await s().createOrder(order('c', T0 + 3, 'FILLED'));
      expect((await s().listOrders()).map((o) => o.orderId)).toEqual(['a', 'b', 'c']);
      expect((await s().listOrders({ statuses: ['NEW', 'OPEN'] })).map((o) => o.orderId)).toEqual(['a', 'b']);
      expect((await s().listOrders({ statuses: ['OPEN', 'FILLED'], since: T0 + 3 })).map((o) => o.orderId)).toEqual(['c']);
      expect(await s().listOrders({ statuses: [] })).toEqual([]);
    });

    it('lists fills from `since` inclusive, oldest first', async () => {
      await s().putFill(fill('t2', T0 + 20));
      await s().putFill(fill('t1', T0 + 10));
      expect((await s().listFills({ since: T0 + 10 })).map((f) => f.tradeId)).toEqual(['t1', 't2']);
      expect((await s().listFills({ since: T0 + 11 })).map((f) => f.tradeId)).toEqual(['t2']);
    });

    it('hands out copies: changing a returned record does not change the store', async () => {
      await s().putLedger(ledger('100'), 0);
      await s().createOrder(order('o1', T0));
      const got = await s().getLedger();
      (got!.value.appliedFillIds as string[]).push('tampered');
      const o = await s().getOrder('o1');
      (o!.value.history as unknown[]).length = 0;
      expect((await s().getLedger())!.value.appliedFillIds).toEqual(['t1', 't2']);
      expect((await s().getOrder('o1'))!.value.history).toHaveLength(1);
    });

    const corruptions: [string, () => Promise<unknown>, (item: RawItem) => void, string, string][] = [
      ['a ledger decimal', () => s().putLedger(ledger('1'), 0), (i) => { (i['doc'] as RawItem)['cash'] = 'abc'; }, 'LEDGER', 'CURRENT'],
      ['the ledger version', () => s().putLedger(ledger('1'), 0), (i) => { i['version'] = 'one'; }, 'LEDGER', 'CURRENT'],
      ['the kill switch status', () => s().putKillSwitch(killSwitch('ARMED'), 0), (i) => { (i['doc'] as RawItem)['status'] = 'MAYBE'; }, 'KILL_SWITCH', 'CURRENT'],
      ['the kill switch document', () => s().putKillSwitch(killSwitch('ARMED'), 0), (i) => { i['doc'] = '{"status":"ARMED"'; }, 'KILL_SWITCH', 'CURRENT'],
      ['an order quantity', () => s().createOrder(order('o1', T0)), (i) => { delete i['quantity']; }, 'ORDER#o1', 'ORDER'],
      ['a decision reason code', () => s().putDecision(decision('i1', T0, 'BTC/USDT', false)),
        (i) => { i['reasons'] = [{ code: 'BECAUSE', message: 'x' }]; }, 'DECISION#i1', 'DECISION'],
      ['a fill time', () => s().putFill(fill('t1', T0)), (i) => { i['time'] = -5; }, 'FILL#BTC/USDT#t1', 'FILL'],
    ];
    it.each(corruptions)('throws StateUnreadableError on reading a corrupt item: %s', async (_label, write, corrupt, pk, sk) => {
      await write();
      const item = (await h.raw(pk, sk))!;
      corrupt(item);
      await h.plant(item);
      const reads: Record<string, () => Promise<unknown>> = {
        LEDGER: () => s().getLedger(), KILL_SWITCH: () => s().getKillSwitch(),
        'ORDER#o1': () => Promise.all([s().getOrder('o1'), s().listOrders()]),
        'DECISION#i1': () => Promise.all([s().getDecision('i1'), s().listDecisions()]),
        'FILL#BTC/USDT#t1': () => s().listFills(),
      };
      await expect(reads[pk]!()).rejects.toBeInstanceOf(StateUnreadableError);
    });

    it('returns the stored (corrupt) item as unreadable rather than overwriting it on a repeated create', async () => {
      await h.plant({ pk: 'DECISION#i1', sk: 'DECISION', gsi1pk: 'DECISION', gsi1sk: `${T0}#i1`, approved: 'yes' });
      await expect(s().putDecision(decision('i1', T0))).rejects.toBeInstanceOf(StateUnreadableError);
      expect((await h.raw('DECISION#i1', 'DECISION'))!['approved']).toBe('yes');
    });

    function s(): StateStore { return h.store; }
  });
}

// ---- PolicyStore ----

const V1 = { mode: 'PAPER', symbols: ['BTC/USDT', 'ETH/USDT'], risk: { stakePct: 1, maxPositionPct: 2 } };
const V2 = { mode: 'DRY_RUN', symbols: ['SOL/USDT'] };

/** Invalid documents an operator might write, and the path of the problem each must report. */
export const INVALID_POLICIES: [string, unknown, string][] = [
  ['a wrong type', { risk: { stakePct: '2' } }, 'risk.stakePct'],
  ['an unknown key', { mode: 'PAPER', moed: 'LIVE' }, 'moed'],
  ['stakePct above maxPositionPct', { risk: { stakePct: 5, maxPositionPct: 3 } }, 'risk.stakePct'],
  ['LIVE without confirmation', { mode: 'LIVE' }, 'liveTradingConfirmed'],
  ['a garbage string', 'stake everything on BTC', '(root)'],
  ['truncated JSON', '{"mode":"PAPER","risk":{"stakePct":', '(root)'],
  ['a JSON array', [V1], '(root)'],
];

/** The PolicyStore contract. `setup` must stamp records with the given clock. */
export function describePolicyStoreContract(name: string, setup: (clock: Clock) => Promise<Harness<PolicyStore>>): void {
  describe(`${name} (PolicyStore contract)`, () => {
    let h: Harness<PolicyStore>;
    let clock: ManualClock;
    beforeEach(async () => { clock = new ManualClock(); h = await setup(clock); });
    const meta = { by: 'operator', at: T0 };

    it('serves the schema defaults, version 0, when no policy was ever written', async () => {
      const loaded = await h.store.load();
      expect(loaded).toEqual({ policy: defaultPolicy(), hash: policyHash(defaultPolicy()), version: 0, source: 'default' });
    });

    it('puts a valid write into effect and records it as the last valid policy', async () => {
      expect(await h.store.write(V1, meta)).toEqual({ version: 1 });
      const loaded = await h.store.load();
      expect(loaded).toMatchObject({ version: 1, source: 'active', hash: policyHash(loaded.policy) });
      expect(loaded.rejected).toBeUndefined();
      expect(loaded.policy.symbols).toEqual(['BTC/USDT', 'ETH/USDT']);
      expect(loaded.policy.risk.stakePct).toBe(1);
      expect(await h.raw('POLICY', 'LAST_VALID')).toMatchObject({ version: 1, hash: loaded.hash });
      expect(await h.store.write(V2, meta)).toEqual({ version: 2 });
      expect(await h.store.load()).toMatchObject({ version: 2, source: 'active', policy: { mode: 'DRY_RUN' } });
      expect(await h.raw('POLICY', 'LAST_VALID')).toMatchObject({ version: 2 });
      expect(await h.raw('POLICY', 'V#0000000000001')).toMatchObject({ version: 1, updatedBy: 'operator', updatedAt: T0 });
    });

    it.each(INVALID_POLICIES)('never lets %s take effect: the last valid policy stays in force', async (_label, document, path) => {
      await h.store.write(V1, meta);
      const valid = await h.store.load();
      expect(await h.store.write(document, meta)).toEqual({ version: 2 });
      const loaded = await h.store.load();
      expect(loaded).toMatchObject({ source: 'last-valid', version: 1, hash: valid.hash, policy: valid.policy });
      expect(loaded.rejected).toMatchObject({ version: 2, firstSeen: true });
      expect(loaded.rejected!.problems.map((p) => p.path)).toContain(path);
      expect(await h.raw('POLICY_REJECTION', '0000000000002')).toMatchObject({ version: 2, rejectedAt: clock.now() });
    });

    it('records a rejection once per version and reports it as first seen only once', async () => {
      await h.store.write(V1, meta);
      await h.store.load();
      await h.store.write({ risk: { stakePct: 5, maxPositionPct: 3 } }, meta);
      const firstAt = clock.now();
      expect((await h.store.load()).rejected?.firstSeen).toBe(true);
      clock.advance(60_000);
      const again = await h.store.load();
      expect(again.rejected).toMatchObject({ version: 2, firstSeen: false });
      expect(await h.raw('POLICY_REJECTION', '0000000000002')).toMatchObject({ rejectedAt: firstAt });
      await h.store.write({ moed: 1 }, meta);
      expect((await h.store.load()).rejected).toMatchObject({ version: 3, firstSeen: true });
    });

    it('falls back to the schema defaults, flagged as rejected, when no valid policy ever existed', async () => {
      await h.store.write('{"mode":', meta);
      const loaded = await h.store.load();
      expect(loaded).toMatchObject({ source: 'default', version: 0, policy: defaultPolicy(), rejected: { version: 1 } });
    });

    it('puts a valid write back into effect after a rejected one', async () => {
      await h.store.write(V1, meta);
      await h.store.write({ mode: 'LIVE' }, meta);
      await h.store.load();
      await h.store.write(V2, meta);
      expect(await h.store.load()).toMatchObject({ source: 'active', version: 3, policy: { mode: 'DRY_RUN' } });
    });

    it.each([
      ['a JSON string', JSON.stringify(V1)],
      ['a map', V1],
    ])('accepts an ACTIVE item written directly by the operator with the document as %s', async (_label, document) => {
      await h.plant({ pk: 'POLICY', sk: 'ACTIVE', version: 7, document });
      expect(await h.store.load()).toMatchObject({ source: 'active', version: 7, policy: { symbols: V1.symbols } });
      expect(await h.store.write(V2, meta)).toEqual({ version: 8 });
    });

    it.each([
      ['a version that is not a number', { pk: 'POLICY', sk: 'ACTIVE', version: 'seven', document: V1 }, 'version'],
      ['no document', { pk: 'POLICY', sk: 'ACTIVE', version: 2 }, '(root)'],
      ['a document of the wrong type', { pk: 'POLICY', sk: 'ACTIVE', version: 2, document: 42 }, '(root)'],
    ])('rejects an operator item with %s', async (_label, item, path) => {
      await h.store.write(V1, meta);
      await h.store.load();
      await h.plant(item);
      const loaded = await h.store.load();
      expect(loaded).toMatchObject({ source: 'last-valid', version: 1 });
      expect(loaded.rejected!.problems.map((p) => p.path)).toContain(path);
    });

    it('ignores a tampered LAST_VALID item and falls back to the defaults', async () => {
      await h.plant({ pk: 'POLICY', sk: 'LAST_VALID', version: 4, hash: 'x', document: '{"risk":{"stakePct":50}}' });
      await h.plant({ pk: 'POLICY', sk: 'ACTIVE', version: 5, document: 'garbage' });
      expect(await h.store.load()).toMatchObject({ source: 'default', version: 0, rejected: { version: 5 } });
    });

    it('keeps serving the last valid policy when the ACTIVE item is deleted', async () => {
      await h.plant({ pk: 'POLICY', sk: 'LAST_VALID', version: 4, hash: 'x', document: JSON.stringify(V1) });
      const loaded = await h.store.load();
      expect(loaded).toMatchObject({ source: 'last-valid', version: 4, policy: { symbols: V1.symbols } });
      expect(loaded.rejected).toBeUndefined();
      expect(await h.store.write(V2, meta)).toEqual({ version: 5 });
    });

    it('numbers versions above every version seen, so an old rejection never hides a new one', async () => {
      await h.plant({ pk: 'POLICY', sk: 'ACTIVE', version: 'x', document: V1 });
      await h.plant({ pk: 'POLICY', sk: 'V#0000000000003', version: 3, document: V1 });
      expect(await h.store.write(V2, meta)).toEqual({ version: 4 });
    });

    it('lets exactly one of two concurrent writers win; the other gets PolicyWriteConflictError', async () => {
      await h.store.write(V1, meta);
      const results = await Promise.allSettled([h.store.write(V2, meta), h.store.write({ ...V2, mode: 'PAPER' }, meta)]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(won[0]).toMatchObject({ value: { version: 2 } });
      expect(lost[0]).toMatchObject({ reason: expect.any(PolicyWriteConflictError) });
      const winner = results[0]!.status === 'fulfilled' ? 'DRY_RUN' : 'PAPER';
      expect(await h.store.load()).toMatchObject({ version: 2, policy: { mode: winner } });
    });
  });
}
