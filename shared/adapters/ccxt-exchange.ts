/**
 * LIVE venue: a ccxt exchange behind the Exchange port. Decimal strings in and out,
 * our client order id on every order, every failure translated by ccxt-errors.ts.
 */
import type { Exchange as CcxtClient, MarketInterface, Order, Trade } from 'ccxt';
// The exchange's own module, not the ccxt root: ~1.3 MB bundled instead of ~6 MB (see STACK-NOTES).
import binance from '../../node_modules/ccxt/js/src/binance.js';
import { orderRuleViolation } from '../domain/fill-model.js';
import type { MarketInfo } from '../domain/market.js';
import { ZERO, dec, money } from '../domain/money.js';
import type { OrderRequest } from '../domain/order.js';
import { StratusError } from '../domain/errors.js';
import type { Balances, Exchange, ExchangeOrder, ExchangeTrade } from '../ports.js';
import {
  EXCHANGE_ERROR, ExchangeApiError, fromCcxtError, hardenClient, isExchangeError, refusedBeforeActing, withUnknownOutcome,
} from './ccxt-errors.js';
import { DEFAULT_RETRY_POLICY, withRetry, type RetryOptions, type RetryPolicy } from './exchange-retry.js';
import type { ExchangeCredentials } from './exchange-credentials.js';
import { redactError } from './redaction.js';

/** ccxt precision modes (ccxt/js/src/base/functions/number.js). */
const DECIMAL_PLACES = 2;
const TICK_SIZE = 4;

/** Where and how createCcxtClient's instance talks to the exchange. */
export interface CcxtClientOptions {
  /** Send every REST call to this origin (e.g. a local fake exchange), keeping each API's path. */
  readonly restOrigin?: string;
  /** Use the exchange's testnet. */
  readonly sandbox?: boolean;
  readonly timeoutMs?: number;
  /** ccxt's client-side request throttle (on by default; tests against a local fake may turn it off). */
  readonly rateLimit?: boolean;
}

type CcxtConstructor = new (config: Record<string, unknown>) => CcxtClient;

/** Exchanges Stratus can build; add one by importing its module the same way as binance. */
const EXCHANGES: Readonly<Record<string, CcxtConstructor>> = { binance };

/** Builds a spot-only ccxt instance with rate limiting on; throws for exchanges Stratus does not wire. */
export function createCcxtClient(exchangeId: string, credentials?: ExchangeCredentials, options: CcxtClientOptions = {}): CcxtClient {
  const Ctor = EXCHANGES[exchangeId];
  if (!Ctor) throw new ExchangeApiError(EXCHANGE_ERROR.rejected, `exchange ${exchangeId} is not supported (known: ${Object.keys(EXCHANGES).join(', ')})`, false);
  const client = new Ctor({
    ...credentials,
    enableRateLimit: options.rateLimit ?? true,
    timeout: options.timeoutMs ?? 10_000,
    options: {
      defaultType: 'spot',
      // loadMarkets would otherwise also call futures, margin and (private) currency endpoints.
      fetchMarkets: { types: ['spot'] },
      fetchMargins: false,
      fetchCurrencies: false,
      warnOnFetchOpenOrdersWithoutSymbol: false,
    },
  });
  if (options.sandbox) client.setSandboxMode(true);
  if (options.restOrigin) pointAt(client, options.restOrigin);
  return client;
}

function pointAt(client: CcxtClient, origin: string): void {
  const api = client.urls.api as Record<string, unknown>;
  for (const [name, url] of Object.entries(api)) {
    if (typeof url === 'string') api[name] = `${origin.replace(/\/$/, '')}${new URL(url).pathname}`;
  }
}

/** The ccxt calls CcxtExchange makes, as named to a beforeRequest hook (e.g. a shared rate limiter). */
export type CcxtOperation =
  | 'loadMarkets' | 'fetchOrder' | 'fetchOrders' | 'fetchOrderTrades' | 'createOrder' | 'cancelOrder' | 'fetchOpenOrders' | 'fetchBalance';

/** Orders of a symbol's history searched for a client order id the direct query does not find (Binance allOrders' maximum). */
export const ORDER_HISTORY_LIMIT = 1000;

