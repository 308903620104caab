import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient } from '../../../shared/adapters/aws-clients.js';
import { EXCHANGE_ERROR, ExchangeApiError } from '../../../shared/adapters/ccxt-errors.js';
import { DynamoMarketStore } from '../../../shared/adapters/dynamo-market-store.js';
import { DynamoPaperVenueStore } from '../../../shared/adapters/dynamo-paper-venue-store.js';
import { MemoryMarketStore } from '../../../shared/adapters/memory-market-store.js';
import { PaperExchange, paperOptionsFor, paperTradeId, type PaperExchangeOptions } from '../../../shared/adapters/paper-exchange.js';
import { paperMarkets } from '../../../shared/adapters/paper-markets.js';
import { MemoryPaperVenueStore, type PaperVenueStore } from '../../../shared/adapters/paper-venue-store.js';
import type { Candle } from '../../../shared/domain/candle.js';
import type { OrderRequest } from '../../../shared/domain/order.js';
import { PolicySchema } from '../../../shared/domain/policy.js';
import { startEmulators, type Emulators } from '../../../shared/local/emulators.js';
import { provision } from '../../../shared/local/provision.js';
import type { MarketDataStore } from '../../../shared/ports.js';

const T0 = 1_717_200_000_000; // a minute boundary
const M = 60_000;
const BTC = 'BTC/USDT';
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
    orderId: id.slice(3), clientOrderId: id, intentId: `intent-${n}`, strategy: 'momentum', symbol: BTC, side: 'buy',
    kind: 'entry', type: 'market', quantity: '0.4', referencePrice: '1', reservedNotional: '0', mode: 'PAPER',
    policyHash: 'hash', createdAt: T0, ...over,
  };
}

/** A 1m BTC candle opening `k` minutes after T0. */
function candle(k: number, over: Partial<Candle> = {}): Candle {
  return { symbol: BTC, timeframe: '1m', openTime: T0 + k * M, open: 50000, high: 50100, low: 49900, close: 50000, volume: 1000, ...over };
}

interface World {
  readonly venue: PaperVenueStore;
  readonly market: MarketDataStore;
  readonly clock: { t: number; now(): number };
  exchange(over?: Partial<PaperExchangeOptions>): PaperExchange;
}

/** v2 paper venue: 5 bps fixed, impact 0.1, 10 % participation, taker 10 bps, maker 2 bps, seed 1; clock at T0 + 5 s. */
async function world(kind: 'memory' | 'dynamo'): Promise<World> {
  const tables = kind === 'dynamo' ? (await provision(e, `paperv2${++n}`)).tables : undefined;
  const venue = tables ? new DynamoPaperVenueStore({ tableName: tables.state, client: ddb }) : new MemoryPaperVenueStore();
  const market = tables ? new DynamoMarketStore({ tableName: tables.market, client: ddb }) : new MemoryMarketStore();
  const clock = { t: T0 + 5_000, now() { return this.t; } };
  await market.putTopOfBook({ symbol: BTC, bid: '50000.00', ask: '50000.10', time: T0 });
  await market.putCandles([candle(-1)]);
  return {
    venue, market, clock,
    exchange: (over = {}) => new PaperExchange({
      markets: paperMarkets(), marketData: market, venue, clock, slippageBps: 5, feeRate: '0.001', makerFeeRate: '0.0002',
      impactCoefficient: 0.1, maxVolumeParticipationPct: 10, seed: 1, maxBookAgeMs: 90_000,
      startingCash: { currency: 'USDT', amount: '100000' }, ...over,
    }),
  };
}

async function failure(promise: Promise<unknown>): Promise<ExchangeApiError> {
  const err = await promise.then(() => undefined, (x: unknown) => x);
  expect(err).toBeInstanceOf(ExchangeApiError);
  return err as ExchangeApiError;
}

