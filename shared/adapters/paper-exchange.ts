/**
 * PAPER venue: simulated fills on real market data. Prices come only from the
 * stored top of book (never from the order), fills from the shared fill model, so a
 * paper fill equals the backtest's "next candle open +/- slippage".
 */
import { fillMarketOrder, marketFillPrice, orderRuleViolation, takerFee } from '../domain/fill-model.js';
import { splitSymbol, type MarketInfo } from '../domain/market.js';
import { Decimal, ZERO, dec, money, type DecimalLike } from '../domain/money.js';
import type { OrderRequest } from '../domain/order.js';
import type { TopOfBook } from '../domain/candle.js';
import type { Balances, Clock, Exchange, ExchangeOrder, ExchangeTrade, MarketDataStore } from '../ports.js';
import { EXCHANGE_ERROR, ExchangeApiError } from './ccxt-errors.js';
import type { MarketLookup } from './paper-markets.js';
import type { PaperVenueStore } from './paper-venue-store.js';

/** Everything the paper venue needs; slippage and fee come from the policy's paper section. */
export interface PaperExchangeOptions {
  readonly markets: MarketLookup;
  readonly marketData: Pick<MarketDataStore, 'getTopOfBook'>;
  readonly venue: PaperVenueStore;
  readonly clock: Clock;
  /** Slippage applied against us on taker fills, basis points. */
  readonly slippageBps: number;
  /** Taker fee, fraction of notional (0.001 = 10 bps). */
  readonly feeRate: DecimalLike;
  /** A top of book older than this (ms) is no price at all. */
  readonly maxBookAgeMs: number;
  /** Cash the paper account holds before any fill, e.g. { currency: 'USDT', amount: '10000' }. */
  readonly startingCash: { readonly currency: string; readonly amount: string };
}

/** Exchange order id of a paper order. */
export function paperOrderId(clientOrderId: string): string {
  return `paper-${clientOrderId}`;
}

/** Trade id of the n-th paper fill of an order: deterministic, so a fill can never be booked twice. */
export function paperTradeId(clientOrderId: string, n = 1): string {
  return `paper-${clientOrderId}-${n}`;
}

/** The paper Exchange: market orders fill at once; non-marketable limit orders rest until cancelled (no matching engine). */
export class PaperExchange implements Exchange {
  readonly id = 'paper';

  constructor(private readonly o: PaperExchangeOptions) {
    if (!(o.slippageBps >= 0)) throw new RangeError(`slippageBps must be >= 0, got ${o.slippageBps}`);
    if (!(o.maxBookAgeMs > 0)) throw new RangeError(`maxBookAgeMs must be > 0, got ${o.maxBookAgeMs}`);
    if (dec(o.feeRate).lt(0)) throw new RangeError('feeRate must be >= 0');
  }

  async loadMarket(symbol: string): Promise<MarketInfo> {
    return this.o.markets(symbol);
  }

  async placeOrder(request: OrderRequest): Promise<ExchangeOrder> {
    const market = this.o.markets(request.symbol);
    if (await this.o.venue.get(request.clientOrderId)) throw duplicate(request.clientOrderId);
    const now = this.o.clock.now();
    const book = await this.#freshBook(request.symbol, now);
    const order = this.#execute(request, market, book, now);
    await this.#checkFunds(order, market);
    if (!(await this.o.venue.create(order))) throw duplicate(request.clientOrderId);
    return order;
  }

  async fetchOrderByClientId(symbol: string, clientOrderId: string): Promise<ExchangeOrder | undefined> {
    const found = await this.o.venue.get(clientOrderId);
    return found && found.value.symbol === symbol ? found.value : undefined;
  }

  async fetchOpenOrders(symbol?: string): Promise<ExchangeOrder[]> {
    const all = await this.o.venue.list();
    return all.filter((o) => o.status === 'open' && (symbol === undefined || o.symbol === symbol));
  }

  async cancelOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder> {
    const found = await this.o.venue.get(clientOrderId);
    if (!found || found.value.symbol !== symbol || found.value.status !== 'open') {
      const why = found && found.value.symbol === symbol ? `is ${found.value.status}` : 'does not exist';
      throw new ExchangeApiError(EXCHANGE_ERROR.orderNotFound, `paper cancel ${symbol} ${clientOrderId}: order ${why}`, false);
    }
    const canceled: ExchangeOrder = { ...found.value, status: 'canceled' };
    if (!(await this.o.venue.update(canceled, found.version))) {
      throw new ExchangeApiError(EXCHANGE_ERROR.operationFailed, `paper cancel ${clientOrderId}: order changed concurrently`, true);
    }
    return canceled;
  }

  async fetchBalances(): Promise<Balances> {
    return paperBalances(this.o.startingCash, await this.o.venue.list());
  }

