/**
 * An Exchange decorator that takes each call's request weight from a shared RateLimiter before
 * delegating, so every invocation trading on one API key / egress IP stays inside one budget.
 *
 * Binance spot REQUEST_WEIGHT (per minute, per IP) of the requests CcxtExchange sends:
 *
 * | request                          | weight |
 * |----------------------------------|--------|
 * | POST   /api/v3/order (place)     | 1      |
 * | DELETE /api/v3/order (cancel)    | 1      |
 * | GET    /api/v3/order (query)     | 4      |
 * | GET    /api/v3/openOrders symbol | 6      |
 * | GET    /api/v3/openOrders (all)  | 80     |
 * | GET    /api/v3/account           | 20     |
 * | GET    /api/v3/myTrades          | 20     |
 * | GET    /api/v3/allOrders         | 20     |
 * | GET    /api/v3/exchangeInfo      | 20     |
 *
 * and what each port call is charged (its requests, worst case, before the call):
 *
 * | port call                  | requests                                             | charged   |
 * |----------------------------|------------------------------------------------------|-----------|
 * | loadMarket                 | exchangeInfo (sent once: ccxt caches the markets)    | 0 (+20)   |
 * | placeOrder                 | query (duplicate check) + place                      | 5 (+20)   |
 * | fetchOrderByClientId       | query + allOrders (not found) + myTrades (fills)     | 44        |
 * | fetchOpenOrders(symbol?)   | openOrders                                           | 6 / 80    |
 * | cancelOrder                | cancel                                               | 1         |
 * | fetchBalances              | account                                              | 20        |
 *
 * (+20): ccxt loads the markets before the first call of any kind, so each port call adds exchangeInfo
 * until one has succeeded. One decorator per ccxt instance, as the market cache is per instance.
 *
 * Charging the worst case up front over-counts a little (a lookup found at once with no fills costs 4, not 44); the
 * budget is a ceiling, so that costs throughput, never a ban. Retries inside the wrapped exchange are not
 * seen by the decorator: CcxtExchange retries internally, so the LIVE wiring charges its requests one by
 * one through its beforeRequest hook instead (chargeCcxtRequests below, same table, every attempt).
 */
import type { MarketInfo } from '../domain/market.js';
import type { OrderRequest } from '../domain/order.js';
import type { Balances, Exchange, ExchangeOrder, RateLimiter } from '../ports.js';
import type { CcxtOperation } from './ccxt-exchange.js';

/** Request weights of one exchange's REST endpoints (see the table above). */
export interface RequestWeights {
  readonly placeOrder: number;
  readonly cancelOrder: number;
  readonly queryOrder: number;
  readonly openOrdersForSymbol: number;
  readonly openOrdersAll: number;
  readonly account: number;
  readonly myTrades: number;
  readonly allOrders: number;
  readonly exchangeInfo: number;
}

/** Binance spot request weights (developers.binance.com, spot REST API, REQUEST_WEIGHT). */
export const BINANCE_REQUEST_WEIGHTS: RequestWeights = Object.freeze({
  placeOrder: 1, cancelOrder: 1, queryOrder: 4, openOrdersForSymbol: 6, openOrdersAll: 80, account: 20, myTrades: 20, allOrders: 20, exchangeInfo: 20,
});

/** The weight charged for each Exchange port call (the lower table above). */
export function callWeights(w: RequestWeights = BINANCE_REQUEST_WEIGHTS) {
  return {
    loadMarkets: w.exchangeInfo,
    placeOrder: w.queryOrder + w.placeOrder,
    fetchOrderByClientId: w.queryOrder + w.allOrders + w.myTrades,
    fetchOpenOrders: (symbol?: string) => (symbol ? w.openOrdersForSymbol : w.openOrdersAll),
    cancelOrder: w.cancelOrder,
    fetchBalances: w.account,
  } as const;
}

/** Exchange port that acquires each call's weight from `limiter` before delegating to `inner`. */
export class RateLimitedExchange implements Exchange {
  readonly id: string;
  readonly #weights: ReturnType<typeof callWeights>;
  #marketsLoaded = false;

  constructor(private readonly inner: Exchange, private readonly limiter: RateLimiter, weights: RequestWeights = BINANCE_REQUEST_WEIGHTS) {
    this.id = inner.id;
    this.#weights = callWeights(weights);
  }

  async loadMarket(symbol: string): Promise<MarketInfo> {
    return this.#charged(0, () => this.inner.loadMarket(symbol));
  }

  async placeOrder(request: OrderRequest): Promise<ExchangeOrder> {
    return this.#charged(this.#weights.placeOrder, () => this.inner.placeOrder(request));
  }

  async fetchOrderByClientId(symbol: string, clientOrderId: string): Promise<ExchangeOrder | undefined> {
    return this.#charged(this.#weights.fetchOrderByClientId, () => this.inner.fetchOrderByClientId(symbol, clientOrderId));
  }

  async fetchOpenOrders(symbol?: string): Promise<ExchangeOrder[]> {
    return this.#charged(this.#weights.fetchOpenOrders(symbol), () => this.inner.fetchOpenOrders(symbol));
  }

  async cancelOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder> {
    return this.#charged(this.#weights.cancelOrder, () => this.inner.cancelOrder(symbol, clientOrderId));
  }

  async fetchBalances(): Promise<Balances> {
    return this.#charged(this.#weights.fetchBalances, () => this.inner.fetchBalances());
  }

  /** ccxt loads the markets before any first call: exchangeInfo is added until a call has succeeded (they are cached then). */
  async #charged<T>(weight: number, call: () => Promise<T>): Promise<T> {
    await this.limiter.acquire(weight + (this.#marketsLoaded ? 0 : this.#weights.loadMarkets));
    const result = await call();
    this.#marketsLoaded = true;
    return result;
  }
}

/** Weight of each request CcxtExchange sends, by its beforeRequest operation; openOrders as the all-symbols call (the hook sees no symbol). */
export function ccxtOperationWeights(w: RequestWeights = BINANCE_REQUEST_WEIGHTS): Readonly<Record<CcxtOperation, number>> {
  return {
    loadMarkets: w.exchangeInfo, fetchOrder: w.queryOrder, fetchOrders: w.allOrders, fetchOrderTrades: w.myTrades, createOrder: w.placeOrder,
    cancelOrder: w.cancelOrder, fetchOpenOrders: w.openOrdersAll, fetchBalance: w.account,
  };
}

/**
 * CcxtExchange's beforeRequest hook: takes each request attempt's weight (retries included) from `limiter`,
 * plus exchangeInfo while `marketsLoaded()` says the ccxt instance has no markets cached (ccxt loads them
 * before any first call); loadMarkets itself is then free.
 */
export function chargeCcxtRequests(
  limiter: RateLimiter, marketsLoaded: () => boolean, weights: RequestWeights = BINANCE_REQUEST_WEIGHTS,
): (operation: CcxtOperation) => Promise<void> {
  const table = ccxtOperationWeights(weights);
  return (operation) => {
    const markets = marketsLoaded() ? 0 : table.loadMarkets;
    return limiter.acquire(operation === 'loadMarkets' ? markets : table[operation] + markets);
  };
}
