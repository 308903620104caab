/**
 * Where the paper exchange keeps its orders, so a paper order placed in one Lambda
 * invocation can be looked up by client id in the next.
 */
import { splitSymbol } from '../domain/market.js';
import { Decimal, ZERO, dec, money } from '../domain/money.js';
import type { Balances, ExchangeOrder, ExchangeTrade, Versioned } from '../ports.js';

/** A paper order as the venue stores it: the exchange's view plus the resting order's matching cursor. */
export interface PaperOrder extends ExchangeOrder {
  /** Resting limit orders: candles opening at or after this (epoch ms) have not been matched yet. */
  readonly matchedFrom?: number;
}

/** Paper orders keyed by client order id. */
export interface PaperVenueStore {
  /** Conditional create keyed by clientOrderId (version 1); false when that client id was already used. */
  create(order: PaperOrder): Promise<boolean>;
  get(clientOrderId: string): Promise<Versioned<PaperOrder> | undefined>;
  /** Conditional on expectedVersion; false when someone else wrote first. */
  update(order: PaperOrder, expectedVersion: number): Promise<boolean>;
  /** Every paper order, oldest first. */
  list(): Promise<PaperOrder[]>;
}

/** In-process PaperVenueStore for the backtest and unit tests; stores copies, never caller objects. */
export class MemoryPaperVenueStore implements PaperVenueStore {
  readonly #orders = new Map<string, Versioned<PaperOrder>>();

  async create(order: PaperOrder): Promise<boolean> {
    if (this.#orders.has(order.clientOrderId)) return false;
    this.#orders.set(order.clientOrderId, { value: structuredClone(order), version: 1 });
    return true;
  }

  async get(clientOrderId: string): Promise<Versioned<PaperOrder> | undefined> {
    const found = this.#orders.get(clientOrderId);
    return found && { value: structuredClone(found.value), version: found.version };
  }

  async update(order: PaperOrder, expectedVersion: number): Promise<boolean> {
    const found = this.#orders.get(order.clientOrderId);
    if (!found || found.version !== expectedVersion) return false;
    this.#orders.set(order.clientOrderId, { value: structuredClone(order), version: expectedVersion + 1 });
    return true;
  }

  async list(): Promise<PaperOrder[]> {
    return [...this.#orders.values()].map((o) => structuredClone(o.value)).sort((a, b) => a.time - b.time);
  }
}

/**
 * Balances of a paper account: starting cash plus every stored fill (fees in quote), with resting limit
 * orders holding their open quote (buys) or base (sells) as `used`.
 */
export function paperBalances(startingCash: { readonly currency: string; readonly amount: string }, orders: readonly ExchangeOrder[]): Balances {
  const total = new Map<string, Decimal>([[startingCash.currency, dec(startingCash.amount)]]);
  const used = new Map<string, Decimal>();
  const add = (m: Map<string, Decimal>, c: string, v: Decimal) => m.set(c, (m.get(c) ?? ZERO).add(v));
  for (const order of orders) {
    const { base, quote } = splitSymbol(order.symbol);
    const sign = order.side === 'buy' ? 1 : -1;
    for (const t of order.trades) {
      add(total, base, dec(t.quantity).mul(sign));
      add(total, quote, dec(t.price).mul(t.quantity).mul(-sign));
      add(total, t.feeCurrency, dec(t.fee).neg());
    }
    if (order.status === 'open') {
      const open = dec(order.quantity).sub(order.filledQuantity);
      if (order.side === 'buy') add(used, quote, open.mul(order.limitPrice ?? '0'));
      else add(used, base, open);
    }
  }
  const out: Record<string, { free: string; used: string; total: string }> = {};
  for (const currency of new Set([...total.keys(), ...used.keys()])) {
    const t = total.get(currency) ?? ZERO;
    const u = used.get(currency) ?? ZERO;
    out[currency] = { free: money(t.sub(u)), used: money(u), total: money(t) };
  }
  return out;
}

/** The order with these trades: closed when fully filled, else `unfilled` (open keeps the cursor at matchedFrom). */
export function withTrades(order: PaperOrder, trades: readonly ExchangeTrade[], unfilled: 'open' | 'expired', matchedFrom: number): PaperOrder {
  const filled = sumTrades(trades, (t) => dec(t.quantity));
  const status = filled.gte(order.quantity) ? 'closed' : unfilled;
  const { matchedFrom: _old, averagePrice: _avg, ...rest } = order;
  const average = filled.gt(0) ? sumTrades(trades, (t) => dec(t.price).mul(t.quantity)).div(filled).toDecimalPlaces(12) : undefined;
  return {
    ...rest, status, filledQuantity: money(filled), trades,
    ...(average ? { averagePrice: money(average) } : {}), ...(status === 'open' ? { matchedFrom } : {}),
  };
}

/** The exchange's view of a stored paper order (without the matching cursor). */
export function publicView(order: PaperOrder): ExchangeOrder {
  const { matchedFrom: _cursor, ...view } = order;
  return view;
}

/** Sum of f over trades. */
export function sumTrades(trades: readonly ExchangeTrade[], f: (t: ExchangeTrade) => Decimal): Decimal {
  return trades.reduce((acc, t) => acc.add(f(t)), ZERO);
}
