import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient } from '../../../shared/adapters/aws-clients.js';
import { DynamoMarketStore } from '../../../shared/adapters/dynamo-market-store.js';
import { DynamoPaperVenueStore } from '../../../shared/adapters/dynamo-paper-venue-store.js';
import { PaperExchange, paperOptionsFor } from '../../../shared/adapters/paper-exchange.js';
import { paperMarkets } from '../../../shared/adapters/paper-markets.js';
import type { Candle } from '../../../shared/domain/candle.js';
import { recentVolatility } from '../../../shared/domain/impact.js';
import type { OrderRequest } from '../../../shared/domain/order.js';
import { PolicySchema } from '../../../shared/domain/policy.js';
import { startEmulators, type Emulators } from '../../../shared/local/emulators.js';
import { provision } from '../../../shared/local/provision.js';

const T0 = 1_717_200_000_000;
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
    kind: 'entry', type: 'market', quantity: '2', referencePrice: '1', reservedNotional: '0', mode: 'PAPER',
    policyHash: 'hash', createdAt: T0, ...over,
  };
}

/** Closes alternating 50 000 / 50 500 on the four candles before T0; the last has volume 100. */
const CLOSES = [50000, 50500, 50000, 50500];
const candles: Candle[] = CLOSES.map((close, i) => ({
  symbol: BTC, timeframe: '1m', openTime: T0 + (i - CLOSES.length) * M, open: close, high: close, low: close, close, volume: 100,
}));

async function venue(policyDoc: unknown) {
  const { tables } = await provision(e, `paperimpact${++n}`);
  const market = new DynamoMarketStore({ tableName: tables.market, client: ddb });
  await market.putTopOfBook({ symbol: BTC, bid: '50000.00', ask: '50000.10', time: T0 });
  await market.putCandles(candles);
  const policy = PolicySchema.parse(policyDoc);
  return new PaperExchange({
    ...paperOptionsFor(policy), markets: paperMarkets(), marketData: market, clock: { now: () => T0 + 5_000 },
    venue: new DynamoPaperVenueStore({ tableName: tables.state, client: ddb }), startingCash: { currency: 'USDT', amount: '1000000' },
  });
}

describe('the paper venue under execution.impactModel almgren-chriss (dynalite)', () => {
  it('fills a market buy at the ask slipped by 5 bps + σ·(γ·X + η·x)/V, σ from the policy\'s latest candles', async () => {
    const exchange = await venue({ paper: { maxVolumeParticipationPct: 100 }, execution: { impactModel: 'almgren-chriss', almgrenChriss: { permanentGamma: 0.26, temporaryEta: 0.05, volatilityCandles: 3 } } });
    const sigma = recentVolatility(CLOSES);
    const slip = sigma.mul(0.31 * 2).div(100).add('0.0005');
    const expected = slip.add(1).mul('50000.10').div('0.01').ceil().mul('0.01');
    const order = await exchange.placeOrder(request());
    expect(order.averagePrice).toBe(expected.toFixed());
    // a slice child whose parent executed 6 before it pays their permanent shift too
    const child = await exchange.placeOrder(request({ executedBefore: '6' }));
    const childSlip = sigma.mul(0.26 * 8 + 0.05 * 2).div(100).add('0.0005');
    expect(child.averagePrice).toBe(childSlip.add(1).mul('50000.10').div('0.01').ceil().mul('0.01').toFixed());
  });

  it('keeps the square-root model by default', async () => {
    const exchange = await venue({ paper: { maxVolumeParticipationPct: 100 } });
    // 0.0005 + 0.1 × sqrt(2 / 100) = 0.0146421356…; 50000.10 × 1.0146421356… = 50732.2082… → 50732.21
    expect((await exchange.placeOrder(request())).averagePrice).toBe('50732.21');
  });
});