describe.each(['memory', 'dynamo'] as const)('PaperExchange v2 on the %s venue store', (kind) => {
  it('fills a market buy at the ask plus fixed and square-root impact slippage', async () => {
    const w = await world(kind);
    const order = await w.exchange().placeOrder(request({ quantity: '0.4' }));
    // slip = 0.0005 + 0.1 x sqrt(0.4 / 1000) = 0.0025; 50000.10 x 1.0025 = 50125.10025 -> 50125.11; fee 0.4 x 50125.11 x 0.001
    expect(order).toMatchObject({ status: 'closed', filledQuantity: '0.4', averagePrice: '50125.11' });
    expect(order.trades).toEqual([expect.objectContaining({ price: '50125.11', quantity: '0.4', fee: '20.050044', liquidity: 'taker', time: T0 })]); // the book's time, not the clock's (T0 + 5 s)
  });

  it('fills a market order only up to the participation cap and expires the rest', async () => {
    const w = await world(kind);
    await w.market.putCandles([candle(-1, { volume: 5 })]);
    const order = await w.exchange({ maxVolumeParticipationPct: 4 }).placeOrder(request({ quantity: '0.5' }));
    // cap 5 x 4 % = 0.2; slip 0.0005 + 0.1 x sqrt(0.2 / 5) = 0.0205; 50000.10 x 1.0205 = 51025.10205 -> 51025.11
    expect(order).toMatchObject({ status: 'expired', quantity: '0.5', filledQuantity: '0.2', averagePrice: '51025.11' });
    expect(order.trades.map((t) => [t.quantity, t.fee])).toEqual([['0.2', '10.205022']]);
    expect(await w.exchange().fetchOpenOrders()).toEqual([]);
  });

  it('refuses a market order with a retryable NO_MARKET_PRICE when there is no closed candle for the volume', async () => {
    const w = await world(kind);
    await w.market.putTopOfBook({ symbol: 'ETH/USDT', bid: '3000', ask: '3000.01', time: T0 });
    const err = await failure(w.exchange().placeOrder(request({ symbol: 'ETH/USDT', quantity: '0.01' })));
    expect([err.code, err.retryable]).toEqual([EXCHANGE_ERROR.noMarketPrice, true]);
  });

  it('rests a limit buy and fills it at the limit, as maker, only on a later candle that trades through it', async () => {
    const w = await world(kind);
    const req = request({ type: 'limit', limitPrice: '49000.00', quantity: '0.01' });
    const placed = await w.exchange().placeOrder(req);
    expect(placed).toMatchObject({ status: 'open', filledQuantity: '0', trades: [] });
    await w.market.putCandles([
      candle(0, { low: 48000 }), // opened before the order was placed: it does not count
      candle(1, { low: 49000 }), // touches the limit: no fill
      candle(2, { low: 48999.99 }), // trades through: fills
    ]);
    w.clock.t = T0 + 2 * M + 30_000; // candle 2 has not closed yet
    expect(await w.exchange().fetchOrderByClientId(BTC, req.clientOrderId)).toMatchObject({ status: 'open', trades: [] });

    w.clock.t = T0 + 3 * M + 1_000;
    const filled = await w.exchange().fetchOrderByClientId(BTC, req.clientOrderId);
    // 0.01 x 49000 = 490; maker 0.0002 -> 0.098; the fill is timed at the candle's close
    expect(filled).toMatchObject({ status: 'closed', filledQuantity: '0.01', averagePrice: '49000' });
    expect(filled?.trades).toEqual([{
      tradeId: paperTradeId(req.clientOrderId, 1), price: '49000', quantity: '0.01', fee: '0.098', feeCurrency: 'USDT',
      liquidity: 'maker', time: T0 + 3 * M,
    }]);
    expect(await w.exchange().fetchOrderByClientId(BTC, req.clientOrderId)).toEqual(filled); // reading again changes nothing
    expect((await w.exchange().fetchBalances()).BTC).toEqual({ free: '0.01', used: '0', total: '0.01' });
  });

  it('fills a resting sell only when a candle high trades through its limit', async () => {
    const w = await world(kind);
    const x = w.exchange();
    await x.placeOrder(request({ quantity: '0.4' }));
    const req = request({ side: 'sell', kind: 'exit', type: 'limit', limitPrice: '51000.00', quantity: '0.4' });
    await x.placeOrder(req);
    await w.market.putCandles([candle(1, { high: 51000 }), candle(2, { high: 51000.01 })]);
    w.clock.t = T0 + 2 * M;
    expect((await x.fetchOpenOrders(BTC)).map((o) => o.clientOrderId)).toEqual([req.clientOrderId]);
    w.clock.t = T0 + 3 * M;
    expect(await x.fetchOpenOrders(BTC)).toEqual([]);
    expect(await x.fetchOrderByClientId(BTC, req.clientOrderId)).toMatchObject({ status: 'closed', averagePrice: '51000' });
  });

  it('fills a large resting order in parts across candles, each part with its own deterministic trade id', async () => {
    const w = await world(kind);
    const req = request({ clientOrderId: 'stxlimitpartial', type: 'limit', limitPrice: '49000.00', quantity: '0.5' });
    await w.exchange().placeOrder(req);
    await w.market.putCandles([2, 3, 4, 5, 6].map((k) => candle(k, { low: 48000, volume: 2 })));
    w.clock.t = T0 + 4 * M;
    // per candle at most 2 x 10 % x share, share = 0.5 + paperRandom(1, 'stxlimitpartial', openTime) / 2 (0.75244..., 0.62206...)
    const partial = await w.exchange().fetchOrderByClientId(BTC, req.clientOrderId);
    expect(partial).toMatchObject({ status: 'open', filledQuantity: '0.27489' });
    expect(partial?.trades.map((t) => [t.tradeId, t.quantity])).toEqual([
      [paperTradeId('stxlimitpartial', 1), '0.15048'], [paperTradeId('stxlimitpartial', 2), '0.12441'],
    ]);
    expect((await w.exchange().fetchBalances()).USDT?.used).toBe('11030.39'); // 0.22511 open x 49000

    w.clock.t = T0 + 7 * M;
    const done = await w.exchange().fetchOrderByClientId(BTC, req.clientOrderId);
    // then 0.17526 (share 0.87632...) and the last 0.04985 of a 0.10294 cap; candle 6 is not needed
    expect(done?.trades.map((t) => t.quantity)).toEqual(['0.15048', '0.12441', '0.17526', '0.04985']);
    expect(done).toMatchObject({ status: 'closed', filledQuantity: '0.5', averagePrice: '49000' });
  });

  it('cancels a partly filled order: its fills stand, the rest is released', async () => {
    const w = await world(kind);
    const req = request({ clientOrderId: 'stxlimitpartial', type: 'limit', limitPrice: '49000.00', quantity: '0.5' });
    await w.exchange().placeOrder(req);
    await w.market.putCandles([candle(2, { low: 48000, volume: 2 })]);
    w.clock.t = T0 + 3 * M;
    const canceled = await w.exchange().cancelOrder(BTC, req.clientOrderId); // matched up to now first
    expect(canceled).toMatchObject({ status: 'canceled', filledQuantity: '0.15048' });
    expect(canceled.trades).toHaveLength(1);
    const balances = await w.exchange().fetchBalances();
    expect(balances.BTC).toEqual({ free: '0.15048', used: '0', total: '0.15048' });
    expect(balances.USDT?.used).toBe('0');
    expect((await failure(w.exchange().cancelOrder(BTC, req.clientOrderId))).code).toBe(EXCHANGE_ERROR.orderNotFound);
  });

  it('refuses to cancel an order that filled in a candle closed before the cancel', async () => {
    const w = await world(kind);
    const req = request({ type: 'limit', limitPrice: '49000.00', quantity: '0.01' });
    await w.exchange().placeOrder(req);
    await w.market.putCandles([candle(1, { low: 48000 })]);
    w.clock.t = T0 + 2 * M;
    const err = await failure(w.exchange().cancelOrder(BTC, req.clientOrderId));
    expect(err.code).toBe(EXCHANGE_ERROR.orderNotFound);
    expect(err.message).toMatch(/is closed/);
  });
});

