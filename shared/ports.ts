/**
 * The capabilities the domain services need from the outside world. Adapters
 * in shared/adapters implement them for AWS, the embedded emulators and memory.
 */
import type { AlertKind, AlertSeverity } from './domain/alert-catalog.js';
import type { Alert } from './domain/alert-dedup.js';
import type { Candle, Heartbeat, Timeframe, TopOfBook } from './domain/candle.js';
import type { Decision } from './domain/decision.js';
import type { ExchangeHealth } from './domain/exchange-health.js';
import type { Intent, Side } from './domain/intent.js';
import type { KillSwitchState } from './domain/kill-switch.js';
import type { Ledger } from './domain/ledger.js';
import type { MarketInfo } from './domain/market.js';
import type { Fill, OrderRecord, OrderRequest, OrderStatus } from './domain/order.js';
import type { LoadedPolicy } from './domain/policy.js';

/** Source of time, epoch ms. The only way any service learns the time. */
export interface Clock {
  now(): number;
}

/** A stored value with the version used for optimistic (conditional) writes. */
export interface Versioned<T> {
  readonly value: T;
  readonly version: number;
}

/** Closed candles, top of book and the stream heartbeat. */
/** What a market batch may carry besides candles: the stream heartbeat and (single in-order writer only) latest books. */
export interface MarketBatchExtras {
  readonly heartbeat?: Heartbeat;
  readonly books?: readonly TopOfBook[];
}

export interface MarketDataStore {
  /**
   * Idempotent on (symbol, timeframe, openTime). A heartbeat and books given are written with them (DynamoDB: in the same
   * BatchWriteItem); such books are not conditional, so only a single writer that sends quotes in time order may pass them.
   */
  putCandles(candles: readonly Candle[], with_?: MarketBatchExtras): Promise<void>;
  /** The newest `count` candles that had closed at `now`, oldest first. */
  getRecentClosedCandles(symbol: string, timeframe: Timeframe, now: number, count: number): Promise<Candle[]>;
  /** getRecentClosedCandles for several symbols at once, by symbol; a store that can read them in fewer requests implements it. */
  getRecentClosedCandlesOf?(symbols: readonly string[], timeframe: Timeframe, now: number, count: number): Promise<Record<string, Candle[]>>;
  putTopOfBook(book: TopOfBook): Promise<void>;
  getTopOfBook(symbol: string): Promise<TopOfBook | undefined>;
  putHeartbeat(heartbeat: Heartbeat): Promise<void>;
  getHeartbeat(source: string): Promise<Heartbeat | undefined>;
}

/** The trading policy. load() never returns an invalid policy. */
export interface PolicyStore {
  /** The policy in force: the active item if valid, else the last valid one, else the schema defaults. */
  load(): Promise<LoadedPolicy>;
  /** Writes a new active policy document (validated by the caller or not: load() validates). */
  write(document: unknown, meta: { by: string; at: number }): Promise<{ version: number }>;
}

/** Kill switch, ledger, decisions, orders and fills. Unreadable items throw StateUnreadableError. */
export interface StateStore {
  getKillSwitch(): Promise<Versioned<KillSwitchState> | undefined>;
  /** Conditional on expectedVersion (0 = create); false when someone else wrote first. */
  putKillSwitch(next: KillSwitchState, expectedVersion: number): Promise<boolean>;

  getExchangeHealth(): Promise<Versioned<ExchangeHealth> | undefined>;
  /** Conditional on expectedVersion (0 = create); false when someone else wrote first. */
  putExchangeHealth(next: ExchangeHealth, expectedVersion: number): Promise<boolean>;

  getLedger(): Promise<Versioned<Ledger> | undefined>;
  /** Conditional on expectedVersion (0 = create); false when someone else wrote first. */
  putLedger(next: Ledger, expectedVersion: number): Promise<boolean>;

  getDecision(intentId: string): Promise<Decision | undefined>;
  /** Conditional create; if a decision for this intent exists, returns the stored one instead. */
  putDecision(decision: Decision): Promise<Decision>;
  listDecisions(filter?: { symbol?: string; since?: number }): Promise<Decision[]>;

