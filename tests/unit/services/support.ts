/**
 * A whole Stratus world in memory for the service tests: fake clock, the memory stores, FIFO
 * queues, alerts and a paper venue. No I/O, no module mocks; the few subclasses below only record
 * what passed through them so a test can count placements, sends and conditional-write conflicts.
 */
import { MemoryAlerts } from '../../../shared/adapters/memory-alerts.js';
import { MemoryMarketStore } from '../../../shared/adapters/memory-market-store.js';
import { MemoryMessageQueue } from '../../../shared/adapters/memory-message-queue.js';
import { MemoryPolicyStore } from '../../../shared/adapters/memory-policy-store.js';
import { MemoryStateStore } from '../../../shared/adapters/memory-state-store.js';
import { PaperExchange, paperOptionsFor, type PaperExchangeOptions } from '../../../shared/adapters/paper-exchange.js';
import { PAPER_MARKETS, paperMarkets } from '../../../shared/adapters/paper-markets.js';
import { MemoryPaperVenueStore } from '../../../shared/adapters/paper-venue-store.js';
import { timeframeMs, type Candle } from '../../../shared/domain/candle.js';
import { intentIdFor, type Intent, type IntentKind } from '../../../shared/domain/intent.js';
import { newLedger, reserve, type Ledger } from '../../../shared/domain/ledger.js';
import { splitSymbol, type MarketInfo } from '../../../shared/domain/market.js';
import { Decimal, dec, sum, ZERO } from '../../../shared/domain/money.js';
import {
  newOrderRecord, transitionOrder, type OrderRecord, type OrderRequest, type TradingMode,
} from '../../../shared/domain/order.js';
import type { LoadedPolicy, Policy } from '../../../shared/domain/policy.js';
import type { Clock, QueueMessage } from '../../../shared/ports.js';
import { HEARTBEAT_SOURCE } from '../../../shared/resources.js';
import { decideIntent } from '../../../shared/services/decide-intent.js';
import { executeOrder } from '../../../shared/services/execute-order.js';
import { recordApprovedDecision } from '../../support/approved-decision.js';

/** One minute, the default policy timeframe. */
export const M = timeframeMs('1m');
/** A minute boundary: candles close on multiples of M. */
export const T0 = Date.UTC(2024, 2, 1, 12, 0);

/** A Clock the test moves by hand. */
export class FakeClock implements Clock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): number {
    this.t += ms;
    return this.t;
  }
}

/** A memory FIFO queue that also keeps every message offered to it, duplicates included. */
export class RecordingQueue<T> extends MemoryMessageQueue<T> {
  readonly attempts: QueueMessage<T>[] = [];
  override async send(messages: readonly QueueMessage<T>[]): Promise<void> {
    this.attempts.push(...(JSON.parse(JSON.stringify(messages)) as QueueMessage<T>[]));
    return super.send(messages);
  }
}

/** A memory state store that remembers every ledger it accepted and counts lost conditional writes. */
export class RecordingStateStore extends MemoryStateStore {
  /** Subclasses that simulate a failing store switch their failure on with this. */
  broken = false;
  readonly ledgersWritten: Ledger[] = [];
  ledgerConflicts = 0;
  override async putLedger(next: Ledger, expectedVersion: number): Promise<boolean> {
    const ok = await super.putLedger(next, expectedVersion);
    if (ok) this.ledgersWritten.push(next);
    else this.ledgerConflicts++;
    return ok;
  }
}

/** A paper exchange that records each placement attempt (client order id) in a shared list. */
export class CountingPaperExchange extends PaperExchange {
  constructor(options: PaperExchangeOptions, private readonly placements: string[]) {
    super(options);
  }
  override async placeOrder(request: OrderRequest) {
    this.placements.push(request.clientOrderId);
    return super.placeOrder(request);
  }
}

export interface WorldOptions {
  /** Initial clock; default T0 + 5 s (the signal schedule's offset after a candle close). */
  readonly start?: number;
  /** Quote the paper venue account holds; default the policy's paper.startingCash. */
  readonly venueCash?: string;
  /** Market rules the venue knows; default PAPER_MARKETS. */
  readonly markets?: Readonly<Record<string, MarketInfo>>;
}

/** Every port a service needs, plus the test's handles on them. */
export type World = ReturnType<typeof buildWorld>;

