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
import type { Balances, Exchange, ExchangeOrder, ExchangeTrade } from '../ports.js';
import { EXCHANGE_ERROR, ExchangeApiError, fromCcxtError, isExchangeError } from './ccxt-errors.js';
import type { ExchangeCredentials } from './exchange-credentials.js';

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

/** Exchange port over a ccxt instance (construct it with createCcxtClient, or point one at a fake). */
export class CcxtExchange implements Exchange {
  readonly id: string;

  constructor(private readonly client: CcxtClient) {
    this.id = client.id;
  }

  async loadMarket(symbol: string): Promise<MarketInfo> {
    return this.#call(`loadMarket ${symbol}`, async () => {
      await this.client.loadMarkets();
      return toMarketInfo(this.client.market(symbol), this.client.precisionMode ?? TICK_SIZE);
    });
  }

  async placeOrder(request: OrderRequest): Promise<ExchangeOrder> {
    const { symbol, clientOrderId, side, type } = request;
    const context = `placeOrder ${symbol} ${clientOrderId}`;
    const market = await this.loadMarket(symbol);
    // Binance only refuses a client id that is still OPEN; a filled one would trade again. Ask first.
    if (await this.#fetchOrder(symbol, clientOrderId)) {
      throw new ExchangeApiError(EXCHANGE_ERROR.duplicateOrder, `${context}: the exchange already has this client order id`, false);
    }
    const order = await this.#call(context, async () => {
      const amount = this.client.amountToPrecision(symbol, request.quantity) ?? '0';
      const price = type === 'limit' ? this.client.priceToPrecision(symbol, request.limitPrice ?? '0') ?? '0' : undefined;
      const violation = orderRuleViolation(market, amount, price ?? request.referencePrice);
      if (violation) {
        const code = violation.rule.startsWith('MIN_') ? EXCHANGE_ERROR.belowMinimum : EXCHANGE_ERROR.invalidOrder;
        throw new ExchangeApiError(code, `${context}: ${violation.message}`, false);
      }
      // No price on market orders: with a price, ccxt turns a binance market buy into a quote-amount order.
      return this.client.createOrder(symbol, type, side, Number(amount), price === undefined ? undefined : Number(price), { clientOrderId });
    });
    return toExchangeOrder(order, { clientOrderId, symbol, side, type });
  }

  async fetchOrderByClientId(symbol: string, clientOrderId: string): Promise<ExchangeOrder | undefined> {
    const order = await this.#fetchOrder(symbol, clientOrderId);
    if (!order) return undefined;
    const fallback = { clientOrderId, symbol };
    if (!((order.filled ?? 0) > 0) || order.trades?.length || !this.client.has.fetchOrderTrades) return toExchangeOrder(order, fallback);
    const trades = await this.#call(`fetchOrderTrades ${symbol} ${clientOrderId}`, () => this.client.fetchOrderTrades(String(order.id), symbol));
    return toExchangeOrder({ ...order, trades }, fallback);
  }

  async fetchOpenOrders(symbol?: string): Promise<ExchangeOrder[]> {
    const orders = await this.#call(`fetchOpenOrders ${symbol ?? '*'}`, () => this.client.fetchOpenOrders(symbol));
    return orders.map((o) => toExchangeOrder(o, { clientOrderId: o.clientOrderId ?? '', symbol: o.symbol ?? symbol ?? '' }));
  }

  async cancelOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder> {
    const order = await this.#call(`cancelOrder ${symbol} ${clientOrderId}`,
      () => this.client.cancelOrder('', symbol, { clientOrderId }));
    // Binance echoes the cancel request's own id as clientOrderId; ours is the order's identity.
    return toExchangeOrder({ ...order, clientOrderId }, { clientOrderId, symbol });
  }

  async fetchBalances(): Promise<Balances> {
    const balances = await this.#call('fetchBalance', () => this.client.fetchBalance());
    const out: Record<string, { free: string; used: string; total: string }> = {};
    for (const [currency, total] of Object.entries(balances.total ?? {})) {
      if (!total) continue;
      const b = balances[currency];
      out[currency] = { free: str(b?.free), used: str(b?.used), total: str(total) };
    }
    return out;
  }

  async #fetchOrder(symbol: string, clientOrderId: string): Promise<Order | undefined> {
    try {
      return await this.#call(`fetchOrder ${symbol} ${clientOrderId}`, () => this.client.fetchOrder('', symbol, { clientOrderId }));
    } catch (err) {
      if (isExchangeError(err, EXCHANGE_ERROR.orderNotFound)) return undefined;
      throw err;
    }
  }

  async #call<T>(context: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw fromCcxtError(err, `${this.id} ${context}`);
    }
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
