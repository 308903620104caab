import { createHash } from 'node:crypto';
import { CLIENT_ORDER_PREFIX } from '../resources.js';
import { IllegalTransitionError } from './errors.js';
import { dec, money } from './money.js';
import type { IntentKind, Side } from './intent.js';

/** Order lifecycle. See ORDER_TRANSITIONS for the legal moves. */
export type OrderStatus =
  | 'NEW' | 'SUBMITTING' | 'OPEN' | 'PARTIALLY_FILLED' | 'FILLED' | 'REJECTED' | 'CANCELED' | 'EXPIRED';

export type TradingMode = 'DRY_RUN' | 'PAPER' | 'LIVE';

/** An approved order as it travels on orders.fifo. Decimal strings for money and quantity. */
export interface OrderRequest {
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly intentId: string;
  readonly strategy: string;
  readonly symbol: string;
  readonly side: Side;
  readonly kind: IntentKind;
  readonly type: 'market' | 'limit';
  readonly quantity: string;
  readonly limitPrice?: string;
  /** Price the decision was sized at. */
  readonly referencePrice: string;
  /** Notional reserved in the ledger for this order (quote). */
  readonly reservedNotional: string;
  readonly mode: TradingMode;
  readonly policyHash: string;
  readonly createdAt: number;
  /** For exits: why (stop-loss, take-profit, trailing-stop, time-stop, roi, signal); carried into the trade journal. */
  readonly exitReason?: string;
  /** For a slice child: base quantity its parent had executed before it (Almgren–Chriss permanent impact). */
  readonly executedBefore?: string;
  /** For a sliced parent (never sent itself): its children's quantities, in order (shared/domain/slicing.ts). */
  readonly slices?: readonly string[];
  /** For a sliced parent: seconds between its children's due times. */
  readonly sliceIntervalSeconds?: number;
  /** For a slice child: its parent's order id, and its index among the parent's children. */
  readonly parentOrderId?: string;
  readonly sliceIndex?: number;
}

/** The persisted order: the request plus its state. */
export interface OrderRecord extends OrderRequest {
  readonly status: OrderStatus;
  readonly filledQuantity: string;
  readonly averagePrice?: string;
  readonly fees: string;
  readonly exchangeOrderId?: string;
  readonly rejectReason?: string;
  readonly updatedAt: number;
  readonly history: readonly { readonly status: OrderStatus; readonly at: number; readonly note?: string }[];
}

/** A fill booked into the ledger, keyed by the exchange's trade id. */
export interface Fill {
  readonly tradeId: string;
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly quantity: string;
  readonly price: string;
  readonly fee: string;
  readonly feeCurrency: string;
  readonly liquidity: 'maker' | 'taker';
  readonly time: number;
  readonly policyHash: string;
  readonly strategy?: string;
  readonly exitReason?: string;
}

/** Legal status changes. Terminal states have none. */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  NEW: ['SUBMITTING', 'REJECTED', 'CANCELED'],
  SUBMITTING: ['OPEN', 'PARTIALLY_FILLED', 'FILLED', 'REJECTED', 'CANCELED', 'EXPIRED'],
  OPEN: ['PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'EXPIRED'],
  PARTIALLY_FILLED: ['PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'EXPIRED'],
  FILLED: [],
  REJECTED: [],
  CANCELED: [],
  EXPIRED: [],
};

/** True when no further transition is possible. */
export function isTerminal(status: OrderStatus): boolean {
  return ORDER_TRANSITIONS[status].length === 0;
}

/** True when `to` is a legal next status from `from`. */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

/** Order id derived from the intent id: the same intent always yields the same order. */
export function orderIdFor(intentId: string): string {
  const known = orderIds.get(intentId);
  if (known !== undefined) return known;
  const id = createHash('sha256').update(`order|${intentId}`).digest('hex').slice(0, 32);
  if (orderIds.size >= 1024) orderIds.clear();
  orderIds.set(intentId, id);
  return id;
}

/** Recent orderIdFor results: a decision hashes the same intent id twice (portfolio view, then the order). */
const orderIds = new Map<string, string>();

/** Client order id sent to the exchange: prefix + order id, 35 chars of [a-z0-9] (Binance allows 36 of [A-Za-z0-9-_]). */
export function clientOrderIdFor(orderId: string): string {
  return `${CLIENT_ORDER_PREFIX}${orderId}`;
}

/** A new order record for an approved request: status NEW, nothing filled, one history entry. */
export function newOrderRecord(request: OrderRequest, at: number): OrderRecord {
  return { ...request, status: 'NEW', filledQuantity: '0', fees: '0', updatedAt: at, history: [{ status: 'NEW', at }] };
}

/** Fields an order transition may change besides its status; decimal strings are normalised by money(). */
export type OrderPatch = Partial<Pick<OrderRecord, 'filledQuantity' | 'averagePrice' | 'fees' | 'exchangeOrderId' | 'rejectReason'>>;

/** Moves an order to `to` (throws IllegalTransitionError unless ORDER_TRANSITIONS allows it); never mutates. */
export function transitionOrder(order: OrderRecord, to: OrderStatus, at: number, patch: OrderPatch = {}, note?: string): OrderRecord {
  if (!canTransition(order.status, to)) throw new IllegalTransitionError(order.status, to, order.orderId);
  const changes: Record<string, string> = {};
  for (const key of ['filledQuantity', 'averagePrice', 'fees'] as const) {
    const v = patch[key];
    if (v !== undefined) changes[key] = money(dec(v));
  }
  if (patch.exchangeOrderId !== undefined) changes.exchangeOrderId = patch.exchangeOrderId;
  if (patch.rejectReason !== undefined) changes.rejectReason = patch.rejectReason;
  const entry = note === undefined ? { status: to, at } : { status: to, at, note };
  return { ...order, ...changes, status: to, updatedAt: at, history: [...order.history, entry] };
}

/** Maps the exchange's (ccxt) order status to ours: an open order with any fill is PARTIALLY_FILLED. */
export function statusFromExchange(
  status: 'open' | 'closed' | 'canceled' | 'rejected' | 'expired',
  filledQuantity: string,
): OrderStatus {
  switch (status) {
    case 'open': return dec(filledQuantity).gt(0) ? 'PARTIALLY_FILLED' : 'OPEN';
    case 'closed': return 'FILLED';
    case 'canceled': return 'CANCELED';
    case 'rejected': return 'REJECTED';
    case 'expired': return 'EXPIRED';
  }
}