/** Builds a fresh in-memory world; it satisfies every service's deps type as it is. */
export function buildWorld(options: WorldOptions = {}) {
  const clock = new FakeClock(options.start ?? T0 + 5_000);
  const market = new MemoryMarketStore();
  const policies = new MemoryPolicyStore({ clock });
  const state = new RecordingStateStore();
  const signals = new RecordingQueue<Intent>(clock);
  const orders = new RecordingQueue<OrderRequest>(clock);
  const alerts = new MemoryAlerts();
  const venue = new MemoryPaperVenueStore();
  const placements: string[] = [];
  const markets = paperMarkets(options.markets ?? PAPER_MARKETS);
  /** The paper venue for a policy, configured as shared/runtime/deps.ts does; there is no LIVE venue here. */
  const exchangeFor = (policy: Policy, mode: TradingMode = policy.mode): PaperExchange => {
    if (mode === 'LIVE') throw new Error('unit-test world has no LIVE venue: a LIVE order must never be routed here');
    return new CountingPaperExchange({
      markets, marketData: market, venue, clock, slippageBps: policy.paper.slippageBps,
      feeRate: policy.paper.takerFeeBps / 10_000, maxBookAgeMs: policy.marketQuality.staleDataSeconds * 1000,
      startingCash: { currency: splitSymbol(policy.symbols[0]!).quote, amount: options.venueCash ?? policy.paper.startingCash },
    }, placements);
  };
  return { clock, market, policies, state, signals, orders, alerts, venue, placements, exchangeFor };
}

/** Writes a policy document as the operator would and loads it once (so it becomes LAST_VALID). */
export async function setPolicy(world: World, document: Record<string, unknown>): Promise<LoadedPolicy> {
  await world.policies.write(document, { by: 'test', at: world.clock.now() });
  const loaded = await world.policies.load();
  if (loaded.source !== 'active') throw new Error(`test policy rejected: ${JSON.stringify(loaded.rejected?.problems)}`);
  return loaded;
}

/** The close of the newest candle that had closed at `now`. */
export function latestClose(now: number): number {
  return Math.floor(now / M) * M;
}

/**
 * Closes with a steady drift and alternating noise: returns alternate drift + 0.00075 and
 * drift − 0.00075, so the sample stdev is never zero. drift 0.0012 gives momentum M ≈ 48 over
 * 30 returns (far above the default entryThreshold 6), −0.0012 M ≈ −48, 0 M ≈ 0.
 */
export function trend(count: number, drift: number, first = 50_000): number[] {
  const closes = [first];
  for (let i = 1; i < count; i++) {
    const r = drift + (i % 2 ? 0.00075 : -0.00075);
    closes.push(Math.round(closes[i - 1]! * Math.exp(r) * 100) / 100);
  }
  return closes;
}

/** 1m candles with these closes, the last one closing at `lastClose` (open = previous close). */
export function candlesEndingAt(symbol: string, closes: readonly number[], lastClose: number): Candle[] {
  return closes.map((close, i) => {
    const open = i === 0 ? close : closes[i - 1]!;
    return {
      symbol, timeframe: '1m', openTime: lastClose - (closes.length - i) * M,
      open, high: Math.max(open, close), low: Math.min(open, close), close, volume: 1,
    };
  });
}

/** Stores candles ending at the latest close before the clock (or `lastClose`) and a top of book at the clock. */
export async function seedSymbol(
  world: World, symbol: string, closes: readonly number[],
  opts: { lastClose?: number; bid?: string; ask?: string } = {},
): Promise<Candle[]> {
  const candles = candlesEndingAt(symbol, closes, opts.lastClose ?? latestClose(world.clock.now()));
  await world.market.putCandles(candles);
  const last = String(closes.at(-1));
  await seedBook(world, symbol, opts.bid ?? last, opts.ask ?? last);
  return candles;
}

/** Stores a top of book for `symbol` quoted at the clock's time. */
export async function seedBook(world: World, symbol: string, bid: string, ask: string): Promise<void> {
  await world.market.putTopOfBook({ symbol, bid, ask, time: world.clock.now() });
}

/**
 * Everything the entry guards need to see a healthy market for `symbol` at the clock: a top of book,
 * a fresh heartbeat and a latest closed candle closing at the bid (the bad-tick reference).
 */
export async function seedMarket(world: World, symbol: string, bid: string, ask: string): Promise<void> {
  await seedBook(world, symbol, bid, ask);
  await heartbeat(world);
  await world.market.putCandles(candlesEndingAt(symbol, [Number(bid)], latestClose(world.clock.now())));
}

/**
 * Policy fragment for service tests whose subject is not pacing or protection locks: the defaults space
 * entries 180 s apart, 900 s per symbol, and lock a pair for 15 min after an exit.
 */
export const UNPACED = {
  pacing: { maxTradesPerDay: 1000, maxTradesPerHour: 1000, maxNewPositionsPerHour: 1000, minSecondsBetweenTrades: 0, perSymbolCooldownSeconds: 0 },
  protections: { cooldown: { enabled: false, lockMinutes: 15 } },
} as const;

/** Writes the market-stream heartbeat at `at` (default: now). */
export async function heartbeat(world: World, at = world.clock.now()): Promise<void> {
  await world.market.putHeartbeat({ source: HEARTBEAT_SOURCE, time: at, lastCandle: {}, messages: 1, lagMs: 0 });
}

