import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions, REPO_ROOT } from '../../lib/bundle-options.js';
import { FakeBinance } from '../support/fake-binance.js';

type VenueModule = typeof import('../../shared/adapters/ccxt-exchange.js');
type BackfillModule = typeof import('../../shared/adapters/ccxt-backfill.js');

let dir: string;
let venue: VenueModule;
let backfill: BackfillModule;
let fake: FakeBinance;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-ccxt-bundle-'));
  await build(esbuildOptions(path.join(REPO_ROOT, 'shared', 'adapters', 'ccxt-exchange.ts'), dir));
  venue = (await import(pathToFileURL(path.join(dir, 'index.mjs')).href)) as VenueModule;
  await build(esbuildOptions(path.join(REPO_ROOT, 'shared', 'adapters', 'ccxt-backfill.ts'), path.join(dir, 'backfill')));
  backfill = (await import(pathToFileURL(path.join(dir, 'backfill', 'index.mjs')).href)) as BackfillModule;
  fake = await FakeBinance.start({ apiKey: 'k', secret: 's', balances: { USDT: '1000', BTC: '0' } });
}, 60_000);

afterAll(async () => {
  await fake?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the ccxt venue as bundled for Lambda (with the stand-ins of lib/bundle-options.ts)', () => {
  it('loads market rules and places an order against the fake Binance over the built-in fetch', async () => {
    const client = venue.createCcxtClient('binance', { apiKey: 'k', secret: 's' }, { restOrigin: fake.origin, rateLimit: false });
    const exchange = new venue.CcxtExchange(client);
    expect(await exchange.loadMarket('BTC/USDT')).toMatchObject({ symbol: 'BTC/USDT', amountStep: '0.00001', minNotional: '5' });
    const order = await exchange.placeOrder({
      orderId: 'b'.repeat(32), clientOrderId: `stx${'b'.repeat(32)}`, intentId: 'intent-b', strategy: 'momentum', symbol: 'BTC/USDT',
      side: 'buy', kind: 'entry', type: 'market', quantity: '0.002', referencePrice: '50000', reservedNotional: '100', mode: 'LIVE',
      policyHash: 'hash', createdAt: 0,
    });
    expect(order).toMatchObject({ clientOrderId: `stx${'b'.repeat(32)}`, status: 'closed', filledQuantity: '0.002', averagePrice: '50000.1' });
    expect(fake.calls('POST /api/v3/order')).toHaveLength(1);
    // undici is not in the bundle: ccxt fell back to Node's own fetch.
    const internals = client as unknown as { undiciModule?: unknown; fetchImplementation?: unknown };
    expect(internals.undiciModule).toBeUndefined();
    expect(internals.fetchImplementation).toBe(globalThis.fetch);
  });

  it('reads balances, finds the order by client id and lists open orders, signed requests through the stand-ins', async () => {
    const exchange = new venue.CcxtExchange(venue.createCcxtClient('binance', { apiKey: 'k', secret: 's' }, { restOrigin: fake.origin, rateLimit: false }));
    const order = await exchange.placeOrder({
      orderId: 'c'.repeat(32), clientOrderId: `stx${'c'.repeat(32)}`, intentId: 'intent-c', strategy: 'momentum', symbol: 'BTC/USDT',
      side: 'buy', kind: 'entry', type: 'market', quantity: '0.001', referencePrice: '50000', reservedNotional: '50', mode: 'LIVE',
      policyHash: 'hash', createdAt: 0,
    });
    expect(await exchange.fetchOrderByClientId('BTC/USDT', order.clientOrderId)).toMatchObject({ clientOrderId: order.clientOrderId, status: 'closed' });
    expect(await exchange.fetchOpenOrders('BTC/USDT')).toEqual([]);
    const balances = await exchange.fetchBalances();
    expect(Number(balances.BTC?.total)).toBeGreaterThan(0);
  });

  it('fetches closed candles over REST as signal does in degraded mode', async () => {
    const t0 = Date.UTC(2024, 0, 1);
    const row = (i: number) => ({ openTime: t0 + i * 60_000, open: '100', high: '101', low: '99', close: String(100 + i), volume: '2' });
    fake.addKlines('BTCUSDT', '1m', [0, 1, 2].map(row));
    const fetcher = backfill.ccxtCandleFetcherFor({ restOrigin: fake.origin, rateLimit: false })('binance');
    const candles = await fetcher.fetchClosedCandles('BTC/USDT', '1m', t0, t0 + 3 * 60_000);
    expect(candles.map((c) => [c.openTime, c.close])).toEqual([[t0, 100], [t0 + 60_000, 101], [t0 + 120_000, 102]]);
  });
});