/** Retry and pacing of CcxtExchange's calls. */
export interface CcxtExchangeOptions {
  /** Backoff policy; pass policy.exchange. Default: the schema's defaults. */
  readonly retry?: RetryPolicy;
  /** Most total sleep between the attempts of one call, ms (default DEFAULT_RETRY_BUDGET_MS). */
  readonly retryBudgetMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Awaited before every request attempt, retries included. */
  readonly beforeRequest?: (operation: CcxtOperation) => Promise<void>;
}

/**
 * Exchange port over a ccxt instance (construct it with createCcxtClient, or point one at a fake). Reads and
 * cancels are retried (exchange-retry.ts); an order is re-sent only after a refusal that proves the exchange
 * did not act on it (429, 418). Any other retryable failure of a placement is thrown marked outcomeUnknown:
 * the caller must look the client order id up before sending again.
 */
export class CcxtExchange implements Exchange {
  readonly id: string;
  readonly #retry: RetryOptions;

  constructor(private readonly client: CcxtClient, private readonly options: CcxtExchangeOptions = {}) {
    this.id = client.id;
    const { retry = DEFAULT_RETRY_POLICY, retryBudgetMs: budgetMs, sleep, random } = options;
    this.#retry = { policy: retry, ...(budgetMs === undefined ? {} : { budgetMs }), ...(sleep ? { sleep } : {}), ...(random ? { random } : {}) };
    hardenClient(client);
  }

  async loadMarket(symbol: string): Promise<MarketInfo> {
    await this.#call('loadMarkets', `loadMarket ${symbol}`, () => this.client.loadMarkets());
    try {
      return toMarketInfo(this.client.market(symbol), this.client.precisionMode ?? TICK_SIZE);
    } catch (err) {
      throw fromCcxtError(err, `${this.id} loadMarket ${symbol}`);
    }
  }

