/**
 * Item shapes of the market and state tables (the policy table's are in policy-codec.ts), shared by the DynamoDB and
 * the in-memory stores so both hold exactly the same items and apply the same
 * rules. Writes are checked against the read schemas first (never store what
 * cannot be read back); a read that fails its schema throws StateUnreadableError,
 * and services fail closed. Kept in one module on purpose: a second copy of any
 * shape is how the memory and DynamoDB stores would drift apart. Size (~320 lines): the
 * compile-time guard that every read schema covers every field of its domain type needs all
 * schemas in one place; splitting it would split that guard.
 */
import * as z from 'zod';
import { TIMEFRAMES, closeTime, type Candle, type Heartbeat, type Timeframe, type TopOfBook } from '../domain/candle.js';
import type { Decision, ReasonCode } from '../domain/decision.js';
import { StateUnreadableError } from '../domain/errors.js';
import type { IntentKind, Side } from '../domain/intent.js';
import type { KillSwitchState, KillSwitchStatus } from '../domain/kill-switch.js';
import type { Ledger } from '../domain/ledger.js';
import { Decimal, dec, money } from '../domain/money.js';
import type { ExchangeHealth } from '../domain/exchange-health.js';
import { ORDER_TRANSITIONS, type Fill, type OrderRecord, type OrderStatus, type TradingMode } from '../domain/order.js';
import { RecordInvalidError } from './errors.js';

/** A table item as plain JS values (what the document client marshals). */
export type Item = Record<string, unknown>;

/** Zero-pads a non-negative integer (epoch ms, version) to 13 digits so string order is numeric order. */
export function pad13(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0 || n >= 1e13) throw new RangeError(`cannot pad ${n} to 13 digits`);
  return String(n).padStart(13, '0');
}

/** Market candles expire this long after they close (DynamoDB TTL). */
export const CANDLE_RETENTION_MS = 14 * 86_400_000;

