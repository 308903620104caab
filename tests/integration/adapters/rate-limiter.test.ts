/**
 * The shared budget under concurrency: 30 "executions", each with its own DynamoRateLimiter and its own
 * DynamoDB client (as separate Lambda containers have), call one exchange through RateLimitedExchange.
 * The exchange counts the real request weight of each call in the minute it arrives; the busiest minute
 * must stay within the budget, and without the limiter the same workload must not.
 *
 * Time is virtual: it moves only when an execution sleeps (think time, or the limiter waiting for the
 * next window), each virtual minute taking ~120 ms of real time, so the test runs in a few seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient } from '../../../shared/adapters/aws-clients.js';
import { DynamoRateLimiter } from '../../../shared/adapters/dynamo-rate-limiter.js';
import { MemoryRateLimiter, MemoryRateWindows } from '../../../shared/adapters/memory-rate-limiter.js';
import { RateLimitedExchange } from '../../../shared/adapters/rate-limited-exchange.js';
import type { MarketInfo } from '../../../shared/domain/market.js';
import type { OrderRequest } from '../../../shared/domain/order.js';
import { startEmulators, type Emulators } from '../../../shared/local/emulators.js';
import { provision } from '../../../shared/local/provision.js';
import type { Clock, Exchange, ExchangeOrder, RateLimiter } from '../../../shared/ports.js';
import { mulberry32 } from '../../../shared/domain/prng.js';

const WINDOW = 60_000;
const BUDGET = 600;
const EXECUTIONS = 30;
const ORDERS_PER_EXECUTION = 3;
/** Virtual ms per real ms. */
const SPEED = 500;
const T0 = 1_717_171_200_000;

/** Virtual time shared by every execution; sleep(ms) resumes after ms/SPEED real ms with the clock moved to its target. */
class RacingClock implements Clock {
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  readonly sleep = async (ms: number): Promise<void> => {
    const target = this.t + ms;
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.round(ms / SPEED))));
    this.t = Math.max(this.t, target);
  };
}

/** Deterministic uniform [0, 1) (mulberry32). */
const seeded = mulberry32;

const MARKET: MarketInfo = {
  symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', amountStep: '0.00001', priceStep: '0.01', minAmount: '0.00001',
  minNotional: '5', takerFeeRate: '0.001', makerFeeRate: '0.001',
};

/**
 * One exchange account seen by many clients. Each call records, at its arrival time, the weight of the
 * Binance requests a ccxt client would really send for it (independent of the limiter's own table):
 * exchangeInfo 20 once per client, GET order 4 (+ myTrades 20 only when the order has fills), POST order 1
 * (after its duplicate check, GET order 4), openOrders 6 / 80, account 20.
 */
class CountingExchange {
  readonly arrivals: { at: number; weight: number }[] = [];
  readonly #orders = new Map<string, ExchangeOrder>();
  constructor(private readonly clock: Clock) {}

