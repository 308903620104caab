import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient } from '../../../shared/adapters/aws-clients.js';
import { EXCHANGE_ERROR, ExchangeApiError } from '../../../shared/adapters/ccxt-errors.js';
import { DynamoMarketStore } from '../../../shared/adapters/dynamo-market-store.js';
import { DynamoPaperVenueStore } from '../../../shared/adapters/dynamo-paper-venue-store.js';
import { MemoryMarketStore } from '../../../shared/adapters/memory-market-store.js';
import { PaperExchange, paperTradeId, type PaperExchangeOptions } from '../../../shared/adapters/paper-exchange.js';
import { paperMarkets } from '../../../shared/adapters/paper-markets.js';
import { MemoryPaperVenueStore, type PaperVenueStore } from '../../../shared/adapters/paper-venue-store.js';
import type { OrderRequest } from '../../../shared/domain/order.js';
import { startEmulators, type Emulators } from '../../../shared/local/emulators.js';
import { provision } from '../../../shared/local/provision.js';
import type { MarketDataStore } from '../../../shared/ports.js';

const T0 = 1_717_200_000_000;
let e: Emulators;
let ddb: DynamoDBDocumentClient;
let n = 0;

beforeAll(async () => {
  e = await startEmulators();
  ddb = dynamoDocumentClient({ endpoint: e.dynamoEndpoint, region: e.region, credentials: e.credentials });
});
afterAll(async () => {
  ddb.destroy();
  await e.stop();
});

function request(over: Partial<OrderRequest> = {}): OrderRequest {
  const id = `stx${String(++n).padStart(32, '0')}`;
  return {
    orderId: id.slice(3), clientOrderId: id, intentId: `intent-${n}`, strategy: 'momentum', symbol: 'BTC/USDT', side: 'buy',
    kind: 'entry', type: 'market', quantity: '0.002', referencePrice: '1', reservedNotional: '100', mode: 'PAPER',
    policyHash: 'hash', createdAt: T0, ...over,
  };
}

interface World {
  readonly venue: PaperVenueStore;
  readonly market: MarketDataStore;
  readonly clock: { t: number; now(): number };
  exchange(over?: Partial<PaperExchangeOptions>): PaperExchange;
}

async function world(kind: 'memory' | 'dynamo'): Promise<World> {
  // Each dynamo world gets its own tables, so balances start clean.
  const tables = kind === 'dynamo' ? (await provision(e, `paper${++n}`)).tables : undefined;
  const venue = tables ? new DynamoPaperVenueStore({ tableName: tables.state, client: ddb }) : new MemoryPaperVenueStore();
  const market = tables ? new DynamoMarketStore({ tableName: tables.market, client: ddb }) : new MemoryMarketStore();
  const clock = { t: T0, now() { return this.t; } };
  await market.putTopOfBook({ symbol: 'BTC/USDT', bid: '50000.00', ask: '50000.10', time: T0 - 1_000 });
  return {
    venue, market, clock,
    exchange: (over = {}) => new PaperExchange({
      markets: paperMarkets(), marketData: market, venue, clock, slippageBps: 5, feeRate: '0.001', maxBookAgeMs: 90_000,
      startingCash: { currency: 'USDT', amount: '1000' }, ...over,
    }),
  };
}

async function failure(promise: Promise<unknown>): Promise<ExchangeApiError> {
  const err = await promise.then(() => undefined, (x: unknown) => x);
  expect(err).toBeInstanceOf(ExchangeApiError);
  return err as ExchangeApiError;
}