  getOrder(orderId: string): Promise<Versioned<OrderRecord> | undefined>;
  /** Conditional create; if the order exists, returns the stored one instead. */
  createOrder(order: OrderRecord): Promise<Versioned<OrderRecord>>;
  /** Conditional on expectedVersion; false when someone else wrote first. */
  updateOrder(next: OrderRecord, expectedVersion: number): Promise<boolean>;
  listOrders(filter?: { statuses?: readonly OrderStatus[]; since?: number }): Promise<OrderRecord[]>;

  /** Conditional create keyed by tradeId; false if that fill was already recorded. */
  putFill(fill: Fill): Promise<boolean>;
  listFills(filter?: { since?: number }): Promise<Fill[]>;
}

/** A message for a FIFO queue. */
export interface QueueMessage<T> {
  readonly body: T;
  readonly groupId: string;
  readonly deduplicationId: string;
}

/** Sends to one FIFO queue. */
export interface MessageQueue<T> {
  send(messages: readonly QueueMessage<T>[]): Promise<void>;
}

export type { AlertKind, AlertSeverity } from './domain/alert-catalog.js';

export type { Alert };

/** Operator alerts (SNS → email / Slack); deduped, escalated and resolved by shared/adapters/deduping-alerts.ts. */
export interface Alerts {
  publish(alert: Alert): Promise<void>;
  /** The condition (kind, key) cleared at `at`: one RESOLVED goes out if it had been alerted and was still open. */
  resolve(kind: AlertKind, key: string | undefined, at: number): Promise<void>;
  /** Re-sends, marked ESCALATED, the critical conditions unresolved past their window; returns how many. */
  escalateDue(now: number): Promise<number>;
}

/** An exchange's view of one of our orders. Amounts and prices are decimal strings. */
export interface ExchangeOrder {
  readonly exchangeOrderId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: 'market' | 'limit';
  readonly status: 'open' | 'closed' | 'canceled' | 'rejected' | 'expired';
  readonly quantity: string;
  readonly filledQuantity: string;
  readonly averagePrice?: string;
  readonly limitPrice?: string;
  readonly trades: readonly ExchangeTrade[];
  readonly time: number;
}

/** One execution (fill) reported by the exchange, keyed by its trade id. */
export interface ExchangeTrade {
  readonly tradeId: string;
  readonly price: string;
  readonly quantity: string;
  readonly fee: string;
  readonly feeCurrency: string;
  readonly liquidity: 'maker' | 'taker';
  readonly time: number;
}

/** Free/used/total per currency, decimal strings. */
export type Balances = Readonly<Record<string, { free: string; used: string; total: string }>>;

/** A venue orders go to: ccxt for LIVE, the paper exchange for PAPER. */
export interface Exchange {
  readonly id: string;
  loadMarket(symbol: string): Promise<MarketInfo>;
  /** Sends the order with request.clientOrderId; the exchange must reject a reused client id. */
  placeOrder(request: OrderRequest): Promise<ExchangeOrder>;
  /** Looks an order up by our client order id; undefined when the exchange never saw it. */
  fetchOrderByClientId(symbol: string, clientOrderId: string): Promise<ExchangeOrder | undefined>;
  fetchOpenOrders(symbol?: string): Promise<ExchangeOrder[]>;
  cancelOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder>;
  fetchBalances(): Promise<Balances>;
}

/** Receives what a market source produces. */
export interface MarketSink {
  /** A candle that has closed. */
  onCandle(candle: Candle): Promise<void>;
  onBook(book: TopOfBook): Promise<void>;
}

/** Produces closed candles and top of book: ccxt.pro websocket on AWS, a replay of recorded candles locally. */
export interface MarketSource {
  readonly name: string;
  /** Starts producing for these symbols into the sink; resolves once subscribed. */
  start(symbols: readonly string[], timeframe: Timeframe, sink: MarketSink): Promise<void>;
  /** Changes the symbol set without a restart. */
  setSymbols(symbols: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

/** Where intents go (signals.fifo) and approved orders go (orders.fifo). */
export type SignalQueue = MessageQueue<Intent>;
export type OrderQueue = MessageQueue<OrderRequest>;

/**
 * A request-weight budget shared by every process trading on one exchange account (one API key, one
 * egress IP): concurrent Lambda invocations draw from the same per-minute window.
 */
export interface RateLimiter {
  /** Takes `weight` from the current window, waiting for a later window when it is full; throws a retryable error past its cap. */
  acquire(weight: number): Promise<void>;
}