/** Keys of every item this module defines. */
export const keys = {
  candle: (symbol: string, tf: Timeframe, openTime: number) => ({ pk: `CANDLE#${symbol}#${tf}`, sk: pad13(openTime) }),
  book: (symbol: string) => ({ pk: `BOOK#${symbol}`, sk: 'LATEST' }),
  heartbeat: (source: string) => ({ pk: `HEARTBEAT#${source}`, sk: 'LATEST' }),
  killSwitch: { pk: 'KILL_SWITCH', sk: 'CURRENT' },
  ledger: { pk: 'LEDGER', sk: 'CURRENT' },
  exchangeHealth: { pk: 'EXCHANGE_HEALTH', sk: 'CURRENT' },
  decision: (intentId: string) => ({ pk: `DECISION#${intentId}`, sk: 'DECISION' }),
  order: (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER' }),
  fill: (symbol: string, tradeId: string) => ({ pk: `FILL#${symbol}#${tradeId}`, sk: 'FILL' }),
} as const;

/** gsi1pk values of the state table's byType index. */
export const RECORD_TYPE = { decision: 'DECISION', order: 'ORDER', fill: 'FILL' } as const;

// ---- schemas (read side) ----

/** z.enum over every member of T: adding a member to the domain type without listing it here fails to compile. */
function allOf<T extends string>(members: { [K in T]: true }) {
  return z.enum(Object.keys(members) as [T, ...T[]]);
}

const DECIMAL = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const decimalString = z.string().regex(DECIMAL, 'a decimal string');
const decimal = decimalString.transform((s) => dec(s));
const epochMs = z.number().int().nonnegative().lt(1e13);
const count = z.number().int().nonnegative();
const side = allOf<Side>({ buy: true, sell: true });
const kind = allOf<IntentKind>({ entry: true, exit: true });
const mode = allOf<TradingMode>({ DRY_RUN: true, PAPER: true, LIVE: true });
const orderStatus = z.enum(Object.keys(ORDER_TRANSITIONS) as [OrderStatus, ...OrderStatus[]]);
const reasonCode = allOf<ReasonCode>({
  KILL_SWITCH_NOT_ARMED: true, STATE_UNREADABLE: true, MAX_POSITION_NOTIONAL: true, MAX_TOTAL_EXPOSURE: true,
  BELOW_MIN_NOTIONAL: true, INSUFFICIENT_CASH: true, POSITION_ALREADY_OPEN: true, NO_POSITION: true,
  NO_MARKET_PRICE: true, SYMBOL_NOT_TRADED: true, DRY_RUN: true, READ_ONLY: true, MAX_OPEN_POSITIONS: true, MAX_POSITION_SIZE: true,
  STRATEGY_BUDGET: true, DAILY_LOSS_LIMIT: true, WEEKLY_LOSS_LIMIT: true, MAX_DRAWDOWN: true, MAX_TRADES_PER_DAY: true,
  MAX_TRADES_PER_HOUR: true, MAX_NEW_POSITIONS_PER_HOUR: true, MIN_TIME_BETWEEN_TRADES: true, SYMBOL_COOLDOWN: true,
  PAIR_LOCKED: true, GLOBAL_LOCK: true, STALE_MARKET_DATA: true, SPREAD_TOO_WIDE: true, BAD_TICK: true, CANARY_STAKE_CAP: true,
  CIRCUIT_OPEN: true, MAX_PYRAMID_ADDS: true, REGIME_BLOCKED: true,
});

const CandleSchema = z.object({
  symbol: z.string().min(1),
  timeframe: z.enum(TIMEFRAMES as [Timeframe, ...Timeframe[]]),
  openTime: epochMs,
  open: z.number().nonnegative(), high: z.number().nonnegative(), low: z.number().nonnegative(),
  close: z.number().nonnegative(), volume: z.number().nonnegative(),
});
const BookSchema = z.object({ symbol: z.string().min(1), bid: decimalString, ask: decimalString, time: epochMs });
const HeartbeatSchema = z.object({
  source: z.string().min(1), time: epochMs, lastCandle: z.record(z.string(), epochMs), messages: count, lagMs: z.number(),
});

const KillSwitchSchema = z.object({
  status: allOf<KillSwitchStatus>({ ARMED: true, TRIPPED: true, COOLDOWN: true }),
  reason: z.string().optional(), changedAt: epochMs.optional(), changedBy: z.string().optional(),
  cooldownUntil: epochMs.optional(), tripCount: count,
  history: z.array(z.object({ event: z.enum(['TRIP', 'RESET']), at: epochMs, by: z.string(), reason: z.string() })),
});

const PositionSchema = z.object({
  symbol: z.string().min(1), quantity: decimal, costBasis: decimal, openedAt: epochMs,
  strategy: z.string().optional(), highWaterMark: decimal.optional(), adds: count.optional(),
});
const ReservationSchema = z.object({
  orderId: z.string().min(1), symbol: z.string().min(1), side, notional: decimal, createdAt: epochMs,
  strategy: z.string().optional(), kind: kind.optional(),
});
const ClosedTradeSchema = z.object({
  symbol: z.string().min(1), strategy: z.string().optional(), quantity: decimal, pnl: decimal, pnlPct: decimal,
  openedAt: epochMs, closedAt: epochMs, exitReason: z.string(),
});
const PeriodSchema = z.object({ start: epochMs, startEquity: decimal, peakEquity: decimal });
const LedgerSchema = z.object({
  startingCash: decimal, cash: decimal,
  positions: z.record(z.string(), PositionSchema), reservations: z.record(z.string(), ReservationSchema),
  realizedPnl: decimal, feesPaid: decimal, peakEquity: decimal,
  appliedFillIds: z.array(z.string()), fillCount: count, updatedAt: epochMs,
  trades: z.array(ClosedTradeSchema).optional(),
  orderLog: z.array(z.object({ symbol: z.string().min(1), side, kind, at: epochMs })).optional(),
  day: PeriodSchema.optional(), week: PeriodSchema.optional(),
  locks: z.array(z.object({
    scope: z.string().min(1), protection: z.string(), reason: z.string(), createdAt: epochMs, until: epochMs,
  })).optional(),
  dustWriteOffs: z.array(z.object({ orderId: z.string().min(1), symbol: z.string().min(1), quantity: decimal, at: epochMs })).optional(),
});
const ExchangeHealthSchema = z.object({
  consecutiveFailures: count, openedAt: epochMs.optional(), probeAt: epochMs.optional(),
  recentErrors: z.array(epochMs), updatedAt: epochMs,
});

const OrderRequestSchema = z.object({
  orderId: z.string().min(1), clientOrderId: z.string().min(1), intentId: z.string().min(1),
  strategy: z.string().min(1), symbol: z.string().min(1), side, kind, type: z.enum(['market', 'limit']),
  quantity: decimalString, limitPrice: decimalString.optional(), referencePrice: decimalString,
  reservedNotional: decimalString, mode, policyHash: z.string(), createdAt: epochMs, exitReason: z.string().optional(), executedBefore: decimalString.optional(),
  slices: z.array(decimalString).optional(), sliceIntervalSeconds: z.number().int().optional(), parentOrderId: z.string().optional(), sliceIndex: z.number().int().optional(),
});
const OrderRecordSchema = OrderRequestSchema.extend({
  status: orderStatus, filledQuantity: decimalString, averagePrice: decimalString.optional(), fees: decimalString,
  exchangeOrderId: z.string().optional(), rejectReason: z.string().optional(), updatedAt: epochMs,
  history: z.array(z.object({ status: orderStatus, at: epochMs, note: z.string().optional() })),
});
const DecisionSchema = z.object({
  intentId: z.string().min(1), strategy: z.string().min(1), symbol: z.string().min(1), side, kind,
  approved: z.boolean(), reasons: z.array(z.object({ code: reasonCode, message: z.string() })),
  quantity: decimalString.optional(), notional: decimalString.optional(), order: OrderRequestSchema.optional(),
  mode, policyHash: z.string(), policyVersion: count, decidedAt: epochMs,
});
const FillSchema = z.object({
  tradeId: z.string().min(1), orderId: z.string().min(1), clientOrderId: z.string().min(1), symbol: z.string().min(1),
  side, quantity: decimalString, price: decimalString, fee: decimalString, feeCurrency: z.string(),
  liquidity: z.enum(['maker', 'taker']), time: epochMs, policyHash: z.string(),
  strategy: z.string().optional(), exitReason: z.string().optional(),
});
const VersionSchema = z.number().int().positive();

/** Compile-time guard: a read schema must name every field of its domain type (zod strips unknown keys silently). */
type Covers<D, S> = [Exclude<keyof D, keyof S>] extends [never] ? true : never;
const schemasCoverDomain: [
  Covers<Candle, z.output<typeof CandleSchema>>, Covers<TopOfBook, z.output<typeof BookSchema>>,
  Covers<Heartbeat, z.output<typeof HeartbeatSchema>>, Covers<KillSwitchState, z.output<typeof KillSwitchSchema>>,
  Covers<Ledger, z.output<typeof LedgerSchema>>, Covers<OrderRecord, z.output<typeof OrderRecordSchema>>,
  Covers<Decision, z.output<typeof DecisionSchema>>, Covers<Fill, z.output<typeof FillSchema>>,
  Covers<ExchangeHealth, z.output<typeof ExchangeHealthSchema>>,
] = [true, true, true, true, true, true, true, true, true];
void schemasCoverDomain;

function problemsOf(error: z.ZodError): string {
  return error.issues.slice(0, 5).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** Parses a stored value; a failure is StateUnreadableError naming the item. */
function read<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new StateUnreadableError(`${what} (${problemsOf(parsed.error)})`, { cause: parsed.error });
  return parsed.data;
}

/** Checks a value about to be written against its read schema; a failure is RecordInvalidError. */
function checked<T>(schema: z.ZodType, value: T, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new RecordInvalidError(`${what} (${problemsOf(parsed.error)})`, { cause: parsed.error });
  return value;
}

/** Runs an encoder; anything it throws (a NaN Decimal, a missing field) becomes RecordInvalidError. */
function guard<T>(what: string, build: () => T): T {
  try {
    return build();
  } catch (err) {
    throw new RecordInvalidError(what, { cause: err });
  }
}

/** The value as plain JSON (drops undefined, Decimal to string); unserialisable values are RecordInvalidError. */
function plainJson(value: unknown, what: string): Item {
  return guard(what, () => JSON.parse(JSON.stringify(value)) as Item);
}

function describeKey(item: Item): string {
  return `${String(item['pk'])}/${String(item['sk'])}`;
}

// ---- market table ----

/** Candle item: OHLCV as numbers, TTL `expiresAt` in epoch seconds (close + 14 days). */
export function candleToItem(c: Candle): Item {
  const candle = checked(CandleSchema, { symbol: c.symbol, timeframe: c.timeframe, openTime: c.openTime,
    open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume }, 'candle');
  const expiresAt = Math.floor((closeTime(c) + CANDLE_RETENTION_MS) / 1000);
  return { ...keys.candle(c.symbol, c.timeframe, c.openTime), ...candle, expiresAt };
}

/** Candle from its item; StateUnreadableError when malformed. */
export function candleFromItem(item: Item): Candle {
  return read(CandleSchema, item, `candle ${describeKey(item)}`);
}

/** Top-of-book item (one per symbol). */
export function bookToItem(b: TopOfBook): Item {
  return { ...keys.book(b.symbol), ...checked(BookSchema, { symbol: b.symbol, bid: b.bid, ask: b.ask, time: b.time }, 'top of book') };
}

/** Top of book from its item. */
export function bookFromItem(item: Item): TopOfBook {
  return read(BookSchema, item, `top of book ${describeKey(item)}`);
}

/** Heartbeat item (one per source). */
export function heartbeatToItem(h: Heartbeat): Item {
  const body = { source: h.source, time: h.time, lastCandle: { ...h.lastCandle }, messages: h.messages, lagMs: h.lagMs };
  return { ...keys.heartbeat(h.source), ...checked(HeartbeatSchema, body, 'heartbeat') };
}

/** Heartbeat from its item. */
export function heartbeatFromItem(item: Item): Heartbeat {
  return read(HeartbeatSchema, item, `heartbeat ${describeKey(item)}`);
}

// ---- state table: versioned singletons ----

/** Plain-JSON kill switch (the `doc` attribute). */
export function killSwitchToDoc(k: KillSwitchState): Item {
  return checked(KillSwitchSchema, plainJson(k, 'kill switch'), 'kill switch');
}

/** Plain-JSON ledger (the `doc` attribute); every Decimal as its full string. */
export function ledgerToDoc(l: Ledger): Item {
  const doc = guard('ledger', () => decimalsToStrings(l) as Item);
  return checked(LedgerSchema, doc, 'ledger');
}

/** Plain-JSON exchange health (the `doc` attribute). */
export function exchangeHealthToDoc(h: ExchangeHealth): Item {
  return checked(ExchangeHealthSchema, plainJson(h, 'exchange health'), 'exchange health');
}

/** Exchange health and its version from the item. */
export function exchangeHealthFromItem(item: Item): { value: ExchangeHealth; version: number } {
  return {
    value: read(ExchangeHealthSchema, item['doc'], 'exchange health'),
    version: read(VersionSchema, item['version'], 'exchange health version'),
  };
}

/** Deep copy with every Decimal as its full fixed-point string and undefined members dropped. */
function decimalsToStrings(value: unknown): unknown {
  if (Decimal.isDecimal(value)) return money(value as Decimal);
  if (Array.isArray(value)) return value.map(decimalsToStrings);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, decimalsToStrings(v)]));
  }
  return value;
}