  /** A fresh client (its own market cache), as each Lambda container has. */
  client(): Exchange {
    let marketsLoaded = false;
    const arrive = (weight: number) => {
      this.arrivals.push({ at: this.clock.now(), weight });
    };
    const withMarkets = (weight: number) => {
      arrive(weight + (marketsLoaded ? 0 : 20));
      marketsLoaded = true;
    };
    return {
      id: 'binance',
      loadMarket: async () => { withMarkets(0); return MARKET; },
      placeOrder: async (r: OrderRequest) => {
        withMarkets(4 + 1);
        const order: ExchangeOrder = {
          exchangeOrderId: String(this.#orders.size + 1), clientOrderId: r.clientOrderId, symbol: r.symbol, side: r.side, type: 'market',
          status: 'closed', quantity: r.quantity, filledQuantity: r.quantity, averagePrice: '50000', time: this.clock.now(),
          trades: [{ tradeId: `t${this.#orders.size}`, price: '50000', quantity: r.quantity, fee: '0', feeCurrency: 'USDT', liquidity: 'taker', time: this.clock.now() }],
        };
        this.#orders.set(r.clientOrderId, order);
        return order;
      },
      fetchOrderByClientId: async (_symbol: string, id: string) => {
        const order = this.#orders.get(id);
        arrive(4 + (order && Number(order.filledQuantity) > 0 ? 20 : 0));
        return order;
      },
      fetchOpenOrders: async (symbol?: string) => { arrive(symbol ? 6 : 80); return []; },
      cancelOrder: async () => { throw new Error('not used'); },
      fetchBalances: async () => { arrive(20); return {}; },
    };
  }

  /** Weight that arrived per window, busiest first. */
  perWindow(): number[] {
    const buckets = new Map<number, number>();
    for (const { at, weight } of this.arrivals) {
      const w = Math.floor(at / WINDOW) * WINDOW;
      buckets.set(w, (buckets.get(w) ?? 0) + weight);
    }
    return [...buckets.values()].sort((a, b) => b - a);
  }

  total(): number {
    return this.arrivals.reduce((acc, a) => acc + a.weight, 0);
  }
}

function order(execution: number, n: number): OrderRequest {
  const orderId = `${String(execution).padStart(2, '0')}${String(n).padStart(30, '0')}`;
  return {
    orderId, clientOrderId: `stx${orderId}`, intentId: `i-${execution}-${n}`, strategy: 'momentum', symbol: 'BTC/USDT', side: 'buy',
    kind: 'entry', type: 'market', quantity: '0.001', referencePrice: '50000', reservedNotional: '50', mode: 'LIVE', policyHash: 'h', createdAt: T0,
  };
}

/** What one execution does: per order the look-up, the placement and the confirmation; every tenth also reconciles. */
async function execution(i: number, exchange: Exchange, clock: RacingClock, random: () => number): Promise<void> {
  const think = () => clock.sleep(Math.floor(random() * 3_000));
  await clock.sleep(Math.floor(random() * 2_000));
  await exchange.loadMarket('BTC/USDT');
  for (let n = 0; n < ORDERS_PER_EXECUTION; n++) {
    const request = order(i, n);
    await exchange.fetchOrderByClientId(request.symbol, request.clientOrderId);
    await think();
    await exchange.placeOrder(request);
    await think();
    await exchange.fetchOrderByClientId(request.symbol, request.clientOrderId);
  }
  if (i % 10 === 0) {
    await exchange.fetchOpenOrders();
    await exchange.fetchBalances();
  }
}

let e: Emulators;
let tableName: string;
beforeAll(async () => {
  e = await startEmulators();
  tableName = (await provision(e, 'ratelimit')).tables.state;
});
afterAll(async () => {
  await e?.stop();
});

/** Runs the workload; `limiterFor(i)` is execution i's limiter (undefined: no limiter at all). */
async function run(clock: RacingClock, limiterFor: (i: number) => RateLimiter | undefined): Promise<CountingExchange> {
  const venue = new CountingExchange(clock);
  await Promise.all(Array.from({ length: EXECUTIONS }, (_, i) => {
    const limiter = limiterFor(i);
    const client = venue.client();
    return execution(i, limiter ? new RateLimitedExchange(client, limiter) : client, clock, seeded(1000 + i));
  }));
  return venue;
}

describe('shared rate limit across concurrent executions', () => {
  it(`keeps ${EXECUTIONS} concurrent executions, each with its own limiter and DynamoDB client, within the weight budget per minute`, async () => {
    const clock = new RacingClock(T0);
    const clients: ReturnType<typeof dynamoDocumentClient>[] = [];
    const limited = await run(clock, (i) => {
      const client = dynamoDocumentClient({ endpoint: e.dynamoEndpoint, region: e.region, credentials: e.credentials });
      clients.push(client);
      return new DynamoRateLimiter({
        tableName, client, key: 'binance', budget: BUDGET, clock, sleep: clock.sleep, random: seeded(i), maxWaitMs: 60 * WINDOW,
      });
    });
    clients.forEach((c) => c.destroy());

    const unlimitedClock = new RacingClock(T0);
    const unlimited = await run(unlimitedClock, () => undefined);

    const [peak = 0] = limited.perWindow();
    const [peakWithout = 0] = unlimited.perWindow();
    console.log(`rate limit: budget ${BUDGET} weight/min; measured peak ${peak} with the shared limiter over ${limited.perWindow().length} minutes `
      + `(${limited.arrivals.length} calls, total weight ${limited.total()}); peak without it ${peakWithout}`);

    expect(limited.total()).toBe(unlimited.total()); // the same work was done, nothing dropped
    expect(peak).toBeLessThanOrEqual(BUDGET);
    expect(limited.perWindow().length).toBeGreaterThanOrEqual(Math.ceil(limited.total() / BUDGET));
    expect(peakWithout).toBeGreaterThan(BUDGET); // the workload does exceed the budget when nobody limits it
  });

  it('holds the same budget with the memory twin shared by the executions of one process', async () => {
    const clock = new RacingClock(T0);
    const windows = new MemoryRateWindows();
    const limited = await run(clock, (i) => new MemoryRateLimiter({
      windows, key: 'binance', budget: BUDGET, clock, sleep: clock.sleep, random: seeded(i), maxWaitMs: 60 * WINDOW,
    }));
    const [peak = 0] = limited.perWindow();
    expect(peak).toBeLessThanOrEqual(BUDGET);
    expect(limited.perWindow().length).toBeGreaterThanOrEqual(Math.ceil(limited.total() / BUDGET));
  });
});