  async placeOrder(request: OrderRequest): Promise<ExchangeOrder> {
    const { symbol, clientOrderId, side, type } = request;
    const context = `placeOrder ${symbol} ${clientOrderId}`;
    const market = await this.loadMarket(symbol);
    // Binance only refuses a client id that is still OPEN; a filled one would trade again. Ask first.
    if (await this.#fetchOrder(symbol, clientOrderId)) {
      throw new ExchangeApiError(EXCHANGE_ERROR.duplicateOrder, `${context}: the exchange already has this client order id`, false);
    }
    const amount = this.client.amountToPrecision(symbol, request.quantity) ?? '0';
    const price = type === 'limit' ? this.client.priceToPrecision(symbol, request.limitPrice ?? '0') ?? '0' : undefined;
    const violation = orderRuleViolation(market, amount, price ?? request.referencePrice);
    if (violation) {
      const code = violation.rule.startsWith('MIN_') ? EXCHANGE_ERROR.belowMinimum : EXCHANGE_ERROR.invalidOrder;
      throw new ExchangeApiError(code, `${context}: ${violation.message}`, false);
    }
    let order: Order;
    let sent = false; // an attempt got past beforeRequest and was not refused: the order may have reached the exchange
    const refused = (err: StratusError) => {
      if (refusedBeforeActing(err)) sent = false;
      return !sent;
    };
    try {
      // No price on market orders: with a price, ccxt turns a binance market buy into a quote-amount order.
      order = await this.#call('createOrder', context, () => {
        sent = true;
        return this.client.createOrder(symbol, type, side, Number(amount), price === undefined ? undefined : Number(price), { clientOrderId });
      }, refused);
    } catch (err) {
      throw sent && err instanceof StratusError && err.retryable && !refusedBeforeActing(err) ? withUnknownOutcome(err) : err;
    }
    if (order.clientOrderId !== undefined && order.clientOrderId !== clientOrderId) {
      // Never book an answer naming another order as ours; ours may or may not have been placed.
      throw new ExchangeApiError(EXCHANGE_ERROR.unexpected, `${context}: the exchange answered for client order id ${order.clientOrderId}`
        + ' (the order may have reached the exchange)', true, { outcomeUnknown: true });
    }
    return toExchangeOrder(order, { clientOrderId, symbol, side, type });
  }

  /**
   * The order with this client order id: the direct query, then (when that says "not found") the symbol's
   * order history (Binance allOrders: open, filled, canceled and expired, newest ORDER_HISTORY_LIMIT), matched
   * on the client order id. Undefined only when neither shows it.
   */
  async fetchOrderByClientId(symbol: string, clientOrderId: string): Promise<ExchangeOrder | undefined> {
    const order = (await this.#fetchOrder(symbol, clientOrderId)) ?? (await this.#fromHistory(symbol, clientOrderId));
    if (!order) return undefined;
    const fallback = { clientOrderId, symbol };
    if (!((order.filled ?? 0) > 0) || order.trades?.length || !this.client.has.fetchOrderTrades) return toExchangeOrder(order, fallback);
    const trades = await this.#call('fetchOrderTrades', `fetchOrderTrades ${symbol} ${clientOrderId}`,
      () => this.client.fetchOrderTrades(String(order.id), symbol));
    return toExchangeOrder({ ...order, trades }, fallback);
  }

  async fetchOpenOrders(symbol?: string): Promise<ExchangeOrder[]> {
    const orders = await this.#call('fetchOpenOrders', `fetchOpenOrders ${symbol ?? '*'}`, () => this.client.fetchOpenOrders(symbol));
    return orders.map((o) => toExchangeOrder(o, { clientOrderId: o.clientOrderId ?? '', symbol: o.symbol ?? symbol ?? '' }));
  }

  /** Cancels an open order. A retry that finds it already canceled (our earlier attempt's response was lost) returns it. */
  async cancelOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder> {
    let ambiguous = false;
    const retrying: RetryOptions = { ...this.#retry, onRetry: () => { ambiguous = true; } };
    try {
      const order = await this.#call('cancelOrder', `cancelOrder ${symbol} ${clientOrderId}`,
        () => this.client.cancelOrder('', symbol, { clientOrderId }), undefined, retrying);
      // Binance echoes the cancel request's own id as clientOrderId; ours is the order's identity.
      return toExchangeOrder({ ...order, clientOrderId }, { clientOrderId, symbol });
    } catch (err) {
      const now = ambiguous && isExchangeError(err, EXCHANGE_ERROR.orderNotFound) ? await this.fetchOrderByClientId(symbol, clientOrderId) : undefined;
      if (now?.status === 'canceled') return now;
      throw err;
    }
  }

  async fetchBalances(): Promise<Balances> {
    const balances = await this.#call('fetchBalance', 'fetchBalance', () => this.client.fetchBalance());
    return Object.fromEntries(Object.entries(balances.total ?? {}).filter(([, total]) => total)
      .map(([currency, total]) => [currency, { free: str(balances[currency]?.free), used: str(balances[currency]?.used), total: str(total) }]));
  }

  async #fetchOrder(symbol: string, clientOrderId: string): Promise<Order | undefined> {
    const order = await this.#call('fetchOrder', `fetchOrder ${symbol} ${clientOrderId}`, () => this.client.fetchOrder('', symbol, { clientOrderId }))
      .catch((err: unknown) => { if (isExchangeError(err, EXCHANGE_ERROR.orderNotFound)) return undefined; throw err; });
    if (order?.clientOrderId !== undefined && order.clientOrderId !== clientOrderId) {
      throw new ExchangeApiError(EXCHANGE_ERROR.unexpected, `fetchOrder ${symbol} ${clientOrderId}: the exchange answered for ${order.clientOrderId}`, true);
    }
    return order;
  }

  async #fromHistory(symbol: string, clientOrderId: string): Promise<Order | undefined> {
    const orders = await this.#call('fetchOrders', `fetchOrders ${symbol} (history, for ${clientOrderId})`,
      () => this.client.fetchOrders(symbol, undefined, ORDER_HISTORY_LIMIT));
    return orders.findLast((o) => o.clientOrderId === clientOrderId);
  }

  /** One ccxt call: paced by beforeRequest, errors translated by ccxt-errors.ts, retried per exchange-retry.ts. */
  #call<T>(operation: CcxtOperation, context: string, fn: () => Promise<T>, canRetry?: (e: StratusError) => boolean,
    retry: RetryOptions = this.#retry): Promise<T> {
    return withRetry(async () => {
      try {
        await this.options.beforeRequest?.(operation);
        return await fn();
      } catch (err) {
        throw fromCcxtError(redactError(err), `${this.id} ${context}`);
      }
    }, canRetry ? { ...retry, canRetry } : retry);
  }
}

