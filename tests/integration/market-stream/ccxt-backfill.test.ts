/** CcxtCandleFetcher against the fake Binance's REST klines: paging, holes, the forming candle, error mapping. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CcxtCandleFetcher, ccxtCandleFetcherFor } from '../../../shared/adapters/ccxt-backfill.js';
import { ExchangeApiError } from '../../../shared/adapters/ccxt-errors.js';
import { createCcxtClient } from '../../../shared/adapters/ccxt-exchange.js';
import { FakeBinanceWs, type FakeKline } from '../../support/fake-binance-ws.js';

const T0 = Date.UTC(2021, 4, 19, 12, 0);
const M = 60_000;
const k = (i: number): FakeKline => ({ openTime: T0 + i * M, open: 100 + i, high: 101.5 + i, low: 99.5 + i, close: 101 + i, volume: 1 + i, closed: true });
const minutes = (candles: { openTime: number }[]) => candles.map((c) => (c.openTime - T0) / M);

let fake: FakeBinanceWs;
let origin: string;
beforeAll(async () => {
  fake = await FakeBinanceWs.start(['BTC/USDT']);
  origin = `http://127.0.0.1:${fake.port}`;
  // 0..19 exist except an exchange outage at 7..9; 20 is the candle still forming.
  fake.addHistory('BTC/USDT', [...Array.from({ length: 20 }, (_, i) => k(i)).filter((c) => ![7, 8, 9].includes((c.openTime - T0) / M)), k(20)]);
});
afterAll(async () => { await fake?.close(); });

describe('CcxtCandleFetcher', () => {
  it('pages forward until `to`, keeps the exchange\'s holes as holes and never returns the candle that opens at `to`', async () => {
    const fetcher = new CcxtCandleFetcher(createCcxtClient('binance', undefined, { restOrigin: origin, rateLimit: false }), { pageLimit: 4 });
    const before = fake.klineRequests.length;
    const candles = await fetcher.fetchClosedCandles('BTC/USDT', '1m', T0 + 2 * M, T0 + 20 * M);
    expect(minutes(candles)).toEqual([2, 3, 4, 5, 6, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(candles[0]).toEqual({ symbol: 'BTC/USDT', timeframe: '1m', openTime: T0 + 2 * M, open: 102, high: 103.5, low: 101.5, close: 103, volume: 3 });
    const requests = fake.klineRequests.slice(before);
    expect(requests.map((r) => Number(r['startTime']))).toEqual([2, 6, 13, 17].map((i) => T0 + i * M)); // the last page was short: done
    expect(requests.every((r) => r['endTime'] === String(T0 + 20 * M - 1) && r['limit'] === '4')).toBe(true);
  });

  it('returns nothing for an empty range, without a request', async () => {
    const fetcher = ccxtCandleFetcherFor({ restOrigin: origin, rateLimit: false })('binance');
    const before = fake.klineRequests.length;
    expect(await fetcher.fetchClosedCandles('BTC/USDT', '1m', T0 + 5 * M, T0 + 5 * M)).toEqual([]);
    expect(fake.klineRequests.length).toBe(before);
  });

  it('builds one fetcher per exchange id and refuses an exchange Stratus does not wire', () => {
    const fetcherFor = ccxtCandleFetcherFor({ restOrigin: origin });
    expect(fetcherFor('binance')).toBe(fetcherFor('binance'));
    expect(() => fetcherFor('nosuchexchange')).toThrow(ExchangeApiError);
  });

  it('translates an exchange outage into a retryable ExchangeApiError', async () => {
    const fetcher = ccxtCandleFetcherFor({ restOrigin: origin, rateLimit: false })('binance');
    fake.klinesFailWith = 503;
    try {
      const error = await fetcher.fetchClosedCandles('BTC/USDT', '1m', T0, T0 + 5 * M).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(ExchangeApiError);
      expect(error).toMatchObject({ retryable: true });
    } finally {
      fake.klinesFailWith = undefined;
    }
  });
});