describe.each(['memory', 'dynamo'] as const)('PaperExchange on the %s venue store', (kind) => {
  it('fills a market buy at the stored ask plus slippage, not at the price on the order', async () => {
    const w = await world(kind);
    const req = request({ referencePrice: '1', limitPrice: '2' });
    const order = await w.exchange().placeOrder(req);

    // 50000.10 x 1.0005 = 50025.10005 -> 50025.11; x 0.002 = 100.05022; fee 0.10005022
    expect(order).toMatchObject({
      clientOrderId: req.clientOrderId, symbol: 'BTC/USDT', side: 'buy', type: 'market', status: 'closed',
      quantity: '0.002', filledQuantity: '0.002', averagePrice: '50025.11', time: T0,
    });
    expect(order.trades).toEqual([{
      tradeId: paperTradeId(req.clientOrderId), price: '50025.11', quantity: '0.002', fee: '0.10005022', feeCurrency: 'USDT',
      liquidity: 'taker', time: T0 - 1_000, // timed at the quote it took, not at the placement
    }]);
  });

  it('fills a market sell at the bid minus slippage and books both legs into the balances', async () => {
    const w = await world(kind);
    const x = w.exchange();
    await x.placeOrder(request());
    const sell = await x.placeOrder(request({ side: 'sell', kind: 'exit', quantity: '0.001' }));

    // 50000 x 0.9995 = 49975; x 0.001 = 49.975; fee 0.049975
    expect(sell.trades[0]).toMatchObject({ price: '49975', quantity: '0.001', fee: '0.049975' });
    // USDT: 1000 - 100.05022 - 0.10005022 + 49.975 - 0.049975 = 949.77475478
    expect(await x.fetchBalances()).toEqual({
      USDT: { free: '949.77475478', used: '0', total: '949.77475478' },
      BTC: { free: '0.001', used: '0', total: '0.001' },
    });
  });

  it('refuses to fill on a top of book older than maxBookAgeMs with a retryable NO_MARKET_PRICE', async () => {
    const w = await world(kind);
    w.clock.t = T0 - 1_000 + 90_001;
    const err = await failure(w.exchange().placeOrder(request()));
    expect(err.code).toBe(EXCHANGE_ERROR.noMarketPrice);
    expect(err.retryable).toBe(true);
    expect(await w.venue.list()).toEqual([]);
  });

  it('refuses a symbol with no top of book with a retryable NO_MARKET_PRICE', async () => {
    const w = await world(kind);
    const err = await failure(w.exchange().placeOrder(request({ symbol: 'ETH/USDT', quantity: '0.01' })));
    expect(err.code).toBe(EXCHANGE_ERROR.noMarketPrice);
  });

  it('rejects a reused client order id as a permanent DUPLICATE_ORDER and keeps the first order', async () => {
    const w = await world(kind);
    const req = request();
    const first = await w.exchange().placeOrder(req);
    await w.market.putTopOfBook({ symbol: 'BTC/USDT', bid: '40000.00', ask: '40000.10', time: T0 });
    const err = await failure(w.exchange().placeOrder(req));
    expect(err.code).toBe(EXCHANGE_ERROR.duplicateOrder);
    expect(err.retryable).toBe(false);
    expect(await w.venue.list()).toEqual([first]);
  });

  it('finds an order by client id from another exchange instance (a later invocation)', async () => {
    const w = await world(kind);
    const req = request();
    const placed = await w.exchange().placeOrder(req);
    const later = w.exchange();
    expect(await later.fetchOrderByClientId('BTC/USDT', req.clientOrderId)).toEqual(placed);
    expect(await later.fetchOrderByClientId('BTC/USDT', 'stx-never-sent')).toBeUndefined();
    expect(await later.fetchOrderByClientId('ETH/USDT', req.clientOrderId)).toBeUndefined();
  });

  it('rejects a buy the paper cash cannot pay for with a permanent INSUFFICIENT_FUNDS', async () => {
    const w = await world(kind);
    // 0.02 x 50025.11 = 1000.5022 > 1000
    const err = await failure(w.exchange().placeOrder(request({ quantity: '0.02' })));
    expect(err.code).toBe(EXCHANGE_ERROR.insufficientFunds);
    expect(err.retryable).toBe(false);
  });

  it('rejects a sell of more than is held with INSUFFICIENT_FUNDS', async () => {
    const w = await world(kind);
    const err = await failure(w.exchange().placeOrder(request({ side: 'sell', kind: 'exit', quantity: '0.001' })));
    expect(err.code).toBe(EXCHANGE_ERROR.insufficientFunds);
  });

  it('rests a limit buy below the ask as an open order, holds its cash, and releases it on cancel', async () => {
    const w = await world(kind);
    const x = w.exchange();
    const req = request({ type: 'limit', limitPrice: '49000.00', quantity: '0.001' });
    const open = await x.placeOrder(req);
    expect(open).toMatchObject({ status: 'open', filledQuantity: '0', limitPrice: '49000', trades: [] });
    expect(await x.fetchOpenOrders('BTC/USDT')).toEqual([open]);
    expect((await x.fetchBalances()).USDT).toEqual({ free: '951', used: '49', total: '1000' });

    const canceled = await x.cancelOrder('BTC/USDT', req.clientOrderId);
    expect(canceled.status).toBe('canceled');
    expect(await x.fetchOpenOrders()).toEqual([]);
    expect((await x.fetchBalances()).USDT).toEqual({ free: '1000', used: '0', total: '1000' });
    expect((await failure(x.cancelOrder('BTC/USDT', req.clientOrderId))).code).toBe(EXCHANGE_ERROR.orderNotFound);
  });

  it('fills a marketable limit buy at once, never above its limit', async () => {
    const w = await world(kind);
    const order = await w.exchange().placeOrder(request({ type: 'limit', limitPrice: '50010.00', quantity: '0.001' }));
    expect(order).toMatchObject({ status: 'closed', averagePrice: '50010' });
  });
});

describe('PaperExchange order rules', () => {
  const memory = () => world('memory');

  it.each([
    { name: 'a quantity off the lot step', over: { quantity: '0.000015' }, code: EXCHANGE_ERROR.invalidOrder },
    // 0.00009 x 50025.11 = 4.50 < 5
    { name: 'a notional under the 5 USDT minimum', over: { quantity: '0.00009' }, code: EXCHANGE_ERROR.belowMinimum },
    { name: 'a symbol it has no rules for', over: { symbol: 'PEPE/USDT' }, code: EXCHANGE_ERROR.badSymbol },
    { name: 'a limit price off the tick', over: { type: 'limit', limitPrice: '49000.005' }, code: EXCHANGE_ERROR.invalidOrder },
  ] as const)('rejects $name permanently', async ({ over, code }) => {
    const w = await memory();
    const err = await failure(w.exchange().placeOrder(request(over)));
    expect(err.code).toBe(code);
    expect(err.retryable).toBe(false);
  });
});

describe('PaperExchange on dynalite under concurrency', () => {
  it('lets exactly one of five concurrent placements of one client order id succeed', async () => {
    const w = await world('dynamo');
    const req = request();
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => w.exchange().placeOrder(req)));

    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as ExchangeApiError] : []));
    expect(ok).toHaveLength(1);
    expect(refused.map((x) => x.code)).toEqual(Array(4).fill(EXCHANGE_ERROR.duplicateOrder));
    expect(await w.venue.list()).toHaveLength(1);
  });
});