/** A ccxt market as MarketInfo: steps from precision (tick-size or decimal-places mode), minimums from limits. */
export function toMarketInfo(m: MarketInterface, precisionMode: number): MarketInfo {
  const step = (p: number | undefined, what: string) => {
    if (p === undefined) throw new ExchangeApiError(EXCHANGE_ERROR.rejected, `${m.symbol}: no ${what} precision`, false);
    if (precisionMode === TICK_SIZE) return money(dec(p));
    if (precisionMode === DECIMAL_PLACES) return money(dec(10).pow(-p));
    throw new ExchangeApiError(EXCHANGE_ERROR.rejected, `${m.symbol}: unsupported ccxt precisionMode ${precisionMode}`, false);
  };
  const amountStep = step(m.precision.amount, 'amount');
  return {
    symbol: m.symbol, base: m.base, quote: m.quote, amountStep, priceStep: step(m.precision.price, 'price'),
    minAmount: m.limits.amount?.min === undefined ? amountStep : str(m.limits.amount.min),
    minNotional: str(m.limits.cost?.min), takerFeeRate: str(m.taker), makerFeeRate: str(m.maker),
  };
}

const STATUSES: Readonly<Record<string, ExchangeOrder['status']>> = {
  open: 'open', closed: 'closed', canceled: 'canceled', rejected: 'rejected', expired: 'expired',
};

/** A ccxt order as ExchangeOrder; unknown statuses count as open, so reconcile keeps looking at them. */
export function toExchangeOrder(
  o: Order, fallback: { clientOrderId: string; symbol: string; side?: ExchangeOrder['side']; type?: ExchangeOrder['type'] },
): ExchangeOrder {
  const type = o.type === 'limit' ? 'limit' : o.type === 'market' ? 'market' : fallback.type ?? 'market';
  const time = o.timestamp ?? o.lastTradeTimestamp ?? 0;
  const quote = (o.symbol ?? fallback.symbol).split('/')[1] ?? '';
  const trades = (o.trades ?? []).map((t, i) => toExchangeTrade(t, `${o.id}:${i}`, quote, time));
  const filledFromTrades = trades.reduce((acc, t) => acc.add(t.quantity), ZERO);
  const averagePrice = filledFromTrades.gt(0)
    ? money(trades.reduce((acc, t) => acc.add(dec(t.price).mul(t.quantity)), ZERO).div(filledFromTrades).toDecimalPlaces(12))
    : o.average && (o.filled ?? 0) > 0 ? str(o.average) : undefined;
  return {
    exchangeOrderId: String(o.id), clientOrderId: o.clientOrderId ?? fallback.clientOrderId, symbol: o.symbol ?? fallback.symbol,
    side: o.side === 'sell' || o.side === 'buy' ? o.side : fallback.side ?? 'buy', type,
    status: STATUSES[o.status ?? ''] ?? 'open', quantity: str(o.amount), filledQuantity: str(o.filled),
    ...(averagePrice ? { averagePrice } : {}),
    ...(type === 'limit' && o.price ? { limitPrice: str(o.price) } : {}),
    trades, time,
  };
}

/** A ccxt trade as ExchangeTrade. Fills reported with an order (no maker flag) were immediate, so taker. */
export function toExchangeTrade(t: Trade, fallbackId: string, quote: string, fallbackTime: number): ExchangeTrade {
  return {
    tradeId: t.id ? String(t.id) : fallbackId, price: str(t.price), quantity: str(t.amount), fee: str(t.fee?.cost),
    feeCurrency: t.fee?.currency ?? quote, liquidity: t.takerOrMaker === 'maker' ? 'maker' : 'taker',
    time: t.timestamp ?? fallbackTime,
  };
}

function str(n: number | string | undefined | null): string {
  return n === undefined || n === null ? '0' : money(dec(n));
}
