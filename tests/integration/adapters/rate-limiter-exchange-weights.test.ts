/**
 * RateLimitedExchange charges each port call at least the Binance weight of the requests CcxtExchange
 * really sends for it (counted on the fake Binance), so the shared budget can never be overrun by an
 * under-priced call, whatever the adapter's internals become.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CcxtExchange, createCcxtClient } from '../../../shared/adapters/ccxt-exchange.js';
import {
  BINANCE_REQUEST_WEIGHTS, RateLimitedExchange, callWeights, chargeCcxtRequests,
} from '../../../shared/adapters/rate-limited-exchange.js';
import type { OrderRequest } from '../../../shared/domain/order.js';
import type { Exchange, RateLimiter } from '../../../shared/ports.js';
import { FakeBinance, fault } from '../../support/fake-binance.js';

/** Binance's documented REQUEST_WEIGHT per route (written out here, independent of the adapter's table). */
const ROUTE_WEIGHT: Readonly<Record<string, (params: Readonly<Record<string, string>>) => number>> = {
  'GET /api/v3/exchangeInfo': () => 20,
  'POST /api/v3/order': () => 1,
  'DELETE /api/v3/order': () => 1,
  'GET /api/v3/order': () => 4,
  'GET /api/v3/openOrders': (p) => (p.symbol ? 6 : 80),
  'GET /api/v3/account': () => 20,
  'GET /api/v3/myTrades': () => 20,
  'GET /api/v3/allOrders': () => 20,
};

/** Records every acquire. */
class RecordingLimiter implements RateLimiter {
  readonly charged: number[] = [];
  async acquire(weight: number): Promise<void> {
    this.charged.push(weight);
  }
}

let fake: FakeBinance;
let limiter: RecordingLimiter;
let exchange: Exchange;
let n = 0;

beforeEach(async () => {
  fake = await FakeBinance.start({ apiKey: 'k', secret: 's', balances: { USDT: '1000', BTC: '0.01' } });
  limiter = new RecordingLimiter();
  exchange = new RateLimitedExchange(
    new CcxtExchange(createCcxtClient('binance', { apiKey: 'k', secret: 's' }, { restOrigin: fake.origin, rateLimit: false })), limiter,
  );
});
afterEach(async () => {
  await fake.stop();
});

function request(over: Partial<OrderRequest> = {}): OrderRequest {
  const id = `stx${String(++n).padStart(32, '0')}`;
  return {
    orderId: id.slice(3), clientOrderId: id, intentId: `intent-${n}`, strategy: 'momentum', symbol: 'BTC/USDT', side: 'buy',
    kind: 'entry', type: 'market', quantity: '0.002', referencePrice: '50000', reservedNotional: '100', mode: 'LIVE',
    policyHash: 'hash', createdAt: 0, ...over,
  };
}

/** Runs one port call; returns what the limiter was charged and what the fake really counted. */
async function measure(call: () => Promise<unknown>): Promise<{ charged: number; actual: number; routes: string[] }> {
  const [charges, requests] = [limiter.charged.length, fake.requests.length];
  await call();
  const sent = fake.requests.slice(requests);
  const actual = sent.reduce((acc, r) => {
    const weight = ROUTE_WEIGHT[r.route];
    if (!weight) throw new Error(`no Binance weight known for ${r.route}`);
    return acc + weight(r.params);
  }, 0);
  return { charged: limiter.charged.slice(charges).reduce((a, b) => a + b, 0), actual, routes: sent.map((r) => r.route) };
}

/** Every port call in the situations that change what it sends, as [name, call] pairs. */
function tour(exchange: Exchange): [string, () => Promise<unknown>][] {
  const placed = request();
  const resting = request({ type: 'limit', limitPrice: '40000.00', quantity: '0.001' });
  return [
    ['loadMarket (cold)', () => exchange.loadMarket('BTC/USDT')],
    ['loadMarket (cached)', () => exchange.loadMarket('ETH/USDT')],
    ['fetchOrderByClientId (unknown)', () => exchange.fetchOrderByClientId('BTC/USDT', placed.clientOrderId)],
    ['placeOrder (market, fills)', () => exchange.placeOrder(placed)],
    ['fetchOrderByClientId (filled: with trades)', () => exchange.fetchOrderByClientId('BTC/USDT', placed.clientOrderId)],
    ['fetchOrderByClientId (only in the history, filled)', () => {
      fake.script('GET /api/v3/order', fault.reject(-2013, 'Order does not exist.'));
      return exchange.fetchOrderByClientId('BTC/USDT', placed.clientOrderId);
    }],
    ['placeOrder (limit, rests)', () => exchange.placeOrder(resting)],
    ['fetchOpenOrders (symbol)', () => exchange.fetchOpenOrders('BTC/USDT')],
    ['fetchOpenOrders (all)', () => exchange.fetchOpenOrders()],
    ['cancelOrder', () => exchange.cancelOrder('BTC/USDT', resting.clientOrderId)],
    ['fetchBalances', () => exchange.fetchBalances()],
  ];
}

