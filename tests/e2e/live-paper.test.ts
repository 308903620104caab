import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dynamoDocumentClient } from '../../shared/adapters/aws-clients.js';
import { DynamoStateStore } from '../../shared/adapters/dynamo-state-store.js';
import { DynamoMarketStore } from '../../shared/adapters/dynamo-market-store.js';
import { findRunning } from '../../shared/local/live-state.js';
import { runLive, type LiveEvent, type LiveSummary } from '../../shared/local/live-runner.js';
import { FakeBinanceWs, type FakeKline } from '../support/fake-binance-ws.js';

const M = 60_000;
const T0 = Date.UTC(2026, 0, 5, 10, 0);
const SYMBOL = 'BTC/USDT';
const POLICY = { symbols: [SYMBOL], strategies: [{ name: 'sma-cross', enabled: true, params: { fast: 2, slow: 4 } }] };

/** The wall clock of the live process, moved by the test: the scheduler fires on it exactly as on Date.now. */
const clock = { t: T0, now() { return this.t; } };
const until = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 8_000, interval: 20 });
const kline = (openTime: number, close: number, closed = true): FakeKline =>
  ({ openTime, open: close, high: close + 5, low: close - 5, close, volume: 10, closed });

describe('stratus start --live: paper trading on a fake Binance (REST + websocket), state kept on disk', () => {
  let fake: FakeBinanceWs;
  let dir: string;

  beforeAll(async () => {
    fake = await FakeBinanceWs.start([SYMBOL]);
    fake.addHistory(SYMBOL, Array.from({ length: 30 }, (_, i) => kline(T0 - (30 - i) * M, 50_000)));
    dir = await mkdtemp(join(tmpdir(), 'stratus-live-'));
  });
  afterAll(async () => {
    await fake?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Starts a session; resolves once it is running, with what stops it and its summary. */
  async function start(policy?: Record<string, unknown>) {
    const events: LiveEvent[] = [];
    const abort = new AbortController();
    const done = runLive({
      stateDir: dir, exchange: 'binance', signal: abort.signal, clock, pollMs: 20, ...(policy ? { policy } : {}),
      endpoints: { wsUrl: fake.wsUrl, restOrigin: `http://127.0.0.1:${fake.port}` },
      source: { backoff: { initialMs: 5, maxMs: 20 } },
      onEvent: (e) => events.push(e),
    });
    done.catch(() => undefined);
    await until(() => expect(events.some((e) => e.type === 'started')).toBe(true));
    await fake.waitForSubscription('btcusdt@kline_1m');
    const running = (await findRunning(dir))!;
    const client = dynamoDocumentClient({ endpoint: running.env.AWS_ENDPOINT_URL_DYNAMODB!, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const market = new DynamoMarketStore({ tableName: running.env.MARKET_TABLE!, client });
    const state = new DynamoStateStore({ tableName: running.env.STATE_TABLE!, client });
    return { events, market, state, stop: async (): Promise<LiveSummary> => { abort.abort(); return done; } };
  }

  /** Minute k closes at `close`: the closing update, the next candle's first update, a book; then the signal at :05. */
  async function minute(s: Awaited<ReturnType<typeof start>>, k: number, close: number) {
    clock.t = T0 + (k + 1) * M + 1_000;
    fake.pushKline(SYMBOL, kline(T0 + k * M, close));
    fake.pushKline(SYMBOL, kline(T0 + (k + 1) * M, close, false));
    fake.pushBookTicker(SYMBOL, String(close - 0.01), String(close + 0.01));
    await until(async () => expect((await s.market.getRecentClosedCandles(SYMBOL, '1m', clock.t, 1))[0]?.openTime).toBe(T0 + k * M));
    const cycles = s.events.filter((e) => e.type === 'cycle').length;
    clock.t = T0 + (k + 1) * M + 6_000;
    await until(() => expect(s.events.filter((e) => e.type === 'cycle').length).toBeGreaterThan(cycles));
  }

  it('trades from the live stream, stops gracefully, and a restart resumes the position and ledger without a duplicate order', async () => {
    clock.t = T0 + 3_000;
    const first = await start(POLICY);
    await minute(first, 0, 50_100); // fast SMA crosses above slow: buy
    await until(async () => expect((await first.state.listFills()).length).toBe(1));
    const summary1 = await first.stop();
    expect(summary1).toMatchObject({ resumed: false, fills: 1, openPositions: [SYMBOL], deadLetters: { signals: 0, orders: 0 } });
    expect(summary1.runtime).toEqual({ scheduledErrors: 0, handlerErrors: 0, undrainedPolls: 0 });
    expect(await findRunning(dir)).toBeUndefined();

    clock.t = T0 + M + 30_000;
    const second = await start();
    const resumed = (await second.state.getLedger())!.value;
    expect(Object.keys(resumed.positions)).toEqual([SYMBOL]);
    expect(resumed.fillCount).toBe(1);
    await minute(second, 1, 50_200); // holding, no cross: nothing
    await minute(second, 2, 49_700); // fast crosses below: sell
    await until(async () => expect((await second.state.listFills()).length).toBe(2));
    const orders = await second.state.listOrders();
    const summary2 = await second.stop();
    expect(summary2).toMatchObject({ resumed: true, fills: 2, openPositions: [], orders: { total: 2 } });
    expect(new Set(orders.map((o) => o.clientOrderId)).size).toBe(orders.length);
    expect(fake.restRequests.filter((r) => !r.startsWith('GET /api/v3/exchangeInfo') && !r.startsWith('GET /api/v3/klines'))).toEqual([]);
  }, 30_000);
});