describe('PaperExchange v2 determinism', () => {
  async function run(seed: number) {
    const w = await world('memory');
    await w.exchange({ seed }).placeOrder({ ...request({ type: 'limit', limitPrice: '49000.00', quantity: '0.5' }), clientOrderId: 'stxlimitpartial' });
    await w.market.putCandles([2, 3, 4].map((k) => candle(k, { low: 48000, volume: 2 })));
    w.clock.t = T0 + 5 * M;
    return w.exchange({ seed }).fetchOrderByClientId(BTC, 'stxlimitpartial');
  }

  it('gives identical fills for the same seed and different ones for another seed', async () => {
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    const b = await run(2);
    expect(b?.filledQuantity).not.toBe(a?.filledQuantity);
    // seed 2 shares: 0.62642..., 0.61954..., 0.62470... -> 0.12528 + 0.1239 + 0.12494
    expect(b?.trades.map((t) => t.quantity)).toEqual(['0.12528', '0.1239', '0.12494']);
  });
});

describe('paperOptionsFor', () => {
  it("takes every fill parameter from the policy's paper section and its execution impact model", () => {
    const policy = PolicySchema.parse({ paper: { takerFeeBps: 7.5, makerFeeBps: 2, impactCoefficient: 0.2, maxVolumeParticipationPct: 5, seed: 9 } });
    expect(paperOptionsFor(policy)).toEqual({
      slippageBps: 5, feeRate: 0.00075, makerFeeRate: 0.0002, impactCoefficient: 0.2, maxVolumeParticipationPct: 5, seed: 9,
      impactModel: 'sqrt', almgrenChriss: { permanentGamma: 0.26, temporaryEta: 0.05, volatilityCandles: 60 },
      timeframe: '1m', maxBookAgeMs: policy.marketQuality.staleDataSeconds * 1000, startingCash: { currency: 'USDT', amount: '10000' },
    });
  });
});