/** An intent as the signal function would emit it for the candle closing at `candleCloseTime`. */
export function intentFor(symbol: string, kind: IntentKind, candleCloseTime: number, policyHash = 'test-policy'): Intent {
  const side = kind === 'entry' ? 'buy' : 'sell';
  return {
    intentId: intentIdFor('momentum', symbol, side, candleCloseTime), strategy: 'momentum', symbol, side, kind,
    candleCloseTime, referencePrice: '0', score: kind === 'entry' ? 10 : -1, reason: 'test', createdAt: candleCloseTime,
    policyHash, policyVersion: 1,
  };
}

/** Replaces the stored ledger (creating it when absent) with `build(current)`; current defaults to a fresh 10 000 ledger. */
export async function editLedger(world: World, build: (current: Ledger) => Ledger): Promise<Ledger> {
  const stored = await world.state.getLedger();
  const next = build(stored?.value ?? newLedger('10000', world.clock.now()));
  if (!(await world.state.putLedger(next, stored?.version ?? 0))) throw new Error('editLedger lost a write race');
  return next;
}

/** A ledger holding `quantity` of `symbol` bought for `cost` out of 10 000 starting cash. */
export function ledgerHolding(symbol: string, quantity: string, cost: string, at: number): Ledger {
  const l = newLedger('10000', at);
  return {
    ...l, cash: l.cash.sub(cost),
    positions: { [symbol]: { symbol, quantity: dec(quantity), costBasis: dec(cost), openedAt: at } },
  };
}

/** Sum of buy reservations in a ledger (quote). */
export function reservedTotal(ledger: Ledger): Decimal {
  return sum(Object.values(ledger.reservations).filter((r) => r.side === 'buy').map((r) => r.notional));
}

/** The ledger as stored now (throws when there is none). */
export async function storedLedger(world: World): Promise<{ value: Ledger; version: number }> {
  const l = await world.state.getLedger();
  if (!l) throw new Error('no ledger stored');
  return l;
}

/** Decides an intent and returns the approved order it sent (throws when it was not approved). */
export async function approve(world: World, intent: Intent): Promise<OrderRequest> {
  const decision = await decideIntent(world, intent);
  if (!decision.approved || !decision.order) {
    throw new Error(`intent not approved: ${decision.reasons.map((r) => r.code).join(', ')}`);
  }
  return decision.order;
}

/**
 * Records a request a test shaped itself as its intent's approved decision and reserves it, as decideIntent
 * would have: execution refuses orders without one. The intent must not have a decision yet.
 */
export async function approveAs(world: World, request: OrderRequest): Promise<OrderRequest> {
  await recordApprovedDecision(world.state, request, world.clock.now());
  await editLedger(world, (l) => reserve(l, {
    orderId: request.orderId, symbol: request.symbol, side: request.side, notional: dec(request.reservedNotional),
    createdAt: world.clock.now(), strategy: request.strategy, kind: request.kind,
  }));
  return request;
}

/** Approves then executes an intent: the whole risk → execution path for one order. */
export async function trade(world: World, intent: Intent): Promise<OrderRecord> {
  return executeOrder(world, await approve(world, intent));
}

/** Simulates a crash after the venue accepted the order: the record is SUBMITTING and the venue holds the order. */
export async function crashAfterPlacement(world: World, request: OrderRequest): Promise<void> {
  const at = world.clock.now();
  await world.state.createOrder(transitionOrder(newOrderRecord(request, at), 'SUBMITTING', at));
  const { policy } = await world.policies.load();
  await world.exchangeFor(policy, request.mode).placeOrder(request);
}

/** Base quantity held in `symbol` by the ledger (0 when flat). */
export function held(ledger: Ledger, symbol: string): Decimal {
  return ledger.positions[symbol]?.quantity ?? ZERO;
}

/**
 * The world with its paper venue configured from the whole policy (paperOptionsFor: impact, participation
 * cap, maker fee, seed, timeframe), as shared/runtime/deps.ts should build it; placements are still counted.
 */
export function withPolicyPaperModel(world: World, options: WorldOptions = {}): World {
  const markets = paperMarkets(options.markets ?? PAPER_MARKETS);
  const exchangeFor = (policy: Policy, mode: TradingMode = policy.mode): PaperExchange => {
    if (mode === 'LIVE') throw new Error('unit-test world has no LIVE venue: a LIVE order must never be routed here');
    const o = paperOptionsFor(policy);
    const startingCash = options.venueCash ? { ...o.startingCash, amount: options.venueCash } : o.startingCash;
    return new CountingPaperExchange({ ...o, startingCash, markets, marketData: world.market, venue: world.venue, clock: world.clock }, world.placements);
  };
  return { ...world, exchangeFor };
}

/** Stores one closed 1m candle of `symbol` opening at `openTime` (OHLC default to `price`). */
export async function putCandle(
  world: World, symbol: string, openTime: number, price: number, over: Partial<Candle> = {},
): Promise<Candle> {
  const candle: Candle = { symbol, timeframe: '1m', openTime, open: price, high: price, low: price, close: price, volume: 1000, ...over };
  await world.market.putCandles([candle]);
  return candle;
}
