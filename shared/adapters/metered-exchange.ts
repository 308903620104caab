import type { Metrics } from '@aws-lambda-powertools/metrics';
import { StratusError } from '../domain/errors.js';
import type { MarketInfo } from '../domain/market.js';
import type { OrderRequest } from '../domain/order.js';
import { METRICS } from '../metrics-catalog.js';
import type { Balances, Exchange, ExchangeOrder } from '../ports.js';

/** The Exchange port's calls: the `endpoint` dimension of exchangeLatencyMs. */
export type ExchangeEndpoint = 'loadMarket' | 'placeOrder' | 'fetchOrderByClientId' | 'fetchOpenOrders' | 'cancelOrder' | 'fetchBalances';

/** Receives one measurement per Exchange-port call: its wall time and whether the exchange side failed. */
export interface ExchangeMeter {
  record(endpoint: ExchangeEndpoint, ms: number, exchangeFault: boolean): void;
}

/**
 * True for a failure of the exchange itself (network, timeout, 5xx: a retryable or foreign error), false for
 * a venue's "no" (permanent) and for our own rate budget running out — the same rule the circuit breaker uses.
 */
export function isExchangeFault(error: unknown): boolean {
  return !(error instanceof StratusError) || (error.retryable && error.code !== 'RATE_BUDGET_EXHAUSTED');
}

/** An Exchange that times every call of `inner` and reports it to `meter`; results and errors pass through unchanged. */
export class MeteredExchange implements Exchange {
  readonly id: string;

  constructor(private readonly inner: Exchange, private readonly meter: ExchangeMeter, private readonly now: () => number = () => performance.now()) {
    this.id = inner.id;
  }

  loadMarket(symbol: string): Promise<MarketInfo> {
    return this.timed('loadMarket', () => this.inner.loadMarket(symbol));
  }

  placeOrder(request: OrderRequest): Promise<ExchangeOrder> {
    return this.timed('placeOrder', () => this.inner.placeOrder(request));
  }

  fetchOrderByClientId(symbol: string, clientOrderId: string): Promise<ExchangeOrder | undefined> {
    return this.timed('fetchOrderByClientId', () => this.inner.fetchOrderByClientId(symbol, clientOrderId));
  }

  fetchOpenOrders(symbol?: string): Promise<ExchangeOrder[]> {
    return this.timed('fetchOpenOrders', () => this.inner.fetchOpenOrders(symbol));
  }

  cancelOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder> {
    return this.timed('cancelOrder', () => this.inner.cancelOrder(symbol, clientOrderId));
  }

  fetchBalances(): Promise<Balances> {
    return this.timed('fetchBalances', () => this.inner.fetchBalances());
  }

  private async timed<T>(endpoint: ExchangeEndpoint, call: () => Promise<T>): Promise<T> {
    const start = this.now();
    try {
      const result = await call();
      this.meter.record(endpoint, this.now() - start, false);
      return result;
    } catch (error) {
      this.meter.record(endpoint, this.now() - start, isExchangeFault(error));
      throw error;
    }
  }
}

/**
 * The meter of a deployed function: exchangeLatencyMs as its own EMF document per call (dimension `endpoint`
 * besides `service`), exchangeApiErrors added to the invocation's metrics (flushed by the middleware).
 */
export function emfExchangeMeter(metrics: Metrics): ExchangeMeter {
  return {
    record(endpoint, ms, exchangeFault) {
      const single = metrics.singleMetric();
      single.addDimension('endpoint', endpoint);
      single.addMetric(METRICS.exchangeLatencyMs.name, METRICS.exchangeLatencyMs.unit, Math.round(ms * 1000) / 1000);
      if (exchangeFault) metrics.addMetric(METRICS.exchangeApiErrors.name, METRICS.exchangeApiErrors.unit, 1);
    },
  };
}

/** Wraps a venue lookup so each venue it returns is metered; the same venue always gets the same wrapper. */
export function meteredVenues<A extends unknown[]>(venueFor: (...args: A) => Exchange, meter: ExchangeMeter): (...args: A) => Exchange {
  const wrapped = new WeakMap<Exchange, Exchange>();
  return (...args: A) => {
    const venue = venueFor(...args);
    let metered = wrapped.get(venue);
    if (!metered) wrapped.set(venue, (metered = new MeteredExchange(venue, meter)));
    return metered;
  };
}