/** A versioned singleton item (`doc` + numeric `version`). */
export function versionedItem(key: { pk: string; sk: string }, doc: Item, version: number): Item {
  return { ...key, doc, version };
}

/** Kill switch and its version from the item. */
export function killSwitchFromItem(item: Item): { value: KillSwitchState; version: number } {
  return {
    value: read(KillSwitchSchema, item['doc'], 'kill switch'),
    version: read(VersionSchema, item['version'], 'kill switch version'),
  };
}

/** Ledger and its version from the item. */
export function ledgerFromItem(item: Item): { value: Ledger; version: number } {
  return { value: read(LedgerSchema, item['doc'], 'ledger'), version: read(VersionSchema, item['version'], 'ledger version') };
}

// ---- state table: records listed through the byType index ----

/** Decision item: the decision's fields plus keys; listed by decidedAt. */
export function decisionToItem(d: Decision): Item {
  const body = checked(DecisionSchema, plainJson(d, 'decision'), 'decision');
  return { ...body, ...keys.decision(d.intentId), gsi1pk: RECORD_TYPE.decision, gsi1sk: `${pad13(d.decidedAt)}#${d.intentId}` };
}

/** Decision from its item. */
export function decisionFromItem(item: Item): Decision {
  return read(DecisionSchema, item, `decision ${describeKey(item)}`);
}

/** Order item at a version: the record's fields plus keys; listed by createdAt. */
export function orderToItem(o: OrderRecord, version: number): Item {
  const body = checked(OrderRecordSchema, plainJson(o, 'order'), 'order');
  return { ...body, ...keys.order(o.orderId), version, gsi1pk: RECORD_TYPE.order, gsi1sk: `${pad13(o.createdAt)}#${o.orderId}` };
}

/** Order and its version from the item. */
export function orderFromItem(item: Item): { value: OrderRecord; version: number } {
  const what = `order ${describeKey(item)}`;
  return { value: read(OrderRecordSchema, item, what), version: read(VersionSchema, item['version'], `${what} version`) };
}

/** Fill item, keyed by (symbol, tradeId); listed by time. */
export function fillToItem(f: Fill): Item {
  const body = checked(FillSchema, plainJson(f, 'fill'), 'fill');
  return { ...body, ...keys.fill(f.symbol, f.tradeId), gsi1pk: RECORD_TYPE.fill, gsi1sk: `${pad13(f.time)}#${f.symbol}#${f.tradeId}` };
}

/** Fill from its item. */
export function fillFromItem(item: Item): Fill {
  return read(FillSchema, item, `fill ${describeKey(item)}`);
}