  async #freshBook(symbol: string, now: number): Promise<TopOfBook> {
    const book = await this.o.marketData.getTopOfBook(symbol);
    const problem = !book ? 'no top of book'
      : now - book.time > this.o.maxBookAgeMs ? `top of book is ${now - book.time} ms old (max ${this.o.maxBookAgeMs})`
        : !(dec(book.bid).gt(0) && dec(book.ask).gt(0)) ? `top of book has no bid/ask (${book.bid}/${book.ask})`
          : undefined;
    if (problem || !book) throw new ExchangeApiError(EXCHANGE_ERROR.noMarketPrice, `paper ${symbol}: ${problem}`, true);
    return book;
  }

  #execute(request: OrderRequest, market: MarketInfo, book: TopOfBook, now: number): ExchangeOrder {
    const { side, clientOrderId } = request;
    const slipped = marketFillPrice(side, book, this.o.slippageBps, market.priceStep);
    const limit = request.type === 'limit' ? limitPriceOf(request, market) : undefined;
    const marketable = !limit || (side === 'buy' ? limit.gte(book.ask) : limit.lte(book.bid));
    const price = !limit ? slipped : side === 'buy' ? Decimal.min(limit, slipped) : Decimal.max(limit, slipped);
    const violation = orderRuleViolation(market, request.quantity, price);
    if (violation) {
      const code = violation.rule.startsWith('MIN_') ? EXCHANGE_ERROR.belowMinimum : EXCHANGE_ERROR.invalidOrder;
      throw new ExchangeApiError(code, `paper ${request.symbol} ${clientOrderId}: ${violation.message}`, false);
    }
    const base = {
      exchangeOrderId: paperOrderId(clientOrderId), clientOrderId, symbol: request.symbol, side, type: request.type,
      quantity: money(request.quantity), time: now, ...(limit ? { limitPrice: money(limit) } : {}),
    } as const;
    if (!marketable) return { ...base, status: 'open', filledQuantity: '0', trades: [] };
    const fill = limit
      ? { price, quantity: dec(request.quantity), fee: takerFee(price.mul(request.quantity), this.o.feeRate), feeCurrency: market.quote }
      : fillMarketOrder({ side, quantity: request.quantity, book, slippageBps: this.o.slippageBps, feeRate: this.o.feeRate, market });
    const trade: ExchangeTrade = {
      tradeId: paperTradeId(clientOrderId), price: money(fill.price), quantity: money(fill.quantity),
      fee: money(fill.fee), feeCurrency: fill.feeCurrency, liquidity: 'taker', time: now,
    };
    return { ...base, status: 'closed', filledQuantity: trade.quantity, averagePrice: trade.price, trades: [trade] };
  }

  async #checkFunds(order: ExchangeOrder, market: MarketInfo): Promise<void> {
    const balances = await this.fetchBalances();
    const free = (currency: string) => dec(balances[currency]?.free ?? '0');
    const needed = order.side === 'sell' ? dec(order.quantity) : order.trades.length
      ? sumTrades(order.trades, (t) => dec(t.price).mul(t.quantity).add(t.fee))
      : dec(order.quantity).mul(order.limitPrice ?? '0');
    const currency = order.side === 'sell' ? market.base : market.quote;
    if (needed.gt(free(currency))) {
      throw new ExchangeApiError(EXCHANGE_ERROR.insufficientFunds,
        `paper ${order.symbol} ${order.clientOrderId}: needs ${money(needed)} ${currency}, free ${money(free(currency))}`, false);
    }
  }
}

/**
 * Balances of a paper account: starting cash plus every stored fill (buy fees in quote), with
 * resting limit orders holding their quote (buys) or base (sells) as `used`.
 */
export function paperBalances(startingCash: PaperExchangeOptions['startingCash'], orders: readonly ExchangeOrder[]): Balances {
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

function limitPriceOf(request: OrderRequest, market: MarketInfo): Decimal {
  const limit = request.limitPrice === undefined ? undefined : dec(request.limitPrice);
  if (!limit || limit.lte(0) || !limit.mod(market.priceStep).isZero()) {
    throw new ExchangeApiError(EXCHANGE_ERROR.invalidOrder,
      `paper ${request.symbol} ${request.clientOrderId}: limit price ${request.limitPrice ?? '(none)'} is not a positive multiple of ${market.priceStep}`, false);
  }
  return limit;
}

function sumTrades(trades: readonly ExchangeTrade[], f: (t: ExchangeTrade) => Decimal): Decimal {
  return trades.reduce((acc, t) => acc.add(f(t)), ZERO);
}

function duplicate(clientOrderId: string): ExchangeApiError {
  return new ExchangeApiError(EXCHANGE_ERROR.duplicateOrder, `paper order with client id ${clientOrderId} already exists`, false);
}