async function measureTour(exchange: Exchange): Promise<{ step: string; charged: number; actual: number }[]> {
  const rows: { step: string; charged: number; actual: number }[] = [];
  for (const [step, call] of tour(exchange)) {
    const { charged, actual } = await measure(call);
    rows.push({ step, charged, actual });
  }
  return rows;
}

describe('RateLimitedExchange over CcxtExchange against the fake Binance', () => {
  it('charges every port call at least the weight Binance counts for the requests it sends', async () => {
    const rows = await measureTour(exchange);
    for (const row of rows) expect(row.charged, row.step).toBeGreaterThanOrEqual(row.actual);
    // A look-up the direct query misses costs allOrders, then myTrades for its fills: the worst case charged is the weight sent.
    expect(rows.find((r) => r.step.startsWith('fetchOrderByClientId (only in the history'))).toMatchObject({ charged: 44, actual: 44 });
    expect(rows.find((r) => r.step === 'fetchOpenOrders (all)')).toMatchObject({ charged: 80, actual: 80 });
  });

  it('charges exchangeInfo once: on the first call that loads markets, not after', async () => {
    const w = callWeights(BINANCE_REQUEST_WEIGHTS);
    await exchange.placeOrder(request());
    await exchange.placeOrder(request());
    await exchange.loadMarket('BTC/USDT');
    expect(limiter.charged).toEqual([w.placeOrder + w.loadMarkets, w.placeOrder, 0]);
    expect(fake.calls('GET /api/v3/exchangeInfo')).toHaveLength(1);
  });

  it('charges the markets load ccxt sends before a cold first call of any kind', async () => {
    const { charged, actual, routes } = await measure(() => exchange.fetchBalances());
    expect(routes).toEqual(['GET /api/v3/exchangeInfo', 'GET /api/v3/account']);
    expect({ charged, actual }).toEqual({ charged: 40, actual: 40 });
  });

  it('charges before delegating: a call the limiter refuses never reaches the exchange', async () => {
    const refusing = new RateLimitedExchange(
      new CcxtExchange(createCcxtClient('binance', { apiKey: 'k', secret: 's' }, { restOrigin: fake.origin, rateLimit: false })),
      { acquire: async () => { throw new Error('budget exhausted'); } },
    );
    await expect(refusing.fetchBalances()).rejects.toThrow('budget exhausted');
    await expect(refusing.placeOrder(request())).rejects.toThrow('budget exhausted');
    expect(fake.requests).toEqual([]);
  });
});

describe('CcxtExchange charged per request through its beforeRequest hook (the LIVE wiring)', () => {
  function hooked(): Exchange {
    const client = createCcxtClient('binance', { apiKey: 'k', secret: 's' }, { restOrigin: fake.origin, rateLimit: false });
    return new CcxtExchange(client, {
      retry: { maxRetries: 2, retryBaseDelayMs: 1, retryMaxDelayMs: 1 }, sleep: async () => undefined,
      beforeRequest: chargeCcxtRequests(limiter, () => client.markets !== undefined),
    });
  }

  it('charges every port call at least the weight Binance counts, cached market loads nothing', async () => {
    const rows = await measureTour(hooked());
    for (const row of rows) expect(row.charged, row.step).toBeGreaterThanOrEqual(row.actual);
    expect(rows.find((r) => r.step === 'loadMarket (cached)')).toMatchObject({ charged: 0, actual: 0 });
    expect(rows.find((r) => r.step === 'fetchOrderByClientId (unknown)')).toMatchObject({ charged: 24, actual: 24 });
  });

  it('charges each retry of a rate-limited request as the request it is', async () => {
    const venue = hooked();
    fake.script('GET /api/v3/account', fault.rateLimited(0), fault.rateLimited(0));
    const { charged, actual, routes } = await measure(() => venue.fetchBalances());
    expect(routes).toEqual(['GET /api/v3/exchangeInfo', 'GET /api/v3/account', 'GET /api/v3/account', 'GET /api/v3/account']);
    expect({ charged, actual }).toEqual({ charged: 80, actual: 80 });
  });
});
